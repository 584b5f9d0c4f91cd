package org.elibrary.internal.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine's platform-thread pool on its own: hand-off, reuse, elasticity, retirement and shutdown. */
class WorkerPoolTest {
    private static final long SPIN = TimeUnit.MICROSECONDS.toNanos(50);

    private final List<WorkerPool> pools = new ArrayList<>();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

    @AfterEach
    void shutDown() throws InterruptedException {
        for (WorkerPool pool : pools) {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    private WorkerPool pool(long keepAliveNanos) {
        AtomicInteger counter = new AtomicInteger();
        ThreadFactory factory = runnable -> {
            Thread thread = new Thread(runnable, "worker-pool-test-" + counter.incrementAndGet());
            threads.add(thread);
            return thread;
        };
        WorkerPool pool = new WorkerPool(factory, keepAliveNanos, SPIN);
        pools.add(pool);
        return pool;
    }

    private static Thread runOn(WorkerPool pool) throws InterruptedException {
        AtomicReference<Thread> ran = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        pool.execute(() -> {
            ran.set(Thread.currentThread());
            done.countDown();
        });
        assertThat(done.await(10, TimeUnit.SECONDS)).as("task ran").isTrue();
        return ran.get();
    }

    @Test
    void sequentialTasksReuseIdleThreadsWhetherTheySpinOrHaveParked() throws InterruptedException {
        WorkerPool pool = pool(TimeUnit.SECONDS.toNanos(10));
        Set<Thread> used = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 200; i++) {
            used.add(runOn(pool));
        }
        // a task that comes while the previous one's thread is still on its way back to idle gets another
        // thread (usually two take turns, more when the machine is busy and one is descheduled on the way):
        // never a thread per task
        assertThat(used).hasSizeLessThanOrEqualTo(50);
        Thread.sleep(50); // far past the spin: the workers have parked and must be woken
        assertThat(used).contains(runOn(pool));
        assertThat(threads).hasSizeLessThanOrEqualTo(51);
    }

    @Test
    void spinsOnlyWhileTasksComeSoonAfterTheWorkerWentIdle() throws InterruptedException {
        WorkerPool pool = pool(TimeUnit.SECONDS.toNanos(10));
        assertThat(pool.spinBudgetNanos()).isEqualTo(SPIN);
        // a caller that takes milliseconds between tasks: spinning would only burn a core
        for (int i = 0; i < 20; i++) {
            runOn(pool);
            Thread.sleep(2);
        }
        assertThat(pool.spinBudgetNanos()).isZero();
        // a caller that submits at once again: the budget grows back to the maximum
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (pool.spinBudgetNanos() < SPIN && System.nanoTime() < deadline) {
            java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();
            pool.execute(() -> ran.set(true));
            while (!ran.get() && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // no wake-up on this side: the next task comes right away
            }
        }
        assertThat(pool.spinBudgetNanos()).isEqualTo(SPIN);
    }

    @Test
    void startsAThreadPerTaskWhenNoneIsIdle() throws InterruptedException {
        WorkerPool pool = pool(TimeUnit.SECONDS.toNanos(10));
        int tasks = 8;
        CountDownLatch allRunning = new CountDownLatch(tasks);
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < tasks; i++) {
            pool.execute(() -> {
                allRunning.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        // all run at once: the pool never makes a task wait for another (the engine bounds concurrency)
        assertThat(allRunning.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(threads).hasSize(tasks);
        release.countDown();
        Thread.sleep(100); // all back to idle
        // then the idle ones are reused
        for (int i = 0; i < 50; i++) {
            assertThat(threads).contains(runOn(pool));
        }
        assertThat(threads).hasSize(tasks);
    }

    @Test
    void idleThreadsRetireAfterTheKeepAliveAndNewOnesStartOnDemand() throws InterruptedException {
        WorkerPool pool = pool(TimeUnit.MILLISECONDS.toNanos(50));
        Thread first = runOn(pool);
        first.join(10_000);
        assertThat(first.isAlive()).isFalse();
        Thread second = runOn(pool);
        assertThat(second).isNotSameAs(first);
    }

    @Test
    void manyTasksFromManyThreadsAllRunExactlyOnce() throws InterruptedException {
        WorkerPool pool = pool(TimeUnit.SECONDS.toNanos(10));
        int submitters = 4;
        int perSubmitter = 5000;
        AtomicInteger ran = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(submitters * perSubmitter);
        List<Thread> started = new ArrayList<>();
        for (int s = 0; s < submitters; s++) {
            Thread submitter = new Thread(() -> {
                for (int i = 0; i < perSubmitter; i++) {
                    pool.execute(() -> {
                        ran.incrementAndGet();
                        done.countDown();
                    });
                }
            });
            submitter.start();
            started.add(submitter);
        }
        for (Thread submitter : started) {
            submitter.join();
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(ran.get()).isEqualTo(submitters * perSubmitter);
    }

    @Test
    void shutdownLetsRunningTasksFinishStopsIdleThreadsAndRefusesNewTasks() throws InterruptedException {
        WorkerPool pool = pool(TimeUnit.SECONDS.toNanos(10));
        Thread idle = runOn(pool);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger finished = new AtomicInteger();
        pool.execute(() -> {
            running.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            finished.incrementAndGet();
        });
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

        pool.shutdown();

        assertThatThrownBy(() -> pool.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
        assertThat(pool.isShutdown()).isTrue();
        assertThat(pool.awaitTermination(100, TimeUnit.MILLISECONDS)).isFalse();
        release.countDown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(pool.isTerminated()).isTrue();
        assertThat(finished.get()).isEqualTo(1);
        for (Thread thread : threads) {
            thread.join(10_000);
            assertThat(thread.isAlive()).as(thread.getName()).isFalse();
        }
        assertThat(idle.isAlive()).isFalse();
    }
}
