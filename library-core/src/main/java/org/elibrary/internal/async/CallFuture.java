package org.elibrary.internal.async;

import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.elibrary.DatabaseUnavailableException;

/**
 * The future of one engine call (or of a stage that depends on one): a plain {@link CompletableFuture} that
 * tells its engine when it is cancelled, and whose {@code join()} and {@code get()} wait for a quick call
 * by spinning briefly instead of parking at once.
 *
 * <p><b>Cancellation.</b> {@code cancel(...)}, and any other completion that does not come from the engine
 * ({@code orTimeout}, {@code completeOnTimeout}, {@code complete}, {@code completeExceptionally},
 * {@code obtrude*}), reaches the engine directly ({@link AsyncEngine#onCancelled}) as a cancel of the call,
 * where the engine used to register a {@code whenComplete} callback on every future to find out. The engine
 * completes the future with {@link #settle} and {@link #fail}, which are not forwarded.
 *
 * <p><b>Waiting.</b> A call runs on another thread, so a caller that waits for it is parked and has to be
 * woken: on a small VM that wake-up costs 10 to 30 µs, as much as a whole indexed lookup. So a waiting caller
 * first spins for about as long as the engine's recent calls took ({@link AsyncEngine#joinSpinNanos()}: zero
 * once they take longer than {@link AsyncEngine#MAX_JOIN_SPIN_MICROS}, when a wake-up is small beside the
 * call), yielding its core now and then, and parks only if the call has not finished by then. At most a few
 * callers spin at once ({@link AsyncEngine#tryStartJoinSpin()}). Stages made from this future
 * ({@code thenApply}, ...) are futures of this class too, so {@code future.thenApply(f).join()} waits the same
 * way; cancelling one of them does not cancel the call (as with any CompletableFuture).
 *
 * <p><b>Waits that cannot end by themselves.</b> Only once a wait would block (the future is not done), two
 * cases are looked for, at the cost of a ThreadLocal lookup or two: a thread holding the SQLite write connection
 * in a transaction that waits for a write fails it at once ({@link AsyncEngine#refuseWaitForHeldWriter}); and a
 * thread running a call (its work waits) waits in slices, giving up once that call is cancelled (its timeout,
 * a close), as nothing else would ever wake it. A wait on a stage whose call has finished (a {@code thenCompose}
 * waiting for the call its function returned) is the sweeper's to find ({@link AsyncEngine}); for it,
 * {@code thenCompose} and {@code exceptionallyCompose} here attribute that call to the thread that set the stage
 * up.
 */
final class CallFuture<T> extends CompletableFuture<T> {
    /** Spin-loop iterations between two {@code Thread.yield()}s. */
    private static final int YIELD_EVERY = 64;

    /** While a call waits for another, how often it looks whether it was itself cancelled (see awaitUnlessCancelled). */
    private static final long CANCEL_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(AsyncEngine.TICK_MILLIS);

    /**
     * The threads in a wait of {@link #awaitUnlessCancelled}: a wait in slices, between two of which the thread is
     * not parked, though it still waits. The sweeper asks ({@link #waitsInSlices}) so that it does not take such a
     * moment for the end of the wait ({@link AsyncEngine#findIndirectSelfDeadlock}): under load the thread can be
     * seen there at two looks in a row (the slices and the sweeper's looks have the same period), and then counted
     * its grace anew every time. Only a wait that blocks anyway is entered here, never a call.
     */
    private static final Set<Thread> WAITING_IN_SLICES = ConcurrentHashMap.newKeySet();

    private final AsyncEngine engine;
    /** The call this future is the result of; null for a dependent stage. Set once before it is published. */
    private AsyncEngine.Task<T> task;
    /**
     * The call whose completion this future waits for: its own, or for a dependent stage the call of the future
     * it was made from ({@code call.thenApply(f)}); null when unknown. Read only by a wait that would block.
     */
    private AsyncEngine.Task<?> awaited;

    CallFuture(AsyncEngine engine) {
        this.engine = engine;
    }

    private CallFuture(AsyncEngine engine, AsyncEngine.Task<?> awaited) {
        this.engine = engine;
        this.awaited = awaited;
    }

    void bind(AsyncEngine.Task<T> call) {
        this.task = call;
        this.awaited = call;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        // what CompletableFuture.cancel does, but knowing whether this very cancel took effect
        boolean cancelled = super.completeExceptionally(new CancellationException());
        if (cancelled && task != null) {
            engine.onCancelled(task, AsyncEngine.CANCELLED_BY_CALLER);
        }
        return cancelled || isCancelled();
    }

    /*
     * Completed from outside (orTimeout's TimeoutException, completeOnTimeout, obtrude*, a caller's own
     * complete): the future no longer waits for the call, so the call must not go on and commit behind it.
     * Each is a cancel of the call; the engine completes its futures through settle and fail instead.
     */

    @Override
    public boolean complete(T value) {
        boolean completed = super.complete(value);
        if (completed && task != null) {
            engine.onCancelled(task, AsyncEngine.COMPLETED_BY_CALLER);
        }
        return completed;
    }

    @Override
    public boolean completeExceptionally(Throwable failure) {
        boolean completed = super.completeExceptionally(failure);
        if (completed && task != null) {
            engine.onCancelled(task, failure instanceof CancellationException ? AsyncEngine.CANCELLED_BY_CALLER
                    : AsyncEngine.COMPLETED_BY_CALLER);
        }
        return completed;
    }

    @Override
    public void obtrudeValue(T value) {
        super.obtrudeValue(value);
        if (task != null) {
            engine.onCancelled(task, AsyncEngine.COMPLETED_BY_CALLER);
        }
    }

    @Override
    public void obtrudeException(Throwable failure) {
        super.obtrudeException(failure);
        if (task != null) {
            engine.onCancelled(task, AsyncEngine.COMPLETED_BY_CALLER);
        }
    }

    /** The engine's own completion with the call's result: not a cancel. */
    boolean settle(T value) {
        return super.complete(value);
    }

    /** The engine's own completion with the call's failure (or its refusal): not a cancel. */
    boolean fail(Throwable failure) {
        return super.completeExceptionally(failure);
    }

    @Override
    public T join() {
        if (!isDone()) {
            beforeWaiting();
            awaitBriefly();
            awaitUnlessCancelled(false, 0, false);
        }
        return super.join();
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        if (!isDone()) {
            beforeWaiting();
            awaitBriefly();
            awaitUnlessCancelled(false, 0, true);
        }
        return super.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        if (!isDone()) {
            long deadline = System.nanoTime() + unit.toNanos(timeout);
            beforeWaiting();
            awaitUnlessCancelled(true, deadline, true);
            return super.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        return super.get(timeout, unit);
    }

    /**
     * The caller is about to wait for this unfinished future. Only here, never per call, the engine looks at what
     * the waiting thread holds: a wait for a write the thread's own transaction blocks fails at once (see
     * {@link AsyncEngine#refuseWaitForHeldWriter}); a call held for this thread goes to another one.
     */
    private void beforeWaiting() {
        AsyncEngine.Task<?> call = awaited;
        if (call != null) {
            engine.refuseWaitForHeldWriter(call);
        }
        handOnIfHeldHere();
    }

    /** A stage on an engine thread submitted this call and now waits for it: the call must not wait for it. */
    private void handOnIfHeldHere() {
        AsyncEngine.Task<T> call = task;
        if (call != null && !isDone()) {
            engine.handOnHeldBy(Thread.currentThread(), call);
        }
    }

    /**
     * When the waiting thread runs a call of an engine (an {@code inTransaction} callback): waits until this future
     * is done, or (if {@code timed}) until {@code deadline} ({@link System#nanoTime()}), or until that call is
     * cancelled (its timeout, a close), whichever comes first. A plain {@code join()} would stay parked through
     * the cancel, which interrupts only statements and waits for a connection: the waiting call could never
     * unwind, its timeout fire, nor its future complete. It gives up then with {@link #gaveUp}, after cancelling
     * the call it waited for (its transaction rolls back, so the call it submitted must not commit behind it).
     * Elsewhere it returns at once, and the caller waits as CompletableFuture does; so it does after a timed wait's
     * deadline, or an interrupt of an {@code interruptible} wait (kept), to report them as CompletableFuture does.
     */
    private void awaitUnlessCancelled(boolean timed, long deadline, boolean interruptible) {
        if (isDone() || CancellationHandle.current() == null) {
            return;
        }
        Thread self = Thread.currentThread();
        // false in a wait nested in another (a caller's ForkJoinPool may run a call while its thread waits)
        boolean entered = WAITING_IN_SLICES.add(self);
        boolean interrupted = false;
        try {
            while (!isDone()) {
                if (CancellationHandle.isCurrentCancelled()) {
                    throw gaveUp();
                }
                long slice = CANCEL_POLL_NANOS;
                if (timed) {
                    long remaining = deadline - System.nanoTime();
                    if (remaining <= 0) {
                        return;
                    }
                    slice = Math.min(slice, remaining);
                }
                try {
                    super.get(slice, TimeUnit.NANOSECONDS);
                } catch (TimeoutException | ExecutionException | CancellationException e) {
                    // not done yet, or done: the loop looks again, and the caller reports the outcome
                } catch (InterruptedException e) {
                    // kept for the caller: get() then throws it; join() is not interruptible and waits on
                    interrupted = true;
                    if (interruptible) {
                        return;
                    }
                }
            }
        } finally {
            if (entered) {
                WAITING_IN_SLICES.remove(self);
            }
            if (interrupted) {
                self.interrupt();
            }
        }
    }

    /** Whether {@code thread} is in a wait of a call for a future of this class (parked or between two slices). */
    static boolean waitsInSlices(Thread thread) {
        return WAITING_IN_SLICES.contains(thread);
    }

    /** The waiting call was cancelled: the call it waited for is cancelled too, and the wait fails. */
    private CompletionException gaveUp() {
        AsyncEngine.Task<?> call = awaited;
        if (call != null) {
            call.future.cancel(false);
        }
        return new CompletionException(new DatabaseUnavailableException("the call was cancelled ("
                + CancellationHandle.current().reason() + ") while it waited for another asynchronous call; that call "
                + "was cancelled too"));
    }

    /*
     * thenCompose and exceptionallyCompose: the call the function returns is made for the thread that set the stage up
     * (the sweeper looks for a transaction's thread that waits on a stage for writes made for it; see
     * AsyncEngine.findIndirectSelfDeadlock), not for the thread that happened to run the function (the one that
     * completed this future).
     */

    @Override
    public <U> CompletableFuture<U> thenCompose(Function<? super T, ? extends CompletionStage<U>> fn) {
        return super.thenCompose(madeForThisThread(fn));
    }

    @Override
    public <U> CompletableFuture<U> thenComposeAsync(Function<? super T, ? extends CompletionStage<U>> fn) {
        return super.thenComposeAsync(madeForThisThread(fn));
    }

    @Override
    public <U> CompletableFuture<U> thenComposeAsync(Function<? super T, ? extends CompletionStage<U>> fn,
                                                     Executor executor) {
        return super.thenComposeAsync(madeForThisThread(fn), executor);
    }

    @Override
    public CompletableFuture<T> exceptionallyCompose(Function<Throwable, ? extends CompletionStage<T>> fn) {
        return super.exceptionallyCompose(madeForThisThread(fn));
    }

    @Override
    public CompletableFuture<T> exceptionallyComposeAsync(Function<Throwable, ? extends CompletionStage<T>> fn) {
        return super.exceptionallyComposeAsync(madeForThisThread(fn));
    }

    @Override
    public CompletableFuture<T> exceptionallyComposeAsync(Function<Throwable, ? extends CompletionStage<T>> fn,
                                                          Executor executor) {
        return super.exceptionallyComposeAsync(madeForThisThread(fn), executor);
    }

    private <X, U> Function<X, ? extends CompletionStage<U>> madeForThisThread(
            Function<X, ? extends CompletionStage<U>> fn) {
        if (fn == null || !engine.watchesIndirectWaits()) {
            return fn; // PostgreSQL: nothing to attribute (and a null function fails as CompletableFuture's does)
        }
        Thread composer = Thread.currentThread();
        return value -> {
            CompletionStage<U> next = fn.apply(value);
            if (next instanceof CallFuture<?> call && call.awaited != null) {
                call.engine.madeFor(call.awaited, composer);
            }
            return next;
        };
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        // a dependent stage waits for the same call as this future does
        return new CallFuture<>(engine, awaited);
    }

    /** Spins until done or for the engine's spin budget, whichever comes first; never throws. */
    private void awaitBriefly() {
        if (isDone()) {
            return;
        }
        long budget = engine.joinSpinNanos();
        if (budget <= 0 || !engine.tryStartJoinSpin()) {
            return;
        }
        try {
            long start = System.nanoTime();
            long last = start;
            for (int spins = 1; !isDone(); spins++) {
                if (spins % YIELD_EVERY == 0) {
                    Thread.yield();
                } else {
                    Thread.onSpinWait();
                }
                long now = System.nanoTime();
                if (now - start >= budget || now - last >= WorkerPool.PREEMPTED_NANOS) {
                    return; // time is up, or the core is contended: park instead (see WorkerPool)
                }
                last = now;
            }
        } finally {
            engine.endJoinSpin();
        }
    }
}
