package org.elibrary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.elibrary.AsyncSelfDeadlockIT.open;
import static org.elibrary.AsyncSelfDeadlockIT.selfDeadlock;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.elibrary.testing.Sleep;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A thread inside a transaction that waits for async writes of the same library through a future the library did
 * not make ({@code CompletableFuture.allOf}, {@code anyOf}) or through a {@code thenCompose} (or
 * {@code exceptionallyCompose}) stage whose source is another call (review 19's closing note): on SQLite it fails fast with {@link SelfDeadlockException} and nothing
 * of the unit is written, where before it waited until the library closed (async transaction, allOf), the waiting
 * call's timeout, or the inner write's statement timeout with a message about a failed connection. On PostgreSQL
 * the same code goes on working. Also: a genuine outage when a call's timeout fires is reported as itself.
 *
 * <p>Every scenario is bounded: what must fail fast by {@link #FAST}, far below the timeouts in force (the
 * statement timeout of {@link AsyncSelfDeadlockIT#open}, 120 s, the async transaction's own {@link #OWN_TIMEOUT}).
 */
class AsyncIndirectWaitIT {
    /**
     * How long a refused wait may take: the sweeper's 1 s grace, counted from its first look at the waiting thread
     * (a tick after the wait began), one more tick, and the rollback, with room for a loaded machine. It holds
     * because nothing counts the grace anew while the thread still waits: an async transaction's wait on a
     * {@code thenCompose} stage is a call's wait in slices, and the sweeper sees it waiting between two slices too
     * ({@code CallFuture.waitsInSlices}). Before, seen there at two looks in a row (the slices and the looks share
     * the 10 ms tick), it counted the second anew: the one restart seen when refusals were traced under load, it
     * made one take 2.0 s (and most likely the 3.0 s in CI and 4.4 s in a loaded run that had this bound at 8 s).
     */
    private static final Duration FAST = Duration.ofSeconds(3);
    /** The bound of each scenario. */
    private static final Duration QUICK = Duration.ofSeconds(15);
    private static final Duration BOUND = Duration.ofSeconds(60);
    /** The timeout of the asynchronous transactions that wait. */
    private static final Duration OWN_TIMEOUT = Duration.ofSeconds(30);

    /** Ways to wait for the library's writes that the library's own futures do not see. */
    enum Indirect {
        ALL_OF, ANY_OF, COMPOSE, COMPOSE_THEN_APPLY, EXCEPTIONALLY_COMPOSE, HANDLE_THEN_COMPOSE;

        /** Makes two writes ({@code a}, {@code b}; all but ALL_OF and ANY_OF only {@code a}) and waits as this says. */
        Object waitFor(AsyncLibrary async, String a, String b) {
            return switch (this) {
                case ALL_OF -> CompletableFuture.allOf(async.users().create(a), async.users().create(b)).join();
                case ANY_OF -> CompletableFuture.anyOf(async.users().create(a), async.users().create(b)).join();
                case COMPOSE -> async.users().count().thenCompose(n -> async.users().create(a)).join().username();
                case COMPOSE_THEN_APPLY -> async.users().count().thenCompose(n -> async.users().create(a))
                        .thenApply(user -> user.username()).join();
                // find or create: the write is made by a function the failed lookup runs
                case EXCEPTIONALLY_COMPOSE -> async.users().findByUsername(a).thenApply(Optional::orElseThrow)
                        .exceptionallyCompose(missing -> async.users().create(a)).join().username();
                case HANDLE_THEN_COMPOSE -> async.users().findByUsername(a)
                        .handle((found, failure) -> async.users().create(a)).thenCompose(created -> created)
                        .join().username();
            };
        }

        /** The rows the writes of {@link #waitFor} add on success. */
        int rows() {
            return this == ALL_OF || this == ANY_OF ? 2 : 1;
        }
    }

    @ParameterizedTest
    @EnumSource(Indirect.class)
    void anAsyncTransactionWaitingIndirectlyForAsyncWritesFailsFastAndWritesNothing(Indirect wait) {
        try (Library library = open(TestDatabases.newSqliteUrl())) {
            AsyncLibrary async = library.async();
            long start = System.nanoTime();
            CompletableFuture<Object> outer = async.withTimeout(OWN_TIMEOUT).inTransaction(tx -> {
                tx.users().create("o");
                return wait.waitFor(async, "a", "b");
            });

            Throwable failure = assertTimeoutPreemptively(QUICK, () -> catchThrowable(
                    () -> outer.get(QUICK.toSeconds(), TimeUnit.SECONDS)));

            assertThat(failure).isInstanceOf(ExecutionException.class);
            assertThat(selfDeadlock(failure).getMessage()).contains("holds the SQLite write connection",
                    "tx.users()");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FAST);
            assertNothingWritten(library, "o", "a", "b");
        }
    }

    @ParameterizedTest
    @EnumSource(Indirect.class)
    void aSynchronousTransactionWaitingIndirectlyForAsyncWritesFailsFastAndWritesNothing(Indirect wait) {
        try (Library library = open(TestDatabases.newSqliteUrl())) {
            AsyncLibrary async = library.async();
            long start = System.nanoTime();

            Throwable failure = assertTimeoutPreemptively(QUICK, () -> catchThrowable(() -> library.inTransaction(tx -> {
                tx.users().create("o");
                return wait.waitFor(async, "a", "b");
            })));

            assertThat(selfDeadlock(failure).getMessage()).contains("holds the SQLite write connection", "tx.users()");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FAST);
            assertNothingWritten(library, "o", "a", "b");
        }
    }

    /** PostgreSQL has no single write connection: the same waits get the writes' results, and all rows commit. */
    @ParameterizedTest
    @EnumSource(Indirect.class)
    void onPostgresqlTheSameWaitsSucceed(Indirect wait) {
        try (Library library = open(TestDatabases.newPostgresUrl())) {
            AsyncLibrary async = library.async();

            assertTimeoutPreemptively(QUICK, () -> library.inTransaction(tx -> {
                tx.users().create("o1");
                return wait.waitFor(async, "a1", "b1");
            }));
            CompletableFuture<Object> inAsync = async.withTimeout(OWN_TIMEOUT).inTransaction(tx -> {
                tx.users().create("o2");
                return wait.waitFor(async, "a2", "b2");
            });

            assertThat(inAsync).succeedsWithin(QUICK);
            long expected = 2 + 2L * wait.rows();
            long deadline = System.nanoTime() + QUICK.toNanos();
            while (library.users().count() < expected && System.nanoTime() < deadline) {
                Sleep.millis(20); // anyOf returned with the first write: the other one commits on its own time
            }
            assertThat(library.users().count()).isEqualTo(expected);
        }
    }

    /**
     * A write made inside a transaction and not waited for (it has a dependent stage all the same) runs once the
     * transaction has committed, also when the transaction meanwhile waits a while for a read and for something
     * that is not the library's: neither is taken for a wait on the write.
     */
    @Test
    void aWriteMadeInATransactionAndNotWaitedForRunsAfterTheCommit() {
        try (Library library = open(TestDatabases.newSqliteUrl())) {
            AsyncLibrary async = library.async();
            CompletableFuture<String> later = new CompletableFuture<>();

            long count = assertTimeoutPreemptively(QUICK, () -> library.inTransaction(tx -> {
                tx.users().create("o");
                async.users().create("f").thenAccept(user -> later.complete(user.username()));
                CompletableFuture.runAsync(() -> Sleep.millis(300)).join(); // not the library's
                return CompletableFuture.allOf(async.users().count(), async.books().count())
                        .thenCompose(none -> async.users().count()).join();
            }));

            assertThat(count).isZero(); // another connection: "o" is not committed yet
            assertThat(later).succeedsWithin(BOUND).isEqualTo("f");
            assertThat(library.users().count()).isEqualTo(2);
        }
    }

    /**
     * A call whose own work failed with a genuine DatabaseUnavailableException (here: another Library on the same
     * file could not get its lock) and that is still unwinding when its timeout fires fails with that failure, not
     * as timed out: the timeout did not cause it.
     */
    @Test
    void aGenuineOutageWhenTheTimeoutFiresIsReportedAsItself() {
        String url = TestDatabases.newSqliteUrl();
        try (Library library = open(url);
             Library other = Library.open(LibrarySettings.builder().databaseUrl(url)
                     .sqliteBusyTimeout(Duration.ofMillis(200)).build())) {
            CompletableFuture<Object> call = library.async().withTimeout(Duration.ofSeconds(1)).inTransaction(tx -> {
                tx.users().create("holds the lock");
                try {
                    return other.users().create("locked out");
                } catch (DatabaseUnavailableException genuine) {
                    Sleep.millis(1500); // the call's timeout fires while it unwinds
                    throw genuine;
                }
            });

            Throwable failure = assertTimeoutPreemptively(QUICK, () -> catchThrowable(
                    () -> call.get(QUICK.toSeconds(), TimeUnit.SECONDS)));

            assertThat(failure).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(DatabaseUnavailableException.class)
                    .hasMessageContaining("SQLITE_BUSY_TIMEOUT (200ms)")
                    .hasMessageNotContaining("timed out after");
            assertThat(library.users().count()).isZero();
        }
    }

    /**
     * No row of the failed unit exists, now nor once every write submitted so far has run: the awaited writes were
     * cancelled, not abandoned to commit after the rollback.
     */
    private static void assertNothingWritten(Library library, String... usernames) {
        assertThat(library.async().users().create("later")).succeedsWithin(BOUND); // queued after the inner writes
        for (String username : usernames) {
            assertThat(library.users().findByUsername(username)).as(username).isEmpty();
        }
        assertThat(library.users().count()).isOne();
    }
}
