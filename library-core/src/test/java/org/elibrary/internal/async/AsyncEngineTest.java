package org.elibrary.internal.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.elibrary.DatabaseUnavailableException;
import org.elibrary.LibraryClosedException;
import org.elibrary.LibraryOverloadedException;
import org.elibrary.NotFoundException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine on its own, with blocking work instead of a database (database behaviour is in the ITs). */
class AsyncEngineTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<AsyncEngine> engines = new ArrayList<>();
    private final List<CountDownLatch> gates = new ArrayList<>();

    @AfterEach
    void closeEverything() {
        gates.forEach(CountDownLatch::countDown);
        engines.forEach(AsyncEngine::close);
    }

    private AsyncEngine engine(AsyncEngine.Builder builder) {
        AsyncEngine engine = builder.build();
        engines.add(engine);
        return engine;
    }

    private CountDownLatch gate() {
        CountDownLatch gate = new CountDownLatch(1);
        gates.add(gate);
        return gate;
    }

    private static <T> Supplier<T> blockingOn(CountDownLatch gate, CountDownLatch started, T value) {
        return () -> {
            started.countDown();
            await(gate);
            return value;
        };
    }

    /** A read call that has started and runs until {@code gate} opens. */
    private static CompletableFuture<String> runningUntil(CountDownLatch gate, AsyncEngine engine) {
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<String> call = engine.read(blockingOn(gate, started, "gated"), null);
        await(started);
        return call;
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("gate never opened");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void runsWorkOnItsOwnThreadsNeverOnTheCallerOrTheCommonPool() {
        AsyncEngine engine = engine(AsyncEngine.builder().readPermits(2));
        CountDownLatch gate = gate();
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Thread> worker = new AtomicReference<>();
        CompletableFuture<String> future = engine.read(() -> {
            worker.set(Thread.currentThread());
            started.countDown();
            await(gate);
            return "done";
        }, null);
        await(started);
        // registered while the work is still running, so it runs on the thread that completes the future
        CompletableFuture<Thread> dependent = future.thenApply(value -> Thread.currentThread());
        gate.countDown();

        // wait on the dependent stage only: a thread waiting on `future` itself may run its pending stages
        // when it wakes (CompletableFuture lets waiters help), which is not what this test is about
        assertThat(dependent).succeedsWithin(WAIT);
        Thread stage = dependent.join();
        assertThat(future.join()).isEqualTo("done");
        assertThat(worker.get()).isNotSameAs(Thread.currentThread());
        assertThat(worker.get().getName()).startsWith("elibrary-async-");
        assertThat(worker.get()).isNotInstanceOf(ForkJoinWorkerThread.class);
        assertThat(stage.getName()).startsWith("elibrary-async-");
        assertThat(stage).isNotInstanceOf(ForkJoinWorkerThread.class);
    }

    @Test
    void usesVirtualThreadsExactlyWhenTheJdkHasThem() throws Exception {
        AsyncEngine engine = engine(AsyncEngine.builder().readPermits(1));
        Thread worker = engine.read(Thread::currentThread, null).get(10, TimeUnit.SECONDS);
        boolean modern = Runtime.version().feature() >= 21;
        assertThat(engine.usesVirtualThreads()).isEqualTo(modern);
        if (modern) {
            Method isVirtual = Thread.class.getMethod("isVirtual");
            assertThat((Boolean) isVirtual.invoke(worker)).isTrue();
        }
        assertThat(worker.getName()).startsWith("elibrary-async-");
    }

    @Test
    void runsNoMoreCallsAtOnceThanPermitsAndSerialisesTheWriteLane() {
        AsyncEngine engine = engine(AsyncEngine.builder().readPermits(3).writePermits(1).queueCapacity(1000));
        AtomicInteger reads = new AtomicInteger();
        AtomicInteger writes = new AtomicInteger();
        AtomicInteger maxReads = new AtomicInteger();
        AtomicInteger maxWrites = new AtomicInteger();
        List<CompletableFuture<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int n = i;
            boolean write = i % 3 == 0;
            AtomicInteger current = write ? writes : reads;
            AtomicInteger max = write ? maxWrites : maxReads;
            Supplier<Integer> work = () -> {
                max.accumulateAndGet(current.incrementAndGet(), Math::max);
                Thread.onSpinWait();
                busy(200_000);
                current.decrementAndGet();
                return n;
            };
            futures.add(write ? engine.write(work, null) : engine.read(work, null));
        }
        for (int i = 0; i < futures.size(); i++) {
            assertThat(futures.get(i)).succeedsWithin(WAIT).isEqualTo(i);
        }
        assertThat(maxWrites.get()).isEqualTo(1);
        assertThat(maxReads.get()).isBetween(1, 3);
    }

    private static void busy(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    @Test
    void failsFastWithATypedErrorOnceTheQueueIsFull() {
        AsyncEngine engine = engine(AsyncEngine.builder().readPermits(1).queueCapacity(2));
        CountDownLatch gate = gate();
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<String> running = engine.read(blockingOn(gate, started, "a"), null);
        await(started);
        CompletableFuture<String> queued1 = engine.read(() -> "b", null);
        CompletableFuture<String> queued2 = engine.read(() -> "c", null);

        CompletableFuture<String> refused = engine.read(() -> "d", null);

        assertThat(refused).isCompletedExceptionally();
        assertThat(refused).failsWithin(Duration.ZERO).withThrowableThat()
                .havingCause().isInstanceOf(LibraryOverloadedException.class)
                .withMessageContaining("queue is full").withMessageContaining("capacity 2");
        assertThat(engine.outstanding()).isEqualTo(3);
        gate.countDown();
        assertThat(running).succeedsWithin(WAIT).isEqualTo("a");
        assertThat(queued1).succeedsWithin(WAIT).isEqualTo("b");
        assertThat(queued2).succeedsWithin(WAIT).isEqualTo("c");
    }

    @Test
    void aCallCancelledBeforeItStartsNeverRunsAndFreesItsPlaceInTheQueue() {
        AsyncEngine engine = engine(AsyncEngine.builder().readPermits(1).queueCapacity(1));
        CountDownLatch gate = gate();
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<String> running = engine.write(blockingOn(gate, started, "a"), null);
        await(started);
        AtomicBoolean ran = new AtomicBoolean();
        CompletableFuture<String> cancelled = engine.write(() -> {
            ran.set(true);
            return "never";
        }, null);

        assertThat(cancelled.cancel(false)).isTrue();
        CompletableFuture<String> next = engine.write(() -> "after", null);
        gate.countDown();

        assertThat(next).succeedsWithin(WAIT).isEqualTo("after");
        assertThat(running).succeedsWithin(WAIT).isEqualTo("a");
        assertThat(ran).isFalse();
        // a future completes a moment before its call stops counting as outstanding
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (engine.outstanding() != 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(engine.outstanding()).isZero();
    }

    @Test
    void failuresCompleteTheFutureWithTheSameTypedException() {
        AsyncEngine engine = engine(AsyncEngine.builder());
        CompletableFuture<Object> future = engine.read(() -> {
            throw new NotFoundException("book", "id=7");
        }, null);
        assertThat(future).failsWithin(WAIT).withThrowableThat()
                .havingCause().isInstanceOf(NotFoundException.class).withMessage("book id=7 not found");
        assertThatThrownBy(future::join).isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(NotFoundException.class);
    }

    @Test
    void aTimeoutAbortsAWaitForAConnectionAndFailsAsDatabaseUnavailable() {
        AsyncEngine engine = engine(AsyncEngine.builder().readPermits(2));
        DataSource pool = new CancellableDataSource(new NeverAnsweringPool());
        long start = System.nanoTime();
        CompletableFuture<Object> future = engine.write(() -> {
            try (Connection connection = pool.getConnection()) {
                return connection;
            } catch (SQLException e) {
                throw new IllegalStateException("pool wait failed", e);
            }
        }, Duration.ofMillis(200));

        assertThat(future).failsWithin(WAIT).withThrowableThat()
                .havingCause().isInstanceOf(DatabaseUnavailableException.class)
                .withMessageStartingWith("statement timed out after 200ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        // the thread's interrupt was consumed: the next call on the engine runs normally
        assertThat(engine.read(() -> Thread.currentThread().isInterrupted(), null))
                .succeedsWithin(WAIT).isEqualTo(false);
    }

    /** Work that waits for a connection of {@code pool} until its wait is interrupted. */
    private static Supplier<Object> waitingFor(DataSource pool, CountDownLatch started) {
        return () -> {
            started.countDown();
            try (Connection connection = pool.getConnection()) {
                return connection;
            } catch (SQLException e) {
                throw new IllegalStateException("pool wait failed", e);
            }
        };
    }

    @Test
    void aShortTimeoutFiresOnTimeWhileACallWithALongerOneRuns() {
        // one sweeper watches every running call: a deadline earlier than those already watched is not missed
        AsyncEngine engine = engine(AsyncEngine.builder().readPermits(2));
        DataSource pool = new CancellableDataSource(new NeverAnsweringPool());
        CountDownLatch longStarted = new CountDownLatch(1);
        CompletableFuture<Object> patient = engine.read(waitingFor(pool, longStarted), Duration.ofMinutes(5));
        await(longStarted);

        long start = System.nanoTime();
        CompletableFuture<Object> hasty = engine.read(waitingFor(pool, new CountDownLatch(1)), Duration.ofMillis(100));

        assertThat(hasty).failsWithin(WAIT).withThrowableThat()
                .havingCause().isInstanceOf(DatabaseUnavailableException.class)
                .withMessageStartingWith("statement timed out after 100ms");
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(100)).isLessThan(Duration.ofSeconds(3));
        assertThat(patient).isNotDone();
        patient.cancel(true);
        assertThat(patient).failsWithin(WAIT);
        awaitOutstanding(engine, 0);
    }

    @Test
    void aCallThatTimesOutAmongRunningOnesLeavesTheOthersWatchedAndAbortable() {
        // the middle one of three running calls times out; closing must still reach the two around it
        AsyncEngine engine = engine(AsyncEngine.builder().readPermits(3).closeTimeout(Duration.ofMillis(200)));
        DataSource pool = new CancellableDataSource(new NeverAnsweringPool());
        CountDownLatch firstStarted = new CountDownLatch(1);
        CompletableFuture<Object> first = engine.read(waitingFor(pool, firstStarted), Duration.ofMinutes(5));
        await(firstStarted);
        CountDownLatch middleStarted = new CountDownLatch(1);
        CompletableFuture<Object> middle = engine.read(waitingFor(pool, middleStarted), Duration.ofMillis(100));
        await(middleStarted);
        CountDownLatch lastStarted = new CountDownLatch(1);
        CompletableFuture<Object> last = engine.read(waitingFor(pool, lastStarted), Duration.ofMinutes(5));
        await(lastStarted);

        assertThat(middle).failsWithin(WAIT).withThrowableThat()
                .havingCause().isInstanceOf(DatabaseUnavailableException.class);
        assertThat(first).isNotDone();
        assertThat(last).isNotDone();
        engine.close();

        for (CompletableFuture<Object> aborted : List.of(first, last)) {
            assertThat(aborted).failsWithin(Duration.ZERO).withThrowableThat()
                    .havingCause().isInstanceOf(LibraryClosedException.class)
                    .withMessageContaining("closed before this call finished");
        }
    }

    @Test
    void aCancelThatHadNoEffectIsRepeatedUntilTheCallUnwinds() {
        AsyncEngine engine = engine(AsyncEngine.builder().readPermits(1));
        NeverAnsweringPool stubborn = new NeverAnsweringPool(2);
        DataSource pool = new CancellableDataSource(stubborn);
        long start = System.nanoTime();

        CompletableFuture<Object> call = engine.read(waitingFor(pool, new CountDownLatch(1)), Duration.ofMillis(100));

        assertThat(call).failsWithin(WAIT).withThrowableThat()
                .havingCause().isInstanceOf(DatabaseUnavailableException.class)
                .withMessageStartingWith("statement timed out after 100ms");
        // the first two interrupts were swallowed: the sweeper repeated the cancel every RECANCEL_MILLIS
        assertThat(stubborn.interrupts.get()).isEqualTo(3);
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isGreaterThanOrEqualTo(Duration.ofMillis(100 + 2 * AsyncEngine.RECANCEL_MILLIS))
                .isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void completingTheFutureWithACancellationBeforeTheCallStartsMeansItNeverRuns() {
        AsyncEngine engine = engine(AsyncEngine.builder().readPermits(1).queueCapacity(1));
        CountDownLatch gate = gate();
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<String> running = engine.read(blockingOn(gate, started, "a"), null);
        await(started);
        AtomicBoolean ran = new AtomicBoolean();
        CompletableFuture<Boolean> queued = engine.read(() -> ran.getAndSet(true), null);

        assertThat(queued.completeExceptionally(new java.util.concurrent.CancellationException("no longer needed")))
                .isTrue();
        // its place in the queue is free again
        CompletableFuture<String> next = engine.read(() -> "next", null);
        gate.countDown();

        assertThat(next).succeedsWithin(WAIT).isEqualTo("next");
        assertThat(running).succeedsWithin(WAIT).isEqualTo("a");
        assertThat(queued.isCancelled()).isTrue();
        assertThat(ran).isFalse();
        awaitOutstanding(engine, 0);
    }

    @Test
    void cancellingADependentStageDoesNotCancelTheCall() {
        AsyncEngine engine = engine(AsyncEngine.builder().readPermits(1));
        CountDownLatch gate = gate();
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<String> call = engine.read(blockingOn(gate, started, "kept"), null);
        CompletableFuture<Integer> stage = call.thenApply(String::length);
        await(started);

        assertThat(stage.cancel(true)).isTrue();
        gate.countDown();

        assertThat(call).succeedsWithin(WAIT).isEqualTo("kept");
        assertThat(stage.isCancelled()).isTrue();
    }

    @Test
    void joinReturnsTheResultOrTheFailureOfQuickAndSlowCallsAlike() {
        AsyncEngine engine = engine(AsyncEngine.builder().readPermits(2));
        // quick calls teach the engine to spin in join(); a slow one after them must still be waited for
        for (int i = 0; i < 2000; i++) {
            int n = i;
            assertThat(engine.read(() -> n, null).thenApply(value -> value + 1).join()).isEqualTo(n + 1);
        }
        assertThat(engine.joinSpinNanos()).isPositive();
        assertThat(engine.read(() -> {
            busy(TimeUnit.MILLISECONDS.toNanos(30));
            return "slow";
        }, null).join()).isEqualTo("slow");
        CompletableFuture<Object> failing = engine.read(() -> {
            throw new NotFoundException("book", "id=8");
        }, null);
        assertThatThrownBy(failing::join).isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(NotFoundException.class);
        assertThatThrownBy(failing::get).isInstanceOf(java.util.concurrent.ExecutionException.class)
                .cause().isInstanceOf(NotFoundException.class);
    }

    @Test
    void sequentialCallsReuseTheirThreadsInsteadOfStartingOnePerCall() throws Exception {
        AsyncEngine engine = engine(AsyncEngine.builder().readPermits(2).virtualThreads(false));
        Set<Thread> used = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 200; i++) {
            used.add(engine.read(Thread::currentThread, null).get(10, TimeUnit.SECONDS));
        }
        // a task that comes while the previous one's thread is still on its way back to idle gets another
        // thread (usually two take turns, more when the machine is busy and one is descheduled on the way):
        // never a thread per task
        assertThat(used).hasSizeLessThanOrEqualTo(50);
        // workers that stopped spinning and parked are woken for the next call
        Thread.sleep(50);
        assertThat(used).contains(engine.read(Thread::currentThread, null).get(10, TimeUnit.SECONDS));
        assertThat(engine.usesVirtualThreads()).isFalse();
    }

    @Test
    void aSlowDependentStageDoesNotHoldBackTheNextQueuedCall() {
        // the thread that finishes a call runs the next queued one after completing the future; when a
        // dependent stage keeps it busy, the sweeper hands that next call to another thread within a tick
        AsyncEngine engine = engine(AsyncEngine.builder().readPermits(1).queueCapacity(10));
        CountDownLatch gate = gate();
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<String> first = engine.read(blockingOn(gate, started, "first"), null);
        await(started);
        CountDownLatch secondRan = new CountDownLatch(1);
        CompletableFuture<String> second = engine.read(() -> {
            secondRan.countDown();
            return "second";
        }, null);
        // registered before the first call completes: runs on its thread, and waits for the second call
        CompletableFuture<Boolean> stage = first.thenApply(value -> {
            try {
                return secondRan.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        long start = System.nanoTime();
        gate.countDown();

        assertThat(stage).succeedsWithin(WAIT).isEqualTo(true);
        assertThat(second).succeedsWithin(WAIT).isEqualTo("second");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        awaitOutstanding(engine, 0);
    }

    @Test
    void aBusyLaneRunsEveryQueuedCallExactlyOnceInOrder() {
        AsyncEngine engine = engine(AsyncEngine.builder().readPermits(1).writePermits(1).queueCapacity(5000));
        List<Integer> order = java.util.Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            int n = i;
            futures.add(engine.write(() -> {
                order.add(n);
                return n;
            }, null));
        }
        for (int i = 0; i < futures.size(); i++) {
            assertThat(futures.get(i)).succeedsWithin(WAIT).isEqualTo(i);
        }
        // one writer permit: the calls ran one at a time, in submission order
        assertThat(order).hasSize(3000).isSorted();
        awaitOutstanding(engine, 0);
    }

    @Test
    void aCallSubmittedByADependentStageRunsOnThatThreadOnceTheStageHasReturned() {
        // (the hold limit only keeps a descheduled thread on a busy machine from having its call handed on)
        AsyncEngine engine = engine(AsyncEngine.builder().readPermits(2).holdLimit(Duration.ofMinutes(1)));
        CountDownLatch gate = gate();
        CompletableFuture<String> first = runningUntil(gate, engine);
        AtomicBoolean stageReturned = new AtomicBoolean();
        AtomicReference<Thread> stageThread = new AtomicReference<>();
        // registered before the first call completes: runs on its thread, inside complete()
        CompletableFuture<Boolean> chained = first.thenCompose(value -> {
            stageThread.set(Thread.currentThread());
            CompletableFuture<Boolean> next = engine.read(
                    () -> Thread.currentThread() == stageThread.get() && stageReturned.get(), null);
            stageReturned.set(true);
            return next;
        });
        gate.countDown();
        // on the same thread, after the stage (a permit was free: no other thread is woken for it)
        assertThat(chained).succeedsWithin(WAIT).isEqualTo(true);
        awaitOutstanding(engine, 0);
    }

    @Test
    void aStageThatWaitsForTheCallItSubmittedHasItRunAtOnceOnAnotherThread() {
        // the call is held for the stage's thread, which now waits for it: it goes to another thread at once,
        // not after the hold limit (a minute here), and not on the waiting thread (which may be inside a
        // synchronous transaction of its own)
        AsyncEngine engine = engine(AsyncEngine.builder().readPermits(1).holdLimit(Duration.ofMinutes(1)));
        CountDownLatch gate = gate();
        CompletableFuture<String> first = runningUntil(gate, engine);
        CompletableFuture<Boolean> stage = first.thenApply(value -> {
            Thread stageThread = Thread.currentThread();
            return engine.read(() -> Thread.currentThread() != stageThread, null).join();
        });
        gate.countDown();
        assertThat(stage).succeedsWithin(WAIT).isEqualTo(true);
        awaitOutstanding(engine, 0);
    }

    @Test
    void aCallWaitingForAnotherCallIsSeenWaitingAllAlongNotOnlyWhileParked() {
        // A call's wait for a future parks in slices of a tick, to see its own cancel. The sweeper looks for a
        // transaction's thread that has waited on a future for 1 s in a row (findIndirectSelfDeadlock); seen
        // between two slices at two looks in a row, it counted that second anew, which under load put off the
        // refusal of a thenCompose wait in an async transaction by seconds. Looked at as often as it can be here,
        // the waiting thread must be seen waiting every time, and not once its wait is over.
        AsyncEngine engine = engine(AsyncEngine.builder().readPermits(2).virtualThreads(false));
        CountDownLatch gate = gate();
        CompletableFuture<String> awaited = runningUntil(gate, engine);
        AtomicReference<Thread> waiter = new AtomicReference<>();
        CompletableFuture<String> waiting = engine.read(() -> deepIn(1000, () -> {
            waiter.set(Thread.currentThread());
            return awaited.join();
        }), null);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while ((waiter.get() == null || waiter.get().getState() != Thread.State.TIMED_WAITING)
                && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        Thread thread = waiter.get();
        assertThat(thread.getState()).isEqualTo(Thread.State.TIMED_WAITING);

        long looks = 0;
        long missed = 0;
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50 * AsyncEngine.TICK_MILLIS);
        while (System.nanoTime() < end) {
            looks++;
            if (!AsyncEngine.waitsOnAFuture(thread)) {
                missed++;
            }
        }
        assertThat(missed).as("looks at the waiting thread that did not see it wait, of %d", looks).isZero();

        gate.countDown();
        assertThat(waiting).succeedsWithin(WAIT).isEqualTo("gated");
        awaitOutstanding(engine, 0);
        assertThat(AsyncEngine.waitsOnAFuture(thread)).isFalse(); // back in the pool, waiting for work
    }

    /**
     * Runs {@code work} {@code depth} frames down: a wait there spends longer between two slices (the JDK fills in
     * the stack of an exception at each), as one deep in a caller's stack does.
     */
    private static <T> T deepIn(int depth, Supplier<T> work) {
        return depth == 0 ? work.get() : deepIn(depth - 1, work);
    }

    @Test
    void aLongChainOfCallsEachSubmittedFromThePreviousCompletionNeitherRecursesNorHops() {
        AsyncEngine engine = engine(AsyncEngine.builder().readPermits(1).holdLimit(Duration.ofMinutes(1)));
        int calls = 20_000;
        AtomicInteger ran = new AtomicInteger();
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        CompletableFuture<Integer> finished = new CompletableFuture<>();
        CountDownLatch gate = gate();
        Runnable[] step = new Runnable[1];
        step[0] = () -> engine.read(() -> {
            threads.add(Thread.currentThread());
            return ran.incrementAndGet();
        }, null).whenComplete((n, failure) -> {
            if (failure != null) {
                finished.completeExceptionally(failure);
            } else if (n == calls) {
                finished.complete(n);
            } else {
                step[0].run();
            }
        });
        // the chain starts from the completion of a call, on an engine thread
        runningUntil(gate, engine).thenRun(step[0]);
        gate.countDown();
        assertThat(finished).succeedsWithin(WAIT).isEqualTo(calls);
        // every call after the first ran on the thread that completed the previous one (a loop there, not
        // recursion: 20,000 nested calls would overflow the stack)
        assertThat(threads).hasSize(1);
        awaitOutstanding(engine, 0);
    }

    private static void awaitOutstanding(AsyncEngine engine, int expected) {
        // a future completes a moment before its call stops counting as outstanding
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (engine.outstanding() != expected && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(engine.outstanding()).isEqualTo(expected);
    }

    @Test
    void closeFinishesAcceptedWorkRefusesNewCallsAndStopsItsThreads() {
        AsyncEngine engine = engine(AsyncEngine.builder().readPermits(2).writePermits(1)
                .closeTimeout(Duration.ofSeconds(20)));
        Set<Thread> workers = ConcurrentHashMap.newKeySet();
        List<CompletableFuture<Integer>> accepted = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            int n = i;
            Supplier<Integer> work = () -> {
                workers.add(Thread.currentThread());
                busy(1_000_000);
                return n;
            };
            accepted.add(i % 2 == 0 ? engine.write(work, null) : engine.read(work, null));
        }

        engine.close();

        for (int i = 0; i < accepted.size(); i++) {
            assertThat(accepted.get(i)).isCompletedWithValue(i);
        }
        CompletableFuture<Integer> late = engine.read(() -> 1, null);
        assertThat(late).isCompletedExceptionally();
        assertThat(late).failsWithin(Duration.ZERO).withThrowableThat()
                .havingCause().isInstanceOf(LibraryClosedException.class).withMessageContaining("closed");
        assertThat(workers).isNotEmpty().allSatisfy(thread -> assertThat(thread.isAlive()).isFalse());
        assertThat(engine.isClosed()).isTrue();
        engine.close(); // idempotent
    }

    @Test
    void closeAfterItsTimeoutFailsCallsNotStartedAndAbortsRunningOnes() {
        AsyncEngine engine = engine(AsyncEngine.builder().readPermits(1).closeTimeout(Duration.ofMillis(200)));
        DataSource pool = new CancellableDataSource(new NeverAnsweringPool());
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Object> running = engine.write(() -> {
            started.countDown();
            try (Connection connection = pool.getConnection()) {
                return connection;
            } catch (SQLException e) {
                throw new IllegalStateException("pool wait failed", e);
            }
        }, Duration.ofMinutes(5));
        await(started);
        AtomicBoolean ran = new AtomicBoolean();
        CompletableFuture<Boolean> queued = engine.write(() -> ran.getAndSet(true), null);

        long start = System.nanoTime();
        engine.close();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(running).failsWithin(Duration.ZERO).withThrowableThat()
                .havingCause().isInstanceOf(LibraryClosedException.class)
                .withMessageContaining("closed before this call finished");
        assertThat(queued).failsWithin(Duration.ZERO).withThrowableThat()
                .havingCause().isInstanceOf(LibraryClosedException.class).withMessageContaining("never ran");
        assertThat(ran).isFalse();
    }

    @Test
    void aCallerSuppliedExecutorRunsTheCallsIsBoundedAndIsNotShutDown() {
        AtomicInteger counter = new AtomicInteger();
        ExecutorService mine = Executors.newCachedThreadPool(runnable ->
                new Thread(runnable, "caller-pool-" + counter.incrementAndGet()));
        try {
            AsyncEngine engine = engine(AsyncEngine.builder().readPermits(2).executor(mine));
            AtomicInteger current = new AtomicInteger();
            AtomicInteger max = new AtomicInteger();
            List<CompletableFuture<String>> futures = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                futures.add(engine.read(() -> {
                    max.accumulateAndGet(current.incrementAndGet(), Math::max);
                    busy(500_000);
                    current.decrementAndGet();
                    return Thread.currentThread().getName();
                }, null));
            }
            futures.forEach(f -> assertThat(f).succeedsWithin(WAIT).asString().startsWith("caller-pool-"));
            assertThat(max.get()).isBetween(1, 2);
            assertThat(engine.usesVirtualThreads()).isFalse();
            engine.close();
            assertThat(mine.isShutdown()).isFalse();
        } finally {
            mine.shutdownNow();
        }
    }

    @Test
    void closingFromADependentStageOnAnEngineThreadDoesNotWaitForItself() {
        AsyncEngine engine = engine(AsyncEngine.builder().readPermits(1).closeTimeout(Duration.ofSeconds(30)));
        CountDownLatch gate = gate();
        long start = System.nanoTime();
        CompletableFuture<String> running = engine.read(blockingOn(gate, new CountDownLatch(1), "x"), null);
        // registered before the call completes, so it runs on the engine's thread inside complete()
        CompletableFuture<String> closedInside = running.thenApply(value -> {
            engine.close();
            return Thread.currentThread().getName() + " closed=" + engine.isClosed();
        });
        gate.countDown();
        assertThat(closedInside).succeedsWithin(WAIT).asString()
                .startsWith("elibrary-async-").endsWith("closed=true");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(engine.read(() -> "late", null)).isCompletedExceptionally();
    }

    @Test
    void rejectsNonsensicalSizes() {
        assertThatThrownBy(() -> AsyncEngine.builder().readPermits(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("readPermits");
        assertThatThrownBy(() -> AsyncEngine.builder().queueCapacity(-1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("queueCapacity");
        assertThatThrownBy(() -> AsyncEngine.builder().defaultTimeout(Duration.ofSeconds(-1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("defaultTimeout");
    }

    @Test
    void formatsDurationsTheWayPeopleWriteThem() {
        assertThat(AsyncEngine.format(Duration.ofSeconds(2))).isEqualTo("2s");
        assertThat(AsyncEngine.format(Duration.ofMillis(200))).isEqualTo("200ms");
        assertThat(AsyncEngine.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
        assertThat(AsyncEngine.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(AsyncEngine.format(Duration.ofHours(1))).isEqualTo("1h");
    }

    /** In a locale with digits of its own (Arabic in Saudi Arabia: ٠١٢…) the messages keep ASCII digits. */
    @Test
    void formatsDurationsWithAsciiDigitsWhateverTheDefaultLocale() {
        java.util.Locale before = java.util.Locale.getDefault();
        java.util.Locale.setDefault(java.util.Locale.forLanguageTag("ar-SA"));
        try {
            assertThat(AsyncEngine.format(Duration.ofMillis(1050))).isEqualTo("1.05s");
        } finally {
            java.util.Locale.setDefault(before);
        }
    }

    /** A pool whose every connection is taken: getConnection waits until interrupted, as HikariCP does. */
    private static final class NeverAnsweringPool implements DataSource {
        /** Interrupts swallowed before one counts (a cancel landing where it has no effect). */
        private final AtomicInteger toIgnore;
        final AtomicInteger interrupts = new AtomicInteger();

        NeverAnsweringPool() {
            this(0);
        }

        NeverAnsweringPool(int interruptsToIgnore) {
            this.toIgnore = new AtomicInteger(interruptsToIgnore);
        }

        @Override
        public Connection getConnection() throws SQLException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                try {
                    new CountDownLatch(1).await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupts.incrementAndGet();
                    if (toIgnore.getAndDecrement() > 0) {
                        continue;
                    }
                    Thread.currentThread().interrupt();
                    throw new SQLException("Interrupted during connection acquisition", e);
                }
            }
            throw new SQLException("Connection is not available, request timed out after 60000ms");
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
