package org.elibrary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.elibrary.CatalogIT.withLibrary;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.elibrary.domain.Author;
import org.elibrary.domain.Book;
import org.elibrary.domain.CatalogCounts;
import org.elibrary.domain.User;
import org.elibrary.testing.Sleep;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/** Caller transactions: commit, rollback, joining, nesting with savepoints, misuse of the handle. */
class TransactionIT {

    @ParameterizedTest
    @EnumSource(Backend.class)
    void commitsOnReturnAndReturnsTheValue(Backend backend) {
        withLibrary(backend, library -> {
            Book book = library.inTransaction(tx -> {
                Author author = tx.authors().create("A");
                Book created = tx.books().create("B");
                tx.books().linkAuthor(created.id(), author.id());
                assertThat(tx.counts()).isEqualTo(new CatalogCounts(1, 1, 1, 0, 0));
                return created;
            });
            assertThat(library.books().findWithAuthors(book.id()).orElseThrow().authors()).hasSize(1);
            assertThat(library.counts()).isEqualTo(new CatalogCounts(1, 1, 1, 0, 0));
        });
    }

    /** As on the Library: a null callback is refused before a savepoint is set, naming the parameter. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void theHandleRefusesANullCallbackNamingItAndTheTransactionGoesOn(Backend backend) {
        withLibrary(backend, library -> {
            library.useTransaction(tx -> {
                tx.authors().create("kept");
                assertThatThrownBy(() -> tx.inTransaction(null))
                        .isInstanceOf(NullPointerException.class).hasMessage("work");
                assertThatThrownBy(() -> tx.useTransaction(null))
                        .isInstanceOf(NullPointerException.class).hasMessage("work");
                tx.authors().create("also kept");
            });
            assertThat(library.authors().count()).isEqualTo(2);
        });
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void rollsBackOnExceptionAndRethrowsItUnchanged(Backend backend) {
        withLibrary(backend, library -> {
            library.books().create("existing");
            CatalogCounts before = library.counts();
            IllegalStateException boom = new IllegalStateException("boom");
            Throwable thrown = catchThrowable(() -> library.useTransaction(tx -> {
                tx.authors().create("A");
                Book book = tx.books().create("B");
                User user = tx.users().create("u");
                tx.comments().add(user.id(), book.id(), "c");
                library.books().create("joined via the library"); // same thread: joins
                throw boom;
            }));
            assertThat(thrown).isSameAs(boom);
            assertThat(library.counts()).isEqualTo(before);
            assertThat(library.books().findByTitle("joined via the library")).isEmpty();
        });
    }

    /** A checked exception thrown sneakily (Kotlin, Lombok's {@code @SneakyThrows}) is not wrapped either. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void aCheckedExceptionThrownSneakilyRollsBackAndPropagatesUnchanged(Backend backend) {
        withLibrary(backend, library -> {
            IOException io = new IOException("io");
            assertThat(catchThrowable(() -> library.inTransaction(tx -> {
                tx.books().create("in");
                return sneakyThrow(io);
            }))).isSameAs(io);
            assertThat(catchThrowable(() -> library.useTransaction(tx -> {
                tx.books().create("use");
                sneakyThrow(io);
            }))).isSameAs(io);
            library.useTransaction(tx -> {
                tx.books().create("outer");
                assertThat(catchThrowable(() -> tx.inTransaction(inner -> {
                    inner.books().create("nested");
                    return sneakyThrow(io);
                }))).isSameAs(io);
            });
            assertThat(library.books().findByTitle("in")).isEmpty();
            assertThat(library.books().findByTitle("use")).isEmpty();
            assertThat(library.books().findByTitle("nested")).isEmpty();
            assertThat(library.books().findByTitle("outer")).isPresent();
        });
    }

    @SuppressWarnings("unchecked")
    static <T, E extends Throwable> T sneakyThrow(Throwable checked) throws E {
        throw (E) checked;
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void theCallbacksOwnExceptionWrappingALibraryExceptionPropagatesUnchanged(Backend backend) {
        withLibrary(backend, library -> {
            library.users().create("anna");
            Throwable thrown = catchThrowable(() -> library.useTransaction(tx -> {
                try {
                    tx.users().create("anna");
                } catch (DuplicateException e) {
                    throw new IllegalArgumentException("the caller's own words", e);
                }
            }));
            assertThat(thrown).isInstanceOf(IllegalArgumentException.class).hasMessage("the caller's own words")
                    .hasCauseInstanceOf(DuplicateException.class);
            assertThat(library.users().count()).isEqualTo(1);
        });
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void callsOnTheLibraryInsideTheCallbackSeeAndJoinTheTransaction(Backend backend) {
        withLibrary(backend, library -> {
            library.useTransaction(tx -> {
                Book book = tx.books().create("uncommitted");
                assertThat(library.books().findById(book.id())).contains(book);
                Book other = library.books().create("also in tx");
                assertThat(tx.books().findById(other.id())).contains(other);
            });
            assertThat(library.books().count()).isEqualTo(2);
        });
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void nestedTransactionRollsBackToItsSavepointAndTheOuterContinues(Backend backend) {
        withLibrary(backend, library -> {
            library.useTransaction(tx -> {
                tx.authors().create("outer");
                RuntimeException inner = new RuntimeException("inner fails");
                Throwable thrown = catchThrowable(() -> library.useTransaction(nested -> {
                    nested.authors().create("inner");
                    throw inner;
                }));
                assertThat(thrown).isSameAs(inner);
                assertThat(tx.authors().findByName("inner")).isEmpty();
                // A nested transaction that succeeds keeps its work.
                tx.inTransaction(nested -> nested.authors().create("inner ok"));
                // An expected failure of one call, contained by a nested transaction.
                Throwable duplicate = catchThrowable(() -> tx.useTransaction(nested -> nested.authors().create("outer")));
                assertThat(duplicate).isInstanceOf(DuplicateException.class);
                tx.authors().create("after");
            });
            assertThat(library.authors().listAfter(0, 10)).extracting(Author::name)
                    .containsExactly("after", "inner ok", "outer");
        });
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aDatabaseErrorCaughtInsideTheCallbackStillRollsBackTheWholeTransaction(Backend backend) {
        withLibrary(backend, library -> {
            library.authors().create("taken");
            CatalogCounts before = library.counts();
            Throwable thrown = catchThrowable(() -> library.useTransaction(tx -> {
                tx.books().create("would be lost");
                try {
                    tx.authors().create("taken");
                } catch (DuplicateException expected) {
                    // swallowed by the caller
                }
            }));
            assertThat(thrown).isInstanceOf(DuplicateException.class);
            assertThat(library.counts()).isEqualTo(before);
        });
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void afterACaughtDatabaseErrorEveryFurtherCallRethrowsItOnBothDatabases(Backend backend) {
        withLibrary(backend, library -> {
            library.authors().create("taken");
            CatalogCounts before = library.counts();
            AtomicReference<DuplicateException> caught = new AtomicReference<>();
            Throwable thrown = catchThrowable(() -> library.useTransaction(tx -> {
                tx.books().create("would be lost");
                try {
                    tx.authors().create("taken");
                } catch (DuplicateException expected) {
                    caught.set(expected);
                }
                // PostgreSQL has aborted the transaction (SQLState 25P02); SQLite would run these for nothing
                assertThat(catchThrowable(() -> tx.books().count())).isSameAs(caught.get());
                assertThat(catchThrowable(() -> library.books().create("joined"))).isSameAs(caught.get());
                assertThat(catchThrowable(() -> tx.inTransaction(nested -> nested.books().count())))
                        .isSameAs(caught.get());
            }));
            assertThat(thrown).isSameAs(caught.get());
            assertThat(caught.get().field()).isEqualTo("author.name");
            assertThat(library.counts()).isEqualTo(before);
        });
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void validationErrorsInsideATransactionDoNotPoisonIt(Backend backend) {
        withLibrary(backend, library -> {
            library.useTransaction(tx -> {
                tx.books().create("kept");
                assertThatThrownBy(() -> tx.books().create(" ")).isInstanceOf(InvalidInputException.class);
                assertThatThrownBy(() -> tx.comments().add(99, 99, "x")).isInstanceOf(NotFoundException.class);
                // a missing author of a one-book create is found before anything is written, as linkAuthor's is
                assertThatThrownBy(() -> tx.books().createWithAuthorIds("not kept", List.of(999_999L)))
                        .isInstanceOf(NotFoundException.class).hasMessageContaining("author id=999999");
                assertThatThrownBy(() -> tx.books().linkAuthor(1, 999_999)).isInstanceOf(NotFoundException.class);
                tx.books().create("kept too");
            });
            assertThat(library.books().count()).isEqualTo(2);
        });
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void theHandleIsUsableOnlyInsideItsCallbackAndOnItsThread(Backend backend) {
        withLibrary(backend, library -> {
            AtomicReference<Transaction> leaked = new AtomicReference<>();
            library.useTransaction(tx -> {
                leaked.set(tx);
                CompletableFuture<Object> other = CompletableFuture.supplyAsync(() -> tx.books().count());
                Throwable fromOtherThread = catchThrowable(() -> other.get(10, TimeUnit.SECONDS));
                assertThat(fromOtherThread).hasCauseInstanceOf(IllegalStateException.class);
            });
            assertThatThrownBy(() -> leaked.get().books().count()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("ended");
        });
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void cascadesInsideATransactionRollBackWithIt(Backend backend) {
        withLibrary(backend, library -> {
            var book = library.books().createWithAuthors("B", List.of("A"));
            User user = library.users().create("u");
            library.comments().add(user.id(), book.id(), "c");
            CatalogCounts before = library.counts();
            assertThatThrownBy(() -> library.useTransaction(tx -> {
                assertThat(tx.books().delete(book.id())).isTrue();
                assertThat(tx.users().delete(user.id())).isTrue();
                assertThat(tx.counts()).isEqualTo(new CatalogCounts(1, 0, 0, 0, 0));
                throw new IllegalArgumentException("undo");
            })).isInstanceOf(IllegalArgumentException.class);
            assertThat(library.counts()).isEqualTo(before);
        });
    }

    @Test
    void aTransactionThatCouldNotBeginLeavesTheNextOnesWhole() throws Exception {
        String url = TestDatabases.newSqliteUrl();
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(url)
                .sqliteBusyTimeout(Duration.ofMillis(200)).build());
             Connection otherProcess = DriverManager.getConnection(url);
             Statement statement = otherProcess.createStatement()) {
            // another process holds the write lock past the busy timeout, then once more while an async
            // transaction times out waiting for it: neither transaction can begin
            statement.execute("BEGIN IMMEDIATE");
            assertThatThrownBy(() -> library.useTransaction(tx -> tx.books().create("never")))
                    .isInstanceOf(DatabaseUnavailableException.class).hasMessageContaining("busy");
            statement.execute("ROLLBACK");
            library.books().create("a write between");
            thenTransactionsAreWhole(library);

            statement.execute("BEGIN IMMEDIATE");
            Throwable timedOut = catchThrowable(() -> library.async().withTimeout(Duration.ofMillis(100))
                    .useTransaction(tx -> tx.books().create("never")).join());
            assertThat(timedOut).hasCauseInstanceOf(DatabaseUnavailableException.class);
            statement.execute("ROLLBACK");
            thenTransactionsAreWhole(library);
        }
    }

    @Test
    void onACallersOwnPoolATransactionThatCouldNotBeginLeavesItsConnectionOpenAndWhole() throws Exception {
        String url = TestDatabases.newSqliteUrl();
        SQLiteConfig config = new SQLiteConfig();
        config.enforceForeignKeys(true);
        config.setBusyTimeout(200);
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE); // so that BEGIN is what waits
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl(url);
        Connection shared = dataSource.getConnection();
        DataSource pool = keptOpen(shared);
        try (Library library = Library.open(pool);
             Connection otherProcess = DriverManager.getConnection(url);
             Statement statement = otherProcess.createStatement()) {
            statement.execute("BEGIN IMMEDIATE");
            assertThatThrownBy(() -> library.useTransaction(tx -> tx.books().create("never")))
                    .isInstanceOf(DatabaseUnavailableException.class);
            statement.execute("ROLLBACK");
            assertThat(shared.isClosed()).isFalse();
            thenTransactionsAreWhole(library);
        } finally {
            shared.close();
        }
    }

    /**
     * A caller's pool that hands its connections out as they were left, without resetting them (Spring's
     * {@code SingleConnectionDataSource}, a hand-made pool), set to auto-commit off: after the library's
     * transactions, committed or rolled back, its connection is still in auto-commit off, as it came (the library
     * switched it on, and the application's next statements then committed one by one).
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void onACallersPoolThatDoesNotResetConnectionsAutoCommitIsLeftAsItCame(Backend backend) throws Exception {
        String url = TestDatabases.newDatabaseUrl(backend);
        Library.open(LibrarySettings.builder().databaseUrl(url).build()).close(); // the tables
        for (boolean autoCommit : new boolean[] {false, true}) {
            SQLiteConfig foreignKeys = new SQLiteConfig();
            foreignKeys.enforceForeignKeys(true);
            try (Connection shared = backend == Backend.SQLITE
                    ? DriverManager.getConnection(url, foreignKeys.toProperties()) : DriverManager.getConnection(url)) {
                shared.setAutoCommit(autoCommit);
                try (Library library = Library.builder(keptOpen(shared)).migrate(false).open()) {
                    library.books().createWithAuthors("Мастер и Маргарита " + autoCommit, List.of("Булгаков"));
                    assertThat(shared.getAutoCommit()).as("after a commit").isEqualTo(autoCommit);
                    assertThatThrownBy(() -> library.useTransaction(tx -> {
                        tx.books().create("rolled back");
                        throw new IllegalStateException("the application's own failure");
                    })).isInstanceOf(IllegalStateException.class);
                    assertThat(shared.getAutoCommit()).as("after a rollback").isEqualTo(autoCommit);
                    assertThat(library.books().count()).isEqualTo(autoCommit ? 2 : 1);
                }
                if (!autoCommit) {
                    shared.commit(); // whatever the driver began after the library's last call
                }
            }
        }
    }

    /** A caller's pool of one connection, which it keeps open and hands out as it was left. */
    private static DataSource keptOpen(Connection shared) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("getConnection")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                            (c, m, a) -> m.getName().equals("close") ? null : invoke(m, shared, a));
                });
    }

    /**
     * A database's {@code idle_in_transaction_session_timeout} (a DBA's guard against forgotten transactions) ends
     * the connection of a transaction that idles between two calls longer, and rolls it back: the next call, and a
     * commit, fail naming that setting, and the commit says nothing was committed (it said "whether the call was
     * committed is unknown", and the next call only "database error: terminating connection ...").
     */
    @Test
    void onACallersPostgresPoolAnIdleInTransactionTimeoutIsNamedAndNothingIsCommitted() throws Exception {
        String url = TestDatabases.newPostgresUrl();
        try (HikariDataSource pool = TestDatabases.pool(url, 1); Library library = Library.open(pool)) {
            try (Connection admin = DriverManager.getConnection(url); Statement statement = admin.createStatement()) {
                statement.execute("ALTER DATABASE " + admin.getCatalog()
                        + " SET idle_in_transaction_session_timeout = '200ms'");
            }
            pool.getHikariPoolMXBean().softEvictConnections(); // its next connection has the database's setting

            assertThatThrownBy(() -> library.useTransaction(tx -> {
                tx.books().create("before the pause");
                Sleep.millis(1000);
                tx.books().create("after the pause");
            })).isInstanceOf(DatabaseUnavailableException.class)
                    .hasMessageContaining("idle_in_transaction_session_timeout");
            assertThatThrownBy(() -> library.useTransaction(tx -> {
                tx.books().create("before the commit");
                Sleep.millis(1000);
            })).isInstanceOf(DatabaseUnavailableException.class)
                    .hasMessageContaining("nothing of the call was committed")
                    .hasMessageContaining("idle_in_transaction_session_timeout");
            assertThat(library.books().count()).isZero();
        }
    }

    /**
     * On SQLite every write of a Library goes through its one writer connection: a write on another thread
     * waits for a transaction holding it up to DATABASE_CONNECTION_TIMEOUT, then fails saying so (not as if
     * the pool were too small). Reads go on meanwhile.
     */
    @Test
    void onSqliteAWriteWaitingForAnotherThreadsTransactionFailsAfterTheConnectionTimeoutSayingWhy() throws Exception {
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(TestDatabases.newSqliteUrl())
                .connectionTimeout(Duration.ofMillis(500)).build())) {
            whileAWriteTransactionIsOpen(library, () -> {
                assertThatThrownBy(() -> library.books().create("waits"))
                        .isExactlyInstanceOf(DatabaseUnavailableException.class)
                        .hasMessage("no database connection became available in time: this Library writes to SQLite "
                                + "through one connection, and another write transaction of it (a long inTransaction, "
                                + "an import) held that connection for longer than DATABASE_CONNECTION_TIMEOUT; "
                                + "retry, or keep write transactions short");
                assertThat(library.books().count()).isZero();
            });
            assertThat(library.books().create("after").title()).isEqualTo("after");
        }
    }

    /** Two Libraries on one file: the one waiting for the other's lock says which setting to raise, and its value. */
    @Test
    void onSqliteAWriteLockedByAnotherLibraryNamesTheBusyTimeoutAndItsValue() throws Exception {
        String url = TestDatabases.newSqliteUrl();
        try (Library holder = Library.open(LibrarySettings.builder().databaseUrl(url).build());
             Library waiting = Library.open(LibrarySettings.builder().databaseUrl(url)
                     .sqliteBusyTimeout(Duration.ofMillis(300)).build())) {
            whileAWriteTransactionIsOpen(holder, () -> assertThatThrownBy(() -> waiting.users().create("waiting"))
                    .isInstanceOf(DatabaseUnavailableException.class)
                    .hasMessage("the SQLite database is busy (locked by another writer for longer than "
                            + "SQLITE_BUSY_TIMEOUT (300ms)); if another program or Library keeps write "
                            + "transactions that long, raise SQLITE_BUSY_TIMEOUT (on a DataSource of yours: its "
                            + "connections' busy_timeout)"));
        }
    }

    /** Runs {@code check} while another thread holds a write transaction of {@code library} open. */
    private static void whileAWriteTransactionIsOpen(Library library, Runnable check) throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> library.useTransaction(tx -> {
            tx.authors().create("held");
            holding.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        try {
            assertThat(holding.await(20, TimeUnit.SECONDS)).isTrue();
            check.run();
        } finally {
            release.countDown();
            holder.get(20, TimeUnit.SECONDS);
        }
    }

    private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void thenTransactionsAreWhole(Library library) {
        CatalogCounts before = library.counts();
        assertThatThrownBy(() -> library.useTransaction(tx -> {
            tx.books().create("rolled back");
            tx.users().create("rolled back");
            throw new IllegalStateException("undo");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(library.counts()).isEqualTo(before);
        Book kept = library.inTransaction(tx -> tx.books().create("committed " + before.book()));
        assertThat(library.books().findById(kept.id())).contains(kept);
    }
}
