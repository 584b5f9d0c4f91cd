package org.elibrary;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.elibrary.domain.User;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link Library#async(Executor)}: what the library does when the caller's executor misbehaves. */
class AsyncCallerExecutorIT {
    private static final Duration BOUND = Duration.ofSeconds(60);

    private static Library open(Backend backend) {
        return Library.open(LibrarySettings.builder().databaseUrl(TestDatabases.newDatabaseUrl(backend)).build());
    }

    /** The write lane's permits: the one writer on SQLite, the pool on PostgreSQL. */
    private static int writePermits(Library library) {
        return library.database().serialisesWrites() ? 1 : library.database().readConcurrency();
    }

    /**
     * An executor whose execute() throws something else than RejectedExecutionException (a wrapper's own
     * IllegalStateException): each call fails as a refused one does, and gives back its permit, so more such
     * failures than the lane has permits still leave the lane working; nothing of them is committed.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void anExecutorFailingToTakeACallFailsItsFutureTypedAndKeepsNoPermit(Backend backend) {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        BreakableExecutor breakable = new BreakableExecutor(pool);
        try (Library library = open(backend)) {
            AsyncLibrary async = library.async(breakable);
            int permits = writePermits(library);
            breakable.broken = true;
            for (int i = 0; i < permits + 2; i++) {
                CompletableFuture<User> refused = async.users().create("refused-" + i);
                assertThat(refused).failsWithin(BOUND).withThrowableThat()
                        .havingCause().isInstanceOf(LibraryOverloadedException.class)
                        .withMessageContaining("executor given to the library")
                        .withMessageContaining("out of order")
                        .havingCause().isInstanceOf(IllegalStateException.class);
            }
            breakable.broken = false;

            assertThat(async.users().create("after")).succeedsWithin(BOUND);
            assertThat(library.users().count()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Throws IllegalStateException from execute() while broken; else runs tasks on its target. */
    private static final class BreakableExecutor implements Executor {
        private final Executor target;
        volatile boolean broken;

        BreakableExecutor(Executor target) {
            this.target = target;
        }

        @Override
        public void execute(Runnable task) {
            if (broken) {
                throw new IllegalStateException("executor out of order");
            }
            target.execute(task);
        }
    }

    /**
     * A call held for a thread that is still busy in a dependent stage is handed to another thread by the
     * library's timeout watcher. With a saturated ThreadPoolExecutor under CallerRunsPolicy, that hand-off
     * must not run the call on the watcher itself (whose ticks fire every other call's timeout): the call runs
     * on one of the caller's threads once one is free.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void aSaturatedCallerRunsExecutorNeverRunsACallOnTheLibrarysOwnThread(Backend backend) throws Exception {
        AtomicInteger counter = new AtomicInteger();
        try (Library library = open(backend)) {
            int permits = writePermits(library);
            ThreadPoolExecutor mine = new ThreadPoolExecutor(permits, permits, 60, TimeUnit.SECONDS,
                    new SynchronousQueue<>(), runnable -> new Thread(runnable, "app-" + counter.incrementAndGet()),
                    new ThreadPoolExecutor.CallerRunsPolicy());
            try {
                AsyncLibrary async = library.async(mine);
                CountDownLatch go = new CountDownLatch(1);
                CountDownLatch started = new CountDownLatch(permits);
                CountDownLatch inStage = new CountDownLatch(permits);
                CountDownLatch release = new CountDownLatch(1);
                List<CompletableFuture<Void>> stages = new ArrayList<>();
                for (int i = 0; i < permits; i++) {
                    CompletableFuture<Object> blocker = async.write(() -> {
                        started.countDown();
                        await(go);
                        return null;
                    });
                    // registered before the call completes: runs on the caller's pool thread that ran it
                    stages.add(blocker.thenRun(() -> {
                        inStage.countDown();
                        await(release);
                    }));
                }
                assertThat(started.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
                // queued behind the blockers; held for the first of their threads to finish
                CompletableFuture<String> queued = async.inTransaction(tx -> {
                    tx.users().create("queued");
                    return Thread.currentThread().getName();
                });
                go.countDown();
                assertThat(inStage.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
                // every pool thread sits in a stage: a hand-off now finds the pool saturated
                Thread.sleep(300);
                release.countDown();

                assertThat(queued).succeedsWithin(BOUND).asString().startsWith("app-");
                stages.forEach(stage -> assertThat(stage).succeedsWithin(BOUND));
                assertThat(library.users().findByUsername("queued")).isPresent();
            } finally {
                mine.shutdownNow();
            }
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(BOUND.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch never opened");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
