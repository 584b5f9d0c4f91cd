package org.elibrary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.elibrary.testing.Sleep;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A thread that holds the SQLite write connection in a transaction and waits for another write of the same
 * library (review 19, B1 and B5) fails at once with {@link SelfDeadlockException}, whatever the timeouts, and
 * nothing of its unit is written; reads, PostgreSQL and legitimate waits are unaffected; a call waiting inside
 * its work gives up when its own timeout fires.
 *
 * <p>Every scenario is bounded ({@link #QUICK} for what must fail at once): without the fix they hang until
 * {@link #SLOW} (B1: forever; B5: until the statement timeout, set far beyond the bound).
 */
class AsyncSelfDeadlockIT {
    /** The bound of each scenario that must not wait: far below every timeout the libraries are opened with. */
    private static final Duration QUICK = Duration.ofSeconds(10);
    /** How long a wait for a read, or a refused wait, takes at most. */
    private static final Duration AT_ONCE = Duration.ofSeconds(2);
    private static final Duration BOUND = Duration.ofSeconds(60);
    /** The statement timeout (and so the wait for a connection) of every library here: the slow failure. */
    private static final String SLOW = "120s";

    /** The ways a caller waits for the inner call's future. */
    enum Wait {
        JOIN, GET, GET_WITH_TIMEOUT, STAGE_JOIN;

        /**
         * Waits as this says, at most {@link #AT_ONCE}; returns what the wait returned, or throws it unchecked
         * (CompletionException).
         */
        Object on(CompletableFuture<?> future) {
            long start = System.nanoTime();
            try {
                return waitFor(future);
            } finally {
                assertThat(System.nanoTime() - start).isLessThan(AT_ONCE.toNanos());
            }
        }

        private Object waitFor(CompletableFuture<?> future) {
            try {
                return switch (this) {
                    case JOIN -> future.join();
                    case GET -> future.get();
                    case GET_WITH_TIMEOUT -> future.get(BOUND.toSeconds(), TimeUnit.SECONDS);
                    case STAGE_JOIN -> future.thenApply(value -> value).join();
                };
            } catch (ExecutionException e) {
                throw new CompletionException(e);
            } catch (InterruptedException | TimeoutException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A library on {@code url} whose statement timeout (so each inner write's wait) is far beyond every bound. */
    static Library open(String url) {
        return Library.open(LibrarySettings.builder().databaseUrl(url)
                .set(LibrarySettings.DATABASE_STATEMENT_TIMEOUT, SLOW).build());
    }

    /** B1: an asynchronous transaction on a library thread waits for an asynchronous write. */
    @ParameterizedTest
    @EnumSource(Wait.class)
    void anAsyncTransactionWaitingForAnAsyncWriteFailsAtOnceAndWritesNothing(Wait wait) {
        try (Library library = open(TestDatabases.newSqliteUrl())) {
            AsyncLibrary async = library.async();
            CompletableFuture<Object> outer = async.inTransaction(tx -> {
                tx.users().create("d1");
                return wait.on(async.users().create("d2"));
            });

            Throwable failure = assertTimeoutPreemptively(QUICK, () -> catchThrowable(
                    () -> outer.get(QUICK.toSeconds(), TimeUnit.SECONDS)));

            assertThat(failure).isInstanceOf(ExecutionException.class);
            assertThat(selfDeadlock(failure).getMessage()).contains("holds the SQLite write connection",
                    "tx.users()", "thenCompose");
            assertNothingWritten(library, "d1", "d2");
        }
    }

    /** B5: a caller's synchronous transaction waits for an asynchronous write. */
    @ParameterizedTest
    @EnumSource(Wait.class)
    void aSynchronousTransactionWaitingForAnAsyncWriteFailsAtOnceAndWritesNothing(Wait wait) {
        try (Library library = open(TestDatabases.newSqliteUrl())) {
            AsyncLibrary async = library.async();

            Throwable failure = assertTimeoutPreemptively(QUICK, () -> catchThrowable(() -> library.inTransaction(tx -> {
                tx.users().create("jt1");
                return wait.on(async.users().create("jt2"));
            })));

            assertThat(failure).isInstanceOf(CompletionException.class);
            assertThat(selfDeadlock(failure)).isNotNull();
            assertNothingWritten(library, "jt1", "jt2");
        }
    }

    /**
     * A view on the caller's executor has a write lane of its own: its write starts at once and waits in the pool
     * for the connection the transaction holds. It is refused as well, and stopped in that wait.
     */
    @Test
    void aWriteOfAViewOnTheCallersExecutorIsRefusedAsWell() {
        ExecutorService mine = Executors.newFixedThreadPool(2);
        try (Library library = open(TestDatabases.newSqliteUrl())) {
            AsyncLibrary async = library.async(mine);

            Throwable failure = assertTimeoutPreemptively(QUICK, () -> catchThrowable(() -> library.inTransaction(tx -> {
                tx.users().create("e1");
                CompletableFuture<?> inner = async.users().create("e2");
                Sleep.millis(200); // the inner write has started: it waits in the pool for the writer connection
                return inner.join();
            })));

            assertThat(selfDeadlock(failure)).isNotNull();
            assertNothingWritten(library, "e1", "e2");
        } finally {
            mine.shutdownNow();
        }
    }

    /**
     * A callback that catches the failure and returns normally does not commit half its unit: the transaction can
     * only roll back, and its commit throws the same exception.
     */
    @Test
    void aTransactionWhoseCallbackSwallowsTheFailureStillRollsBack() {
        try (Library library = open(TestDatabases.newSqliteUrl())) {
            AsyncLibrary async = library.async();

            Throwable failure = assertTimeoutPreemptively(QUICK, () -> catchThrowable(() -> library.inTransaction(tx -> {
                tx.users().create("s1");
                try {
                    return async.users().create("s2").join();
                } catch (CompletionException swallowed) {
                    return null;
                }
            })));

            assertThat(failure).isInstanceOf(SelfDeadlockException.class);
            assertNothingWritten(library, "s1", "s2");
        }
    }

    /** Reads use the reader pool, which the transaction does not hold: waiting for one goes on working. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void aTransactionWaitingForAnAsyncReadGetsItsResult(Backend backend) {
        try (Library library = open(TestDatabases.newDatabaseUrl(backend))) {
            AsyncLibrary async = library.async();
            library.users().create("before");

            long inSync = assertTimeoutPreemptively(QUICK, () -> library.inTransaction(tx -> {
                tx.users().create("r1");
                return async.users().count().join();
            }));
            CompletableFuture<Long> inAsync = async.inTransaction(tx -> {
                tx.users().create("r2");
                return async.users().count().thenApply(count -> count).join();
            });

            assertThat(inSync).isOne(); // another connection: r1 is not committed yet
            assertThat(inAsync).succeedsWithin(QUICK).isEqualTo(2L);
            assertThat(library.users().count()).isEqualTo(3);
        }
    }

    /**
     * On a caller's SQLite pool of one connection, which the transaction holds, a read needs it as well: waiting for
     * one fails at once, as for a write, rather than after the pool's connection timeout as if the database were down.
     */
    @Test
    void onACallersSqlitePoolOfOneATransactionWaitingForAnAsyncReadFailsAtOnce() {
        com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
        config.setJdbcUrl(TestDatabases.newSqliteUrl());
        config.setMaximumPoolSize(1);
        config.setConnectionTimeout(BOUND.toMillis());
        config.addDataSourceProperty("foreign_keys", "true");
        config.addDataSourceProperty("journal_mode", "WAL");
        try (com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource(config);
             Library library = Library.builder(pool).statementTimeout(Duration.ofSeconds(120)).open()) {
            AsyncLibrary async = library.async();
            library.users().create("before");

            Throwable failure = catchThrowable(() -> assertTimeoutPreemptively(QUICK, () -> library.inTransaction(tx -> {
                tx.users().create("s1");
                return Wait.JOIN.on(async.users().count());
            })));

            assertThat(failure).isInstanceOf(CompletionException.class).cause()
                    .isInstanceOf(SelfDeadlockException.class)
                    .hasMessageContaining("the only connection of the pool");
            assertThat(library.users().findByUsername("s1")).isEmpty();
            assertThat(async.users().count()).succeedsWithin(QUICK).isEqualTo(1L);
        }
    }

    /** PostgreSQL has no single write connection: the inner write runs on another one, as it always did. */
    @Test
    void onPostgresqlATransactionWaitingForAnAsyncWriteSucceeds() {
        try (Library library = open(TestDatabases.newPostgresUrl())) {
            AsyncLibrary async = library.async();

            Object inSync = assertTimeoutPreemptively(QUICK, () -> library.inTransaction(tx -> {
                tx.users().create("p1");
                return async.users().create("p2").join().username();
            }));
            CompletableFuture<Object> inAsync = async.inTransaction(tx -> {
                tx.users().create("p3");
                return Wait.STAGE_JOIN.on(async.users().create("p4"));
            });

            assertThat(inSync).isEqualTo("p2");
            assertThat(inAsync).succeedsWithin(QUICK);
            assertThat(library.users().count()).isEqualTo(4);
        }
    }

    /**
     * On a PostgreSQL pool of one connection (a caller's Spring Boot pool sized down, or the library's own at
     * DATABASE_POOL_SIZE=1), a transaction that waits for an asynchronous call holds the one connection that call
     * needs: the call fails at once with SelfDeadlockException and never runs, and the transaction rolls back, as
     * on SQLite (it waited for the pool's connection timeout, then failed as if the database were down).
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void onAPostgresPoolOfOneATransactionWaitingForAnAsyncCallFailsAtOnce(boolean callersPool) {
        String url = TestDatabases.newPostgresUrl();
        ExecutorService mine = Executors.newFixedThreadPool(2);
        HikariDataSource pool = null;
        if (callersPool) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(url);
            config.setMaximumPoolSize(1);
            config.setConnectionTimeout(BOUND.toMillis());
            pool = new HikariDataSource(config);
        }
        try (Library library = callersPool ? Library.open(pool) : Library.open(LibrarySettings.builder()
                .databaseUrl(url).poolSize(1).connectionTimeout(BOUND).build())) {
            // the library's own threads, and a view on the caller's executor (whose call starts at once and waits
            // in the pool for the connection)
            for (AsyncLibrary async : List.of(library.async(), library.async(mine))) {
                for (Wait wait : Wait.values()) {
                    Throwable failure = assertTimeoutPreemptively(QUICK, () -> catchThrowable(() ->
                            library.inTransaction(tx -> {
                                tx.users().create("p1");
                                return wait.on(async.users().create("p2"));
                            })));

                    assertThat(selfDeadlock(failure)).as(wait.name()).isNotNull();
                    assertThat(selfDeadlock(failure).getMessage()).contains("the only connection of the pool");
                }
            }
            assertNothingWritten(library, "p1", "p2");
        } finally {
            mine.shutdownNow();
            if (pool != null) {
                pool.close();
            }
        }
    }

    /**
     * Waiting for a write that queues behind another caller's write is legitimate (the other caller will
     * finish): it keeps waiting, and then gets its result.
     */
    @Test
    void aWaitForAWriteQueuedBehindAnotherCallersWriteKeepsWaiting() throws Exception {
        try (Library library = open(TestDatabases.newSqliteUrl())) {
            AsyncLibrary async = library.async();
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Void> other = async.useTransaction(tx -> {
                tx.users().create("other");
                holding.countDown();
                AsyncTimeoutIT.await(release);
            });
            assertThat(holding.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();

            CompletableFuture<String> queued = CompletableFuture.supplyAsync(
                    () -> async.users().create("queued").join().username());
            Thread.sleep(500);
            assertThat(queued).as("still waiting behind the other caller's write").isNotDone();
            release.countDown();

            assertThat(other).succeedsWithin(BOUND);
            assertThat(queued).succeedsWithin(BOUND);
            assertThat(library.users().count()).isEqualTo(2);
        }
    }

    /**
     * A call that waits in its work for a call that does not start (here: a read on an executor that holds it)
     * fails when its own timeout fires, and the call it waited for is cancelled: before, the waiting thread stayed
     * parked in join() through the cancel, the future never completed, and only close() freed it.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void aCallWaitingInItsWorkGivesUpWhenItsOwnTimeoutFires(Backend backend) {
        ExecutorService neverRuns = Executors.newSingleThreadExecutor();
        CountDownLatch stuck = new CountDownLatch(1);
        neverRuns.execute(() -> AsyncTimeoutIT.await(stuck));
        try (Library library = open(TestDatabases.newDatabaseUrl(backend))) {
            CompletableFuture<Long> awaited = new CompletableFuture<>();
            CompletableFuture<Long> outer = library.async().withTimeout(Duration.ofSeconds(1)).inTransaction(tx -> {
                tx.users().create("w1");
                CompletableFuture<Long> read = library.async(neverRuns).users().count();
                awaited.complete(read.join()); // never: the read cannot start
                return 0L;
            });

            Throwable failure = assertTimeoutPreemptively(QUICK, () -> catchThrowable(
                    () -> outer.get(QUICK.toSeconds(), TimeUnit.SECONDS)));

            assertThat(failure).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(DatabaseUnavailableException.class)
                    .hasMessageContaining("statement timed out after 1s");
            assertThat(awaited).isNotDone();
            assertThat(library.users().count()).isZero();
            stuck.countDown();
        } finally {
            stuck.countDown();
            neverRuns.shutdownNow();
        }
    }

    /** The SelfDeadlockException in the cause chain of {@code failure}. */
    static SelfDeadlockException selfDeadlock(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SelfDeadlockException e) {
                return e;
            }
        }
        throw new AssertionError("no SelfDeadlockException in the cause chain", failure);
    }

    /**
     * Neither row of the failed unit exists, now nor once every write submitted so far has run: the awaited write
     * was cancelled, not just abandoned to commit later.
     */
    private static void assertNothingWritten(Library library, String outer, String inner) {
        assertThat(library.async().users().create("later")).succeedsWithin(BOUND); // queued after the inner write
        assertThat(library.users().findByUsername(outer)).isEmpty();
        assertThat(library.users().findByUsername(inner)).isEmpty();
        assertThat(library.users().count()).isOne();
    }
}
