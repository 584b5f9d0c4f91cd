package org.elibrary.internal.async;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.elibrary.DatabaseUnavailableException;
import org.elibrary.LibraryClosedException;
import org.elibrary.LibraryException;
import org.elibrary.LibraryOverloadedException;
import org.elibrary.SelfDeadlockException;

/**
 * Runs blocking calls for one Library off the caller's thread, with bounded concurrency, a bounded queue,
 * timeouts that cancel the running statement, and an orderly close.
 *
 * <p><b>Lanes.</b> A call goes to the read lane or the write lane. Each lane runs at most as many calls at
 * once as it has connections; the rest wait in FIFO order. On SQLite the write lane has one permit (the
 * single writer connection) beside the readers' lane, so writers queue here, in order, instead of holding
 * reader permits while they wait for the writer; on PostgreSQL both lanes are one lane sized to the pool.
 * All lanes share one queue bound: past it a call fails at once with {@link LibraryOverloadedException}.
 *
 * <p><b>Threads.</b> Calls run on the executor given, or on one owned by the engine (virtual threads on
 * JDK 21+, platform threads on 17, named {@code elibrary-async-N}); never inside the caller's own call and
 * never on {@code ForkJoinPool.commonPool()} (a call submitted by a dependent stage running on an engine
 * thread runs on that thread, after the stage has returned). A future is completed on the thread that ran its
 * call, after the call released its connection and its permit. A caller's executor that throws instead of
 * taking a call fails that call ({@link LibraryOverloadedException}) and gets back its permit; one that runs a
 * call handed on by the sweeper on the sweeper itself ({@code CallerRunsPolicy}) has it held again instead.
 *
 * <p><b>Per-call cost.</b> A fast indexed read takes 15 to 25 µs of JDBC, and on a small VM every thread
 * wake-up costs about as much (futex call, inter-processor interrupt, scheduler latency), in wall time and
 * in CPU. The engine therefore avoids waking threads on its common paths:
 * <ul>
 *   <li>no timer task per call (see Timeouts);</li>
 *   <li>the thread that finishes a call runs the next queued call of its lane itself, right after completing
 *       its future, instead of handing it to another thread while the permit sits unused (if a dependent stage
 *       of the caller keeps it busy longer than a sweeper tick, the sweeper hands that call to another
 *       thread, so a slow stage delays a queued call by at most about {@link #TICK_MILLIS} ms);</li>
 *   <li>a call submitted by a dependent stage running on that thread (the next step of a chain such as
 *       {@code findDetails(id).thenCompose(d -> ...)}) runs there too, once the stage has returned, when its
 *       lane has a free permit: asynchronous code that issues one call after another stays on one thread
 *       (a loop, not recursion, however long the chain). A stage that waits for such a call
 *       ({@code join()}) hands it to another thread at once rather than after a tick;</li>
 *   <li>on platform threads, the thread that just finished spins for {@link #SPIN_MICROS} µs for the next
 *       call before it parks ({@link WorkerPool});</li>
 *   <li>a caller that waits ({@code join()}, {@code get()}) for a call that is likely quick spins about as
 *       long as calls take lately, at most {@link #MAX_JOIN_SPIN_MICROS} µs, before it parks
 *       ({@link CallFuture}).</li>
 * </ul>
 * Both spins are bounded in time and in threads (one idle worker; at most cores - 1 waiting callers), yield
 * the core now and then, and stop at once when the thread was descheduled (the machine is busy). The system
 * properties {@code elibrary.async.spinMicros} and {@code elibrary.async.joinSpinMicros} (0 turns a spin
 * off) are unsupported diagnostics for measuring them, not configuration.
 *
 * <p><b>Timeouts.</b> The clock of a call starts when it starts running (time spent queued is bounded by the
 * queue, not by the timeout). When it expires the call's statements are cancelled, repeatedly until the call
 * unwinds, and its future fails with {@link DatabaseUnavailableException}; the future is completed only when
 * the call has actually finished, so a failed future never hides a later commit, and a call that committed
 * just as its time ran out completes normally. Likewise a call that failed on its own (a failure a cancel
 * cannot cause: see causedByCancel; or an outage met before the cancel, see
 * {@link CancellationHandle#failedOnItsOwn}) fails with that failure, even when its timeout fired while it unwound.
 * Deadlines are watched by one sweeper thread
 * ({@code elibrary-async-timeouts}) that looks at every running call every {@link #TICK_MILLIS} ms while there
 * are calls (so a timeout fires up to a tick late, and a call with a short timeout is not missed behind one
 * with a long timeout), instead of a timer task per call: scheduling and cancelling one per call cost more
 * than a fast query (a delay-queue insertion that woke the timer thread on nearly every call). The sweeper
 * also repeats cancels every {@link #RECANCEL_MILLIS} ms (a PostgreSQL cancel request, a connection to the
 * server, is sent on another thread, one at a time per call and with a growing pause, and a call still not
 * unwound 2 s after its cancel has its connection aborted: see {@link CancellationHandle#cancel}); it starts
 * with the first call that needs it and retires after {@link AsyncThreads#KEEP_ALIVE_SECONDS} idle seconds.
 * A call whose work waits for another call's future is not parked out of the cancel's reach: it looks for its
 * cancel every tick while it waits, and then gives up (see {@link CallFuture}).
 *
 * <p><b>Waits that could never end.</b> With a {@linkplain Builder#writeConnection write connection} (SQLite's
 * writer, or a pool's only connection), a thread whose transaction holds that connection and that waits for a
 * write, which needs it, would wait forever (the write's clock starts only when it runs; the waiting call's
 * timeout cannot end a join). So such a wait
 * fails the write at once instead ({@link #refuseWaitForHeldWriter}); it is looked for only when a wait would
 * block, so calls and quick joins pay nothing for it. A wait through a future the engine did not make
 * ({@code CompletableFuture.allOf}, {@code anyOf}), or through a stage of a call that has finished
 * ({@code thenCompose}), is invisible there; the sweeper looks for it instead, while a transaction holds the write
 * connection and writes made for its thread wait for it ({@link #findIndirectSelfDeadlock}). What a call costs for
 * it: each call records the thread it was made for ({@link Task#madeBy}), and a {@code thenCompose} (or
 * {@code exceptionallyCompose}) re-attributes the call its function returns to the thread that set it up.
 *
 * <p><b>Cancellation.</b> {@code future.cancel(...)} before the call started means it never runs; after, its
 * statements are cancelled as on a timeout (whether it committed is then unknown to the caller). Any other
 * completion of the future that is not the engine's ({@code orTimeout}, {@code complete}, ...) is a cancel
 * too: the future no longer waits for the call, which must not commit behind it.
 *
 * <p><b>Close.</b> {@link #close()} refuses new calls, lets queued and running calls finish for up to the
 * close timeout, then fails calls that had not started and cancels running ones, waits for them to unwind
 * (at most {@link #ABORT_GRACE}), and stops its threads.
 */
public final class AsyncEngine implements AutoCloseable {
    /** After the close timeout, how long cancelled calls get to roll back before the pool is closed anyway. */
    static final Duration ABORT_GRACE = Duration.ofSeconds(5);
    /** How often a cancel is repeated until the call unwinds (one may land between two statements). */
    static final long RECANCEL_MILLIS = 50;
    /** How often the sweeper looks at the running calls' deadlines: the granularity of timeouts. */
    static final long TICK_MILLIS = 10;
    /** How long the worker that just finished a call spins for the next one before parking (see WorkerPool). */
    static final long SPIN_MICROS = Long.getLong("elibrary.async.spinMicros", 50);
    /** Callers spin in join() only while calls take less than this on average (see CallFuture). */
    static final long MAX_JOIN_SPIN_MICROS = Long.getLong("elibrary.async.joinSpinMicros", 100);
    /** How many callers may spin in join() at once: one core is left for the calls themselves. */
    private static final int MAX_JOIN_SPINNERS = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);

    /**
     * The run of calls this thread is in while it completes a future of an engine: calls that the future's
     * dependent stages submit are held for it (see submit), and close() from a stage does not wait for itself.
     */
    private static final ThreadLocal<Run> COMPLETING = new ThreadLocal<>();

    /** Why a call whose future the caller cancelled was cancelled. */
    static final String CANCELLED_BY_CALLER = "cancelled by the caller";
    /** Why a call whose future the caller completed otherwise (orTimeout, complete, ...) was cancelled. */
    static final String COMPLETED_BY_CALLER = "its future was completed by the caller (orTimeout, complete, ...)";
    /** Why a write awaited by a thread that holds the write connection it needs was cancelled. */
    static final String AWAITED_BY_WRITER = "awaited by the thread holding the write connection it needs";
    /**
     * What a thread told by the sweeper (see findIndirectSelfDeadlock) is told: the thread's name, the grace in ms.
     */
    static final String INDIRECT_SELF_DEADLOCK = "thread '%s' holds the SQLite write connection in a transaction and "
            + "has waited on a future for over %d ms while this write call, which it made and which needs that "
            + "connection, waited for that transaction to end: a wait the library cannot see into "
            + "(CompletableFuture.allOf, anyOf, a thenCompose stage) that would never end. This call was cancelled (it "
            + "never runs) and the transaction rolls back. Inside a transaction use the transaction's repositories "
            + "(tx.users()); outside one, compose the calls instead of waiting";
    /**
     * How long the sweeper sees a thread that holds the write connection wait on a future, while writes it made
     * wait for its transaction, before it takes that for a wait on them (see findIndirectSelfDeadlock).
     */
    static final long INDIRECT_WAIT_GRACE_MILLIS = 1000;
    /** What a thread that waits for a write while it holds the write connection is told. */
    static final String SELF_DEADLOCK = "this thread holds the SQLite write connection in a transaction and waits "
            + "for another write call of the same library, which needs that connection: it would wait forever. "
            + "That call was cancelled (it never runs) and the transaction rolls back. Inside a transaction use the "
            + "transaction's repositories (tx.users()), or compose the call with thenCompose instead of join()";

    static final String ONLY_CONNECTION = "this thread holds the only connection of the pool (its maximum size is "
            + "1) in a transaction and waits for another call of the same library, which needs a connection of that "
            + "pool: it would wait for the pool's connection timeout, then fail. That call was cancelled (it never "
            + "runs) and the transaction rolls back. Inside a transaction use the transaction's repositories "
            + "(tx.users()), or compose the call with thenCompose instead of join(); or give the pool more "
            + "connections (DATABASE_POOL_SIZE, or your DataSource's maximum pool size)";

    private static final int NEW = 0;
    private static final int RUNNING = 1;
    private static final int CANCELLED = 2;

    private final Lane readLane;
    private final Lane writeLane;
    private final int queueCapacity;
    private final Duration defaultTimeout;
    private final Duration closeTimeout;
    /** How long a call held for a thread may wait for it before the sweeper gives it to another thread. */
    private final long holdLimitNanos;
    private final Executor executor;
    private final ExecutorService ownedExecutor;
    /**
     * Whether the calling thread holds the write connection that calls of the write lane need, and how to make
     * its transaction roll back; null when no single connection serves all writes (see refuseWaitForHeldWriter).
     */
    private final WriteConnection writeConnection;
    /** Whether the write connection is the pool's only one, which reads need as well (see refuseWaitForHeldWriter). */
    private final boolean readsNeedTheWriter;
    /**
     * The sweeper's view of a wait it cannot see into (see findIndirectSelfDeadlock): the transaction whose thread
     * was seen waiting on a future while writes it made waited behind it, since when, and how many ticks in a row
     * it was then seen not waiting; sweeper only.
     */
    private Object stalledTransaction;
    private long stalledSince;
    private int stalledMisses;
    private final Set<Thread> ownedThreads = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /**
     * Calls handed to a caller's executor and not started yet: close() fails them when it gives up, as that
     * executor may have dropped them (shutdownNow, a discarding policy). Not kept for the engine's own executor,
     * which runs every task it accepts. Whoever removes a call from here (its run, or close) settles it.
     */
    private final Set<Task<?>> dispatched = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Sends PostgreSQL cancel requests and aborts connections, off the sweeper (see CancellationHandle). */
    private final ExecutorService signals = AsyncThreads.newSignalExecutor(ownedThreads);
    /** Moving average of how long calls take from submission to completion, in ns; racy on purpose. */
    private volatile long callNanos = Long.MAX_VALUE;
    private final AtomicInteger joinSpinners = new AtomicInteger();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private final Set<Task<?>> running = new HashSet<>();
    /**
     * Queued calls taken by a thread that finished a call of their lane and will run them once it has
     * completed its own future (oldest first; claimed ones are pruned lazily); guarded by lock.
     */
    private final ArrayDeque<Task<?>> held = new ArrayDeque<>();
    private int queued;
    private int outstanding;
    private boolean closed;
    private boolean aborting;
    /** The thread watching deadlines and repeating cancels, or null while none is needed; guarded by lock. */
    private Thread sweeper;
    /** Set when the engine stops for good: no sweeper may start any more; guarded by lock. */
    private boolean sweeperStopped;
    /** Calls started so far (the sweeper's sign of activity); guarded by lock. */
    private long started;
    private final Object closeMonitor = new Object();
    /** Set once close has stopped the engine; later closes return at once. */
    private volatile boolean terminated;

    private AsyncEngine(Builder builder) {
        this.readLane = new Lane("read", builder.readPermits);
        this.writeLane = builder.writePermits == 0 ? readLane : new Lane("write", builder.writePermits);
        this.queueCapacity = builder.queueCapacity;
        this.defaultTimeout = builder.defaultTimeout;
        this.closeTimeout = builder.closeTimeout;
        this.holdLimitNanos = builder.holdLimit.toNanos();
        this.writeConnection = builder.writeConnection;
        this.readsNeedTheWriter = builder.readsNeedTheWriter;
        if (builder.executor == null) {
            this.ownedExecutor = AsyncThreads.newExecutor(builder.virtualThreads, ownedThreads);
            this.executor = ownedExecutor;
        } else {
            this.ownedExecutor = null;
            this.executor = builder.executor;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A call that only reads. */
    public <T> CompletableFuture<T> read(Supplier<T> work, Duration timeout) {
        return submit(readLane, work, timeout);
    }

    /** A call that may write (it needs the writer connection on SQLite). */
    public <T> CompletableFuture<T> write(Supplier<T> work, Duration timeout) {
        return submit(writeLane, work, timeout);
    }

    /** Calls accepted and not yet completed (queued or running). */
    public int outstanding() {
        lock.lock();
        try {
            return outstanding;
        } finally {
            lock.unlock();
        }
    }

    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the engine's own threads are virtual threads (never when the caller supplied the executor). */
    public boolean usesVirtualThreads() {
        return ownedExecutor != null && AsyncThreads.isVirtual(ownedExecutor);
    }

    private <T> CompletableFuture<T> submit(Lane lane, Supplier<T> work, Duration timeout) {
        Objects.requireNonNull(work, "work");
        Duration effective = timeout == null ? defaultTimeout : timeout;
        CallFuture<T> future = new CallFuture<>(this);
        Task<T> task = new Task<>(lane, work, effective, future);
        future.bind(task);
        // submitted by a dependent stage of a call of this engine, on the thread that completed it: that thread
        // runs the call once the stage has returned, instead of waking another thread for it
        Run run = COMPLETING.get();
        boolean hold = run != null && run.engine == this;
        boolean start;
        lock.lock();
        try {
            if (closed) {
                return refuseClosed(future);
            }
            if (lane.running < lane.permits) {
                lane.running++;
                start = !hold;
                if (hold) {
                    holdForCurrentThread(task);
                }
            } else if (queued < queueCapacity) {
                lane.queue.addLast(task);
                queued++;
                start = false;
                if (writeConnection != null) {
                    startSweeperIfNeeded(); // a write queued behind a transaction that may wait for it
                }
            } else {
                return refuseOverloaded(future);
            }
            outstanding++;
        } finally {
            lock.unlock();
        }
        if (start) {
            dispatch(task);
        } else if (hold && task.holder != null) {
            run.next.addLast(task);
        }
        return future;
    }

    private <T> CompletableFuture<T> refuseClosed(CallFuture<T> future) {
        future.fail(new LibraryClosedException("the Library is closed"));
        return future;
    }

    private <T> CompletableFuture<T> refuseOverloaded(CallFuture<T> future) {
        future.fail(new LibraryOverloadedException("too many calls waiting: the async queue is "
                + "full (capacity " + queueCapacity + "); retry later, or raise ASYNC_QUEUE_CAPACITY", queueCapacity));
        return future;
    }

    private void dispatch(Task<?> task) {
        dispatch(task, task);
    }

    /** Hands {@code task} to the executor as {@code runner} (the task itself, or a wrapper that runs it). */
    private void dispatch(Task<?> task, Runnable runner) {
        if (ownedExecutor == null) {
            dispatched.add(task);
        }
        try {
            executor.execute(runner);
        } catch (RuntimeException | Error e) {
            // not only RejectedExecutionException: whatever a caller's executor throws, the call must not keep
            // its permit, nor its future wait forever, nor the exception kill the thread that dispatched it
            // (the caller's, the sweeper, a worker handing on the next call)
            refused(task, e);
        }
    }

    /** The executor threw instead of taking {@code task}: the call fails as refused, and gives back its permit. */
    private void refused(Task<?> task, Throwable e) {
        if (ownedExecutor == null && !dispatched.remove(task)) {
            return; // close() has failed it already, or the executor started it before it threw
        }
        // only a caller-supplied executor can refuse; the call never ran
        String what = e instanceof RejectedExecutionException ? "refused the call: " + e.getMessage()
                : "failed to take the call: " + e;
        task.future.fail(new LibraryOverloadedException("the executor given to the library " + what, queueCapacity, e));
        task.state.set(CANCELLED);
        Task<?> next = release(task);
        done();
        if (next != null) {
            dispatch(next);
        }
    }

    /**
     * The sweeper hands a held call to another thread: never to itself, which a caller's executor would do under
     * {@code CallerRunsPolicy} when it is saturated (the call would block every other call's timeout). Then the
     * call is held again: its holder runs it when its stage returns, or the next tick tries again.
     */
    private void rescue(Task<?> task) {
        if (ownedExecutor != null) {
            dispatch(task); // the engine's own executors never run a task on the submitting thread
            return;
        }
        Thread sweeperThread = Thread.currentThread();
        dispatch(task, () -> {
            if (Thread.currentThread() != sweeperThread) {
                task.run();
            } else if (dispatched.remove(task)) { // else close() has failed it already
                holdAgain(task);
            }
        });
    }

    /** A rescued call the executor ran on the sweeper itself, not started: held as before, or failed if aborting. */
    private void holdAgain(Task<?> task) {
        boolean abandoned;
        lock.lock();
        try {
            abandoned = aborting;
            if (!abandoned) {
                task.heldSince = System.nanoTime();
                held.addLast(task);
                CLAIMED.set(task, 0); // its holder, if still on its way to it, may claim it again
            }
        } finally {
            lock.unlock();
        }
        if (abandoned) {
            abandon(task);
        }
    }

    /**
     * The future of {@code task} was cancelled, or completed by someone else than the engine (called by
     * {@link CallFuture}); {@code reason} is one of {@link #CANCELLED_BY_CALLER}, {@link #COMPLETED_BY_CALLER}.
     */
    void onCancelled(Task<?> task, String reason) {
        if (task.state.compareAndSet(NEW, CANCELLED)) {
            boolean removed;
            lock.lock();
            try {
                removed = task.lane.queue.remove(task);
                if (removed) {
                    queued--;
                }
            } finally {
                lock.unlock();
            }
            if (removed) {
                done();
            }
            // otherwise it was dispatched already: Task.run sees CANCELLED, never runs it, and accounts for it
        } else {
            cancelRepeatedly(task, reason);
        }
    }

    /** Gives the task's permit to the next queued call of its lane, which the caller must dispatch. */
    private Task<?> release(Task<?> task) {
        lock.lock();
        try {
            running.remove(task);
            Task<?> next = task.lane.queue.pollFirst();
            if (next != null) {
                queued--;
            } else {
                task.lane.running--;
            }
            return next;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Like {@link #release}, but the next call is held for this thread, which must run it if it can still
     * {@link Task#claim() claim} it after completing its own future; the sweeper dispatches it if not claimed
     * within a tick.
     */
    private Task<?> releaseAndHold(Task<?> task) {
        lock.lock();
        try {
            Task<?> next = release(task);
            if (next != null) {
                holdForCurrentThread(next);
            }
            return next;
        } finally {
            lock.unlock();
        }
    }

    /** With the lock held: {@code task} (which has a permit) is this thread's to run next, or the sweeper's. */
    private void holdForCurrentThread(Task<?> task) {
        while (!held.isEmpty() && held.peekFirst().claimed != 0) {
            held.pollFirst();
        }
        task.holder = Thread.currentThread();
        task.heldSince = System.nanoTime();
        held.addLast(task);
        startSweeperIfNeeded();
    }

    /**
     * Runs {@code first}, then the calls held for this thread meanwhile (the lane's next queued call, calls
     * submitted by dependent stages), one after another: a loop, not recursion.
     */
    private void runFrom(Task<?> first) {
        if (ownedExecutor == null && !dispatched.remove(first)) {
            return; // the caller's executor ran it only after close() had failed it
        }
        Run run = new Run(this);
        execute(first, run);
        for (Task<?> next = run.next.pollFirst(); next != null; next = run.next.pollFirst()) {
            if (next.claim()) { // else the sweeper, or a join() on this thread, has handed it on
                execute(next, run);
            }
        }
    }

    /**
     * A caller on this thread waits for {@code task}, which is held for this very thread (a dependent stage
     * running here submitted it): it would wait for itself until the sweeper gave the call to another thread,
     * so the call goes to another thread now. Not run here: the waiting stage may be inside a synchronous
     * transaction of its own, which an asynchronous call must never join.
     */
    void handOnHeldBy(Thread waiter, Task<?> task) {
        if (task.holder == waiter && task.claim()) {
            dispatch(task);
        }
    }

    /**
     * A caller on this thread is about to wait for {@code awaited} (called by {@link CallFuture} only when the wait
     * would block, never per call). If the call is an unfinished write and this thread holds, in a transaction,
     * the one write connection every write needs, the wait could never end: the write would queue (or wait in the
     * pool) for the connection the waiting thread keeps until it stops waiting, and the call's clock, and a
     * timeout of the waiting call, cannot end a thread parked in join(). So the call fails at once with
     * {@link SelfDeadlockException}, is cancelled (it never runs, or is stopped in its wait for the connection:
     * it cannot have written anything), and the transaction can only roll back, so that nothing of the unit it
     * was part of is half-written. On a caller's pool of one connection ({@link Builder#readsNeedTheWriter}) a read
     * is refused the same way. Costs a field comparison, and for a write a ThreadLocal lookup.
     */
    void refuseWaitForHeldWriter(Task<?> awaited) {
        boolean write = awaited.lane == writeLane && writeLane != readLane;
        if (!write && !readsNeedTheWriter || writeConnection == null
                || awaited.future.isDone() || !writeConnection.heldHere()) {
            return;
        }
        // a read as well on a caller's pool of one connection, which the transaction holds: the read would wait in
        // the pool for its connection timeout (Spring Boot's: 30 s), then fail as if the database were down
        SelfDeadlockException deadlock = new SelfDeadlockException(write ? SELF_DEADLOCK : ONLY_CONNECTION);
        if (awaited.future.fail(deadlock)) { // else it finished meanwhile, on its own failure
            writeConnection.rollbackOnlyHere(deadlock);
            onCancelled(awaited, AWAITED_BY_WRITER);
        }
    }

    /**
     * With the lock held, on the sweeper: looks for a wait that {@link #refuseWaitForHeldWriter} cannot see, a
     * thread that holds the write connection in a transaction and waits on a future the library did not make
     * ({@code CompletableFuture.allOf(...)}, {@code anyOf(...)}), or on a stage of a call that has finished
     * ({@code thenCompose}), for writes it made, which wait for that very transaction (queued behind it, or in the
     * pool for its connection). Such writes can never run while it waits; the thread may be waiting for them, which
     * the library cannot tell for sure (the dependents of a CompletableFuture are private to the JDK). So: once the
     * thread has waited on a CompletableFuture for {@link #INDIRECT_WAIT_GRACE_MILLIS} ms in a row, with no other
     * call of its own unfinished (a read it may be waiting for), its waiting writes that something depends on (a
     * wait on one always does) fail with {@link SelfDeadlockException} into {@code refused}, and its transaction can
     * only roll back. A write nothing depends on (made and not waited for) runs after the transaction, as before.
     * Whether there is something to watch.
     */
    private boolean findIndirectSelfDeadlock(long now, List<Task<?>> refused) {
        Object transaction = writeConnection.transaction();
        Thread holder = transaction == null ? null : writeConnection.thread(transaction);
        List<Task<?>> blocked = holder == null ? null : blockedBehind(holder);
        if (blocked == null) {
            stalledTransaction = null;
            return false;
        }
        if (!waitsOnAFuture(holder)) {
            // one look at it not parked (a spurious wake-up, a caller's own loop of timed waits) is no end of the wait
            if (++stalledMisses >= 2) {
                stalledTransaction = null;
            }
            return true;
        }
        stalledMisses = 0;
        if (stalledTransaction != transaction) {
            stalledTransaction = transaction;
            stalledSince = now;
            return true;
        }
        if (now - stalledSince < TimeUnit.MILLISECONDS.toNanos(INDIRECT_WAIT_GRACE_MILLIS)) {
            return true;
        }
        stalledTransaction = null;
        for (Task<?> task : blocked) {
            if (task.future.getNumberOfDependents() > 0) {
                refused.add(task);
            }
        }
        return true;
    }

    /**
     * With the lock held: the unfinished writes that {@code holder} made (see {@link Task#madeBy}), which wait for
     * its transaction (queued, held, or running and waiting for the connection); null when there are none, or when
     * it has a read unfinished, which it may be waiting for.
     */
    private List<Task<?>> blockedBehind(Thread holder) {
        List<Task<?>> blocked = new ArrayList<>();
        for (Task<?> task : running) {
            // a running write of its own waits in the pool for the connection; one that does not is the very call
            // that holds it (an asynchronous transaction that the holder made, and now runs)
            if (task.madeBy() == holder && (task.lane != writeLane || task.handle.isAcquiring())
                    && !collectWrite(task, blocked)) {
                return null;
            }
        }
        for (Task<?> task : held) {
            if (task.claimed == 0 && task.madeBy() == holder && !collectWrite(task, blocked)) {
                return null;
            }
        }
        for (Lane lane : lanes()) {
            for (Task<?> task : lane.queue) {
                if (task.madeBy() == holder && !collectWrite(task, blocked)) {
                    return null;
                }
            }
        }
        return blocked.isEmpty() ? null : blocked;
    }

    /** Adds {@code task} to {@code writes} if it is an unfinished write; false if it is a read. */
    private boolean collectWrite(Task<?> task, List<Task<?>> writes) {
        if (task.lane != writeLane) {
            return false;
        }
        if (!task.future.isDone()) {
            writes.add(task);
        }
        return true;
    }

    /**
     * Whether {@code thread} waits for a CompletableFuture ({@code join()}, {@code get()}): parked, and what the JDK
     * parks it on then is a waiter object of CompletableFuture's own; or in a call's wait for a future of the
     * engine's, which parks in slices and is still waiting between two of them ({@link CallFuture#waitsInSlices}).
     */
    static boolean waitsOnAFuture(Thread thread) {
        if (CallFuture.waitsInSlices(thread)) {
            return true;
        }
        Thread.State state = thread.getState();
        if (state != Thread.State.WAITING && state != Thread.State.TIMED_WAITING) {
            return false;
        }
        Object blocker = LockSupport.getBlocker(thread);
        return blocker != null && blocker.getClass().getEnclosingClass() == CompletableFuture.class;
    }

    /**
     * On the sweeper: the writes that {@code transaction}'s thread seems to wait for (see findIndirectSelfDeadlock)
     * fail. The transaction is doomed first, so that the thread, once woken by a failure, cannot commit what it did
     * before; and every write is stopped (taken off its queue, or its running call cancelled) before any of their
     * futures fails: a failure wakes the thread (for {@code anyOf}, the first one ends its wait), and its rollback
     * frees the connection that a write not yet stopped would take, and commit. The writes not started are stopped
     * first: a running one, once cancelled, fails at once on its own thread, which then fails its future (waking the
     * thread) and hands its permit to the next queued write, which would start there before the sweeper got to it.
     */
    private void refuseIndirectWaits(List<Task<?>> writes, Object transaction) {
        String message = String.format(INDIRECT_SELF_DEADLOCK, writeConnection.thread(transaction).getName(),
                INDIRECT_WAIT_GRACE_MILLIS);
        writeConnection.rollbackOnly(transaction, new SelfDeadlockException(message));
        List<Task<?>> stopped = new ArrayList<>(writes.size());
        for (Task<?> task : writes) {
            if (task.state.get() == NEW) { // one that starts meanwhile is cancelled by onCancelled instead
                stop(task, message, stopped);
            }
        }
        for (Task<?> task : writes) {
            if (!stopped.contains(task)) {
                stop(task, message, stopped);
            }
        }
        for (Task<?> task : stopped) {
            task.future.fail(task.refusal);
        }
    }

    /** Stops an unfinished write refused by refuseIndirectWaits: it never runs, or its running call is cancelled. */
    private void stop(Task<?> task, String message, List<Task<?>> stopped) {
        if (!task.future.isDone()) {
            task.refusal = new SelfDeadlockException(message); // also what a running one fails with
            onCancelled(task, AWAITED_BY_WRITER);
            stopped.add(task);
        }
    }

    /** Whether the sweeper looks for waits it cannot see into, so that calls must say whom they were made for. */
    boolean watchesIndirectWaits() {
        return writeConnection != null;
    }

    /**
     * A call returned by the function of a {@code thenCompose} or {@code exceptionallyCompose} that {@code composer}
     * set up (called by {@link CallFuture}): it is made for that thread, which may wait for it through the composed
     * stage.
     */
    void madeFor(Task<?> call, Thread composer) {
        MADE_FOR.setRelease(call, composer);
    }

    private void done() {
        lock.lock();
        try {
            outstanding--;
            // once closed, on every call: a close() from a stage or a call waits for all but its own (not for 0)
            if (outstanding == 0 || closed) {
                idle.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs a call; the calls this thread should run next go to {@code run} (see releaseAndHold). The rare
     * paths are methods of their own, which keeps this one small enough for the JIT compiler to inline.
     */
    private <T> void execute(Task<T> task, Run run) {
        if (!start(task)) {
            return;
        }
        T value = null;
        Throwable failure = null;
        try {
            value = CancellationHandle.callWith(task.handle, task.work);
        } catch (Throwable t) {
            failure = t;
        } finally {
            stopCancelling(task);
            // an interrupt meant for this call must not reach the next one on a reused thread
            Thread.interrupted();
        }
        // The next queued call of the lane, if any, is this thread's to run once it has completed the future
        // (no hand-off to another thread, which costs a wake-up while the permit sits unused); if the
        // caller's dependent stages make that take longer than a sweeper tick, the sweeper hands it to
        // another thread instead (see sweep()).
        Task<?> next = releaseAndHold(task);
        if (next != null) {
            run.next.addLast(next);
        }
        sampleCallTime(System.nanoTime() - task.submitted);
        complete(task, value, failure, run);
    }

    /** Marks the call running, or settles it without running it (cancelled, or the engine is aborting). */
    private boolean start(Task<?> task) {
        if (!task.state.compareAndSet(NEW, RUNNING) || task.future.isDone()) {
            notRun(task);
            return false;
        }
        boolean abandoned;
        lock.lock();
        try {
            abandoned = aborting;
            if (!abandoned) {
                if (!task.timeout.isZero()) { // zero: no time limit
                    task.deadline = System.nanoTime() + task.timeout.toNanos();
                    task.limited = true;
                    startSweeperIfNeeded();
                } else if (writeConnection != null) {
                    startSweeperIfNeeded(); // it may wait for a transaction that waits for it
                }
                running.add(task);
                started++;
            }
        } finally {
            lock.unlock();
        }
        if (abandoned) {
            abandon(task);
            return false;
        }
        return true;
    }

    /** A call cancelled before it started: its permit goes to the next queued call. */
    private void notRun(Task<?> task) {
        stopCancelling(task);
        Task<?> next = release(task);
        done();
        if (next != null) {
            dispatch(next);
        }
    }

    /** Handed to the executor, but it only got a thread after the close deadline. */
    private void abandon(Task<?> task) {
        stopCancelling(task);
        task.future.fail(new LibraryClosedException(
                "the library closed before this call started; it never ran"));
        release(task);
        done();
    }

    /**
     * Completes the call's future. The caller's dependent stages run inside; one of them may close the
     * library, or submit calls (held for this thread).
     */
    private <T> void complete(Task<T> task, T value, Throwable failure, Run run) {
        Run outer = COMPLETING.get();
        COMPLETING.set(run);
        try {
            if (failure == null) {
                task.future.settle(value);
            } else {
                task.future.fail(translate(failure, task.handle, timedOut(task), task.refusal));
            }
        } finally {
            COMPLETING.set(outer); // not remove(): see CancellationHandle.callWith
            done();
        }
    }

    /**
     * Cancels the call now; the sweeper repeats it every {@link #RECANCEL_MILLIS} until the call has finished:
     * a cancel that lands before its statement is executing (PostgreSQL ignores it) or between two statements
     * has no effect.
     */
    private void cancelRepeatedly(Task<?> task, String reason) {
        task.handle.cancel(reason, signals);
        lock.lock();
        try {
            task.nextCancel = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RECANCEL_MILLIS);
            startSweeperIfNeeded();
        } finally {
            lock.unlock();
        }
    }

    /** The call is over (or never ran): later cancels must not touch anything, repeated ones stop. */
    private static void stopCancelling(Task<?> task) {
        task.handle.finish();
    }

    /** Folds one call's time, submission to completion, into the moving average (weight 1/8). */
    private void sampleCallTime(long nanos) {
        long average = callNanos;
        // racy read-modify-write: a lost sample among concurrent completions does not matter
        callNanos = average == Long.MAX_VALUE ? nanos : average + (nanos - average) / 8;
    }

    /**
     * How long a caller waiting for a call should spin before parking: about as long as calls take lately,
     * none while they take longer than {@link #MAX_JOIN_SPIN_MICROS} (a wake-up is then small beside the
     * call, and spinning would mostly burn a core).
     */
    long joinSpinNanos() {
        long average = callNanos;
        long max = TimeUnit.MICROSECONDS.toNanos(MAX_JOIN_SPIN_MICROS);
        return average > max ? 0 : Math.min(max, 2 * average);
    }

    /** Whether the calling thread may spin while waiting; if so it must call {@link #endJoinSpin()}. */
    boolean tryStartJoinSpin() {
        while (true) {
            int spinning = joinSpinners.get();
            if (spinning >= MAX_JOIN_SPINNERS) {
                return false;
            }
            if (joinSpinners.compareAndSet(spinning, spinning + 1)) {
                return true;
            }
        }
    }

    void endJoinSpin() {
        joinSpinners.decrementAndGet();
    }

    private static String timedOut(Task<?> task) {
        return "statement timed out after " + format(task.timeout);
    }

    /** With the lock held: makes sure a sweeper runs, unless the engine has stopped. */
    private void startSweeperIfNeeded() {
        if (sweeper != null || sweeperStopped) {
            return;
        }
        Thread thread = new Thread(this::sweep, AsyncThreads.THREAD_PREFIX + "timeouts");
        // a daemon, as the calls' threads are (see AsyncThreads): a forgotten Library must not hold the JVM
        thread.setDaemon(true);
        AsyncThreads.forgetExited(ownedThreads);
        ownedThreads.add(thread);
        sweeper = thread;
        thread.start();
    }

    /**
     * The sweeper's loop: every {@link #TICK_MILLIS}, cancels the running calls past their deadline and repeats
     * the cancel of those cancelled earlier that still run. The cancels themselves run outside the lock (on
     * PostgreSQL a cancel opens a connection to the server). Retires after the keep-alive without anything to
     * watch; the next call that needs it starts a new one.
     */
    private void sweep() {
        long keepAlive = TimeUnit.SECONDS.toNanos(AsyncThreads.KEEP_ALIVE_SECONDS);
        long recancel = TimeUnit.MILLISECONDS.toNanos(RECANCEL_MILLIS);
        long lastStarted = -1;
        long busySince = System.nanoTime();
        List<Task<?>> due = new ArrayList<>();
        List<Task<?>> rescued = new ArrayList<>();
        List<Task<?>> refused = new ArrayList<>();
        while (true) {
            Object stalled = null;
            lock.lock();
            try {
                long now = System.nanoTime();
                boolean watching = false;
                for (Task<?> task : running) {
                    if (task.handle.isCancelled()) {
                        watching = true;
                        if (now - task.nextCancel >= 0) {
                            task.nextCancel = now + recancel;
                            due.add(task);
                        }
                    } else if (task.limited) {
                        watching = true;
                        if (now - task.deadline >= 0) {
                            task.nextCancel = now + recancel;
                            due.add(task);
                        }
                    }
                }
                for (java.util.Iterator<Task<?>> it = held.iterator(); it.hasNext(); ) {
                    Task<?> next = it.next();
                    if (next.claimed != 0) {
                        it.remove();
                    } else {
                        watching = true;
                        if (now - next.heldSince >= holdLimitNanos && next.claim()) {
                            // its thread is still busy in a dependent stage of the previous call
                            it.remove();
                            rescued.add(next);
                        }
                    }
                }
                if (writeConnection != null) {
                    stalled = stalledTransaction;
                    watching |= findIndirectSelfDeadlock(now, refused);
                }
                if (watching || started != lastStarted) {
                    busySince = now;
                    lastStarted = started;
                }
                if (sweeperStopped || now - busySince >= keepAlive) {
                    sweeper = null;
                    return;
                }
            } finally {
                lock.unlock();
            }
            for (Task<?> task : due) {
                String reason = task.handle.reason();
                task.handle.cancel(reason != null ? reason : timedOut(task), signals);
            }
            due.clear();
            for (Task<?> next : rescued) {
                rescue(next);
            }
            rescued.clear();
            if (!refused.isEmpty()) {
                refuseIndirectWaits(refused, stalled);
                refused.clear();
            }
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS));
        }
    }

    /** Stops the sweeper for good (close); it exits within a tick. */
    private void stopSweeper() {
        Thread thread;
        lock.lock();
        try {
            sweeperStopped = true;
            thread = sweeper;
        } finally {
            lock.unlock();
        }
        if (thread != null) {
            LockSupport.unpark(thread);
        }
    }

    /**
     * The exception that fails the future of a call whose work threw {@code failure}: the call's own failure, or
     * what its cancel (timeout, close) made of it.
     */
    private static Throwable translate(Throwable failure, CancellationHandle handle, String timedOut,
                                       SelfDeadlockException refusal) {
        String reason = handle.reason();
        if (reason == null) {
            return own(failure);
        }
        if (handle.isOutcomeUnknown()) {
            // the commit was on its way when the connection broke: not known to be rolled back
            String what = reason.startsWith("the library closed") ? "the library closed" : reason;
            return new DatabaseUnavailableException(what + " while the call's commit was under way: whether it was "
                    + "committed is unknown; check before retrying it", failure);
        }
        if (!causedByCancel(failure) || handle.isOwnFailure(failure)) {
            // the call failed on its own (a duplicate, its own exception, an outage it met before the cancel), before
            // the cancel could stop anything: its real failure, not the timeout that fired while it unwound
            return own(failure);
        }
        if (reason.equals(timedOut)) {
            return new DatabaseUnavailableException(timedOut + "; the call was rolled back", failure);
        }
        if (reason.startsWith("the library closed")) {
            return new LibraryClosedException(reason, failure);
        }
        if (refusal != null && reason.equals(AWAITED_BY_WRITER)) {
            return refusal; // stopped while it waited for the connection its awaiting transaction holds
        }
        return own(failure);
    }

    /**
     * Whether {@code failure} may come from cancelling the call: what a cancelled statement, a refused statement
     * or commit, an interrupted wait for a connection or an aborted connection becomes (translated or still
     * JDBC's), or a closing library cutting the call short; possibly wrapped by the caller's work. A cancel never
     * causes the other library exceptions (a duplicate, a missing row, invalid input) nor the work's own.
     */
    private static boolean causedByCancel(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DatabaseUnavailableException || t instanceof LibraryClosedException) {
                return true;
            }
            if (t instanceof LibraryException) {
                return false; // its cause is the database's reason for it, not a cancel
            }
            if (t instanceof java.sql.SQLException || t instanceof InterruptedException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The work's own failure, as the future's. A {@link CancellationException} of the work's own is wrapped in a
     * {@link CompletionException} (as {@code supplyAsync} does with every exception): completed with it bare,
     * the future would say it was cancelled ({@code isCancelled()}), which nobody did.
     */
    private static Throwable own(Throwable failure) {
        return failure instanceof CancellationException ? new CompletionException(failure) : failure;
    }

    /**
     * Stops accepting calls, waits up to the close timeout for accepted ones, then fails those not started,
     * cancels those running, and stops the engine's threads. Idempotent; concurrent callers all return after
     * the engine stopped. Never closes a caller-supplied executor.
     */
    @Override
    public void close() {
        synchronized (closeMonitor) {
            closeAll(List.of(this), System.nanoTime() + closeTimeout.toNanos());
        }
    }

    /** Stops accepting calls at once (later ones fail with {@link LibraryClosedException}); waits for nothing. */
    public void refuse() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes several engines as one, as {@link #close()} closes one: all of them refuse new calls first; their
     * accepted calls then share {@code deadline} ({@link System#nanoTime()}), not a close timeout each; what
     * still runs after it is cancelled in all of them, and they share one {@link #ABORT_GRACE}. For one
     * caller at a time (concurrent closes of one engine go through {@link #close()}).
     */
    public static void closeAll(List<AsyncEngine> engines, long deadline) {
        List<AsyncEngine> open = new ArrayList<>();
        for (AsyncEngine engine : engines) {
            if (!engine.terminated) {
                engine.refuse();
                open.add(engine);
            }
        }
        List<AsyncEngine> aborted = new ArrayList<>();
        for (AsyncEngine engine : open) {
            if (engine.drain(deadline)) {
                aborted.add(engine);
            }
        }
        long graceEnd = System.nanoTime() + ABORT_GRACE.toNanos();
        for (AsyncEngine engine : aborted) {
            engine.lock.lock();
            try {
                engine.awaitIdle(graceEnd);
            } finally {
                engine.lock.unlock();
            }
        }
        for (AsyncEngine engine : open) {
            engine.stop();
        }
    }

    /**
     * Waits until {@code deadline} for the accepted calls; then fails those not started and cancels those
     * running. Whether it had to (the engine is aborting).
     */
    private boolean drain(long deadline) {
        List<Task<?>> notStarted = new ArrayList<>();
        List<Task<?>> stillRunning = new ArrayList<>();
        boolean abort;
        lock.lock();
        try {
            awaitIdle(deadline);
            abort = outstanding > ownCalls();
            if (abort) {
                aborting = true;
                for (Lane lane : lanes()) {
                    notStarted.addAll(lane.queue);
                    lane.queue.clear();
                }
                queued = 0;
                stillRunning.addAll(running);
                stillRunning.remove(runningHere()); // closed from inside a call: not by cancelling it
            }
        } finally {
            lock.unlock();
        }
        String reason = "the library closed before this call finished (close timeout " + format(closeTimeout)
                + "); nothing of it was committed";
        for (Task<?> task : notStarted) {
            task.state.compareAndSet(NEW, CANCELLED);
            task.future.fail(new LibraryClosedException(
                    "the library closed before this call started (close timeout " + format(closeTimeout)
                            + "); it never ran"));
            done();
        }
        if (abort) {
            for (Task<?> task : List.copyOf(dispatched)) {
                // not started by the caller's executor yet, perhaps never (dropped): if it runs it later, nothing
                if (dispatched.remove(task)) {
                    task.state.set(CANCELLED);
                    abandon(task);
                }
            }
        }
        for (Task<?> task : stillRunning) {
            cancelRepeatedly(task, reason);
        }
        return abort;
    }

    /** Stops the sweeper and the engine's own threads. */
    private void stop() {
        boolean onOwnThread;
        lock.lock();
        try {
            onOwnThread = ownCalls() > 0;
        } finally {
            lock.unlock();
        }
        stopSweeper();
        signals.shutdown();
        if (ownedExecutor != null && onOwnThread) {
            // closed from a dependent stage or a callback on one of our threads: it cannot wait for its own exit
            ownedExecutor.shutdown();
        } else if (ownedExecutor != null) {
            ownedExecutor.shutdown();
            if (!awaitTermination(ownedExecutor)) {
                ownedExecutor.shutdownNow();
                awaitTermination(ownedExecutor);
            }
        }
        // an executor counts as terminated a moment before its last threads have exited
        for (Thread thread : ownedThreads) {
            if (thread != Thread.currentThread()) {
                join(thread);
            }
        }
        terminated = true;
    }

    /**
     * Whether the calling thread is running a call of this engine (its work, and the units of work that work
     * begins, belong to a call accepted before any close).
     */
    public boolean runsCallHere() {
        lock.lock();
        try {
            return runningHere() != null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether the calling thread is running a call of this engine or completing one of its futures (a dependent
     * stage): whatever waits there for this engine to close waits for itself.
     */
    public boolean busyHere() {
        lock.lock();
        try {
            return ownCalls() > 0;
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@link #ABORT_GRACE} for the executor to end, an interrupt notwithstanding (it is kept). */
    private static boolean awaitTermination(ExecutorService executor) {
        long deadline = System.nanoTime() + ABORT_GRACE.toNanos();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return executor.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits up to {@link #ABORT_GRACE} for the thread to exit, an interrupt notwithstanding (it is kept). */
    private static void join(Thread thread) {
        long deadline = System.nanoTime() + ABORT_GRACE.toNanos();
        boolean interrupted = false;
        while (thread.isAlive() && deadline - System.nanoTime() > 0) {
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * With the lock held: waits until nothing is outstanding but the closing thread's own calls, or until
     * {@code deadline} ({@link System#nanoTime()}); an interrupt does not end the wait (it is kept).
     */
    private void awaitIdle(long deadline) {
        int self = ownCalls();
        boolean interrupted = false;
        long remaining = deadline - System.nanoTime();
        while (outstanding > self && remaining > 0) {
            try {
                remaining = idle.awaitNanos(remaining);
            } catch (InterruptedException e) {
                // close() takes its whole grace whatever interrupts the closing thread; it keeps the interrupt
                interrupted = true;
                remaining = deadline - System.nanoTime();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The calls of this engine that the closing thread itself is part of, which close() must not wait for: a
     * future it is completing (close() from a dependent stage), a call it is running (close() from a callback).
     */
    private int ownCalls() {
        return completingHere() + (runningHere() != null ? 1 : 0);
    }

    /** With the lock held: the call of this engine running on this thread, or null. */
    private Task<?> runningHere() {
        CancellationHandle here = CancellationHandle.current();
        if (here == null) {
            return null;
        }
        for (Task<?> task : running) {
            if (task.handle == here) {
                return task;
            }
        }
        return null;
    }

    /** 1 while this thread completes a future of this engine (close() from a stage must not wait for it). */
    private int completingHere() {
        Run run = COMPLETING.get();
        // COMPLETING holds a run of this engine only while one of its futures is being completed
        return run != null && run.engine == this ? 1 : 0;
    }

    /** One thread's run of calls of an engine: the calls held for it to run next, in order. */
    private static final class Run {
        final AsyncEngine engine;
        final ArrayDeque<Task<?>> next = new ArrayDeque<>(2);

        Run(AsyncEngine engine) {
            this.engine = engine;
        }
    }

    private List<Lane> lanes() {
        return readLane == writeLane ? List.of(readLane) : List.of(readLane, writeLane);
    }

    /** {@code 2s}, {@code 500ms}, {@code 1m30s}: the way people write durations. */
    static String format(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        long millis = duration.toMillis();
        if (millis < 1000) {
            return millis + "ms";
        }
        StringBuilder text = new StringBuilder();
        long hours = duration.toHours();
        int minutes = duration.toMinutesPart();
        int seconds = duration.toSecondsPart();
        int rest = duration.toMillisPart();
        if (hours > 0) {
            text.append(hours).append('h');
        }
        if (minutes > 0) {
            text.append(minutes).append('m');
        }
        if (seconds > 0 || rest > 0) {
            text.append(seconds);
            if (rest > 0) {
                text.append('.').append(String.format(Locale.ROOT, "%03d", rest).replaceAll("0+$", ""));
            }
            text.append('s');
        }
        return text.toString();
    }

    private static final class Lane {
        final String name;
        final int permits;
        final ArrayDeque<Task<?>> queue = new ArrayDeque<>();
        int running;

        Lane(String name, int permits) {
            this.name = name;
            this.permits = permits;
        }

        @Override
        public String toString() {
            return name + " lane (" + permits + ")";
        }
    }

    private static final VarHandle MADE_FOR;

    static {
        try {
            MADE_FOR = MethodHandles.privateLookupIn(Task.class, MethodHandles.lookup())
                    .findVarHandle(Task.class, "madeFor", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("rawtypes")
    private static final java.util.concurrent.atomic.AtomicIntegerFieldUpdater<Task> CLAIMED =
            java.util.concurrent.atomic.AtomicIntegerFieldUpdater.newUpdater(Task.class, "claimed");

    final class Task<T> implements Runnable {
        final Lane lane;
        final Supplier<T> work;
        final Duration timeout;
        final CallFuture<T> future;
        final long submitted = System.nanoTime();
        /**
         * The thread the call was made for: the one that made it, or the one that set up the thenCompose (or
         * exceptionallyCompose) whose function made it (see madeFor; written with a release store). Read by the
         * sweeper only.
         */
        @SuppressWarnings("unused") // through MADE_FOR
        private Thread madeFor = Thread.currentThread();
        final CancellationHandle handle = new CancellationHandle();
        final AtomicInteger state = new AtomicInteger(NEW);
        /** Whether the call has a time limit, and when it ends (System.nanoTime()); set under the lock. */
        boolean limited;
        long deadline;
        /** When the sweeper repeats the cancel of this call next; guarded by the lock. */
        long nextCancel;
        /**
         * What the call fails with when the sweeper stopped it as a write its transaction's thread waits for (see
         * refuseIndirectWaits); set before the cancel.
         */
        volatile SelfDeadlockException refusal;

        Task(Lane lane, Supplier<T> work, Duration timeout, CallFuture<T> future) {
            this.lane = lane;
            this.work = work;
            this.timeout = timeout;
            this.future = future;
        }

        /** Whether a thread holds this call to run it next (see releaseAndHold); 1 once one has claimed it. */
        volatile int claimed;
        long heldSince;
        /** The thread that holds this call, or null if it was dispatched; set under the lock, before publication. */
        volatile Thread holder;

        Thread madeBy() {
            return (Thread) MADE_FOR.getAcquire(this);
        }

        /** Whether the caller (the holding thread, or the sweeper) is the one that runs this held call. */
        boolean claim() {
            return CLAIMED.compareAndSet(this, 0, 1);
        }

        @Override
        public void run() {
            runFrom(this);
        }
    }

    /** The one connection that serves every write (SQLite's writer), as far as the engine needs to know it. */
    public interface WriteConnection {
        /** Whether a transaction open on the calling thread holds it; cheap (asked only by a wait that would block). */
        boolean heldHere();

        /** Makes the transaction open on the calling thread roll back with {@code cause}, whatever its callback does. */
        void rollbackOnlyHere(LibraryException cause);

        /** The transaction that holds it now, or null; asked by the sweeper, which may see it a moment late. */
        Object transaction();

        /** The thread running {@code transaction}. */
        Thread thread(Object transaction);

        /** Makes {@code transaction} roll back with {@code cause} (from another thread), if it is still open. */
        void rollbackOnly(Object transaction, LibraryException cause);
    }

    /** The engine's sizes and collaborators; validated once in {@link #build()}. */
    public static final class Builder {
        private int readPermits = 1;
        private int writePermits;
        private int queueCapacity = 1000;
        private Duration defaultTimeout = Duration.ofSeconds(30);
        private Duration closeTimeout = Duration.ofSeconds(10);
        private Executor executor;
        private boolean virtualThreads = true;
        private Duration holdLimit = Duration.ofMillis(TICK_MILLIS);
        private WriteConnection writeConnection;
        private boolean readsNeedTheWriter;

        private Builder() {
        }

        /**
         * The {@link #writeConnection} is the only connection of its pool (maximum size 1: a caller's, or the
         * library's own PostgreSQL pool), which reads need as well: a thread whose transaction holds it and that
         * waits for any call fails instead of waiting.
         */
        public Builder readsNeedTheWriter() {
            this.readsNeedTheWriter = true;
            return this;
        }

        /**
         * One connection serves every write (SQLite's writer behind a separate write lane): a thread whose
         * transaction holds it and that waits for a write then fails instead of waiting forever.
         */
        public Builder writeConnection(WriteConnection connection) {
            this.writeConnection = Objects.requireNonNull(connection, "connection");
            return this;
        }

        /** Calls of the read lane that may run at once (the reader connections). */
        public Builder readPermits(int permits) {
            this.readPermits = permits;
            return this;
        }

        /** Calls of a separate write lane that may run at once; 0 means writes share the read lane. */
        public Builder writePermits(int permits) {
            this.writePermits = permits;
            return this;
        }

        public Builder queueCapacity(int capacity) {
            this.queueCapacity = capacity;
            return this;
        }

        public Builder defaultTimeout(Duration timeout) {
            this.defaultTimeout = timeout;
            return this;
        }

        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = timeout;
            return this;
        }

        /** Runs calls on the caller's executor (never shut down by the engine) instead of the engine's own. */
        public Builder executor(Executor executor) {
            this.executor = executor;
            return this;
        }

        /** Whether the engine's own executor uses virtual threads where the JDK has them (default true). */
        public Builder virtualThreads(boolean enabled) {
            this.virtualThreads = enabled;
            return this;
        }

        /**
         * How long a call held for the thread that will run it next may wait before the sweeper hands it to
         * another thread (default one tick); for tests that need the hand-off not to happen.
         */
        Builder holdLimit(Duration limit) {
            this.holdLimit = Objects.requireNonNull(limit, "holdLimit");
            return this;
        }

        public AsyncEngine build() {
            if (readPermits < 1) {
                throw new IllegalArgumentException("readPermits must be at least 1, was " + readPermits);
            }
            if (writePermits < 0) {
                throw new IllegalArgumentException("writePermits must not be negative, was " + writePermits);
            }
            if (queueCapacity < 0) {
                throw new IllegalArgumentException("queueCapacity must not be negative, was " + queueCapacity);
            }
            Objects.requireNonNull(defaultTimeout, "defaultTimeout");
            if (defaultTimeout.isNegative()) {
                throw new IllegalArgumentException("defaultTimeout must not be negative, was " + defaultTimeout);
            }
            Objects.requireNonNull(closeTimeout, "closeTimeout");
            if (closeTimeout.isNegative()) {
                throw new IllegalArgumentException("closeTimeout must not be negative, was " + closeTimeout);
            }
            return new AsyncEngine(this);
        }
    }

}
