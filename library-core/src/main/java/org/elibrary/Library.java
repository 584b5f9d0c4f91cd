package org.elibrary;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.sql.DataSource;
import org.elibrary.domain.CatalogCounts;
import org.elibrary.internal.async.CancellableDataSource;
import org.elibrary.internal.config.SettingValues;
import org.elibrary.internal.config.SettingsAccess;
import org.elibrary.internal.db.Database;
import org.elibrary.internal.db.Databases;
import org.elibrary.internal.mapper.CatalogMapper;
import org.elibrary.internal.session.Sessions;
import org.elibrary.internal.session.UnitOfWork;

/**
 * The entry point: one catalog database (SQLite or PostgreSQL) and its repositories.
 *
 * <pre>{@code
 * try (Library library = Library.open()) {             // DATABASE_URL from the environment / .env
 *     Book book = library.books().create("Война и мир");
 *     library.useTransaction(tx -> {
 *         Author tolstoy = tx.authors().create("Лев Толстой");
 *         tx.books().linkAuthor(book.id(), tolstoy.id());
 *     });
 * }
 * }</pre>
 *
 * <p><b>Atomicity.</b> Every repository call is atomic: it commits on return; when it throws, the database is
 * exactly as before. Reads are single statements (one snapshot); writes run in a transaction on the
 * writer connections (on SQLite a single write lane, so writers never see {@code database is locked}).
 *
 * <p><b>Transactions.</b> {@link #inTransaction} and {@link #useTransaction} run a callback in one transaction:
 * commit when it returns, roll back when it throws (the exception propagates unchanged, even a checked one
 * thrown sneakily). Inside the callback, calls on the handle and on this library's repositories from the same
 * thread join the transaction. Nesting: an {@code inTransaction} inside a running transaction (same thread)
 * runs in a SAVEPOINT; if it throws, only its own work is rolled back and the exception propagates, and the
 * outer transaction continues if the caller catches it. If a repository call inside a transaction fails with a database error (a duplicate, for
 * example) and the callback catches it outside any nested {@code inTransaction}, the whole transaction still
 * rolls back: every further catalog call in it, and the end of the callback, rethrow that error, on both
 * databases alike (PostgreSQL refuses further statements in such a transaction). Wrap a call that may
 * expectedly fail in a nested {@code inTransaction} to recover from it.
 *
 * <p><b>Threads and lifecycle.</b> Thread-safe; open one per application and share it. {@link #close()} is
 * idempotent and closes the pools the library opened (never a caller's {@code DataSource}); calls after
 * close throw {@link LibraryClosedException} (once their arguments have passed the checks that need no database).
 */
public final class Library implements AutoCloseable {
    private static final int DEFAULT_BORROWED_CONCURRENCY = 10;

    private final Database database;
    private final LibrarySettings settings;
    private final Sessions sessions;
    private final AuthorRepository authors;
    private final BookRepository books;
    private final UserRepository users;
    private final CommentRepository comments;
    private final AsyncLibrary.Views asyncViews;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Counted down when the first close() has finished; later ones wait for it. */
    private final CountDownLatch closeDone = new CountDownLatch(1);

    /**
     * @param readOnlySwitch what made a read-only database read-only, as the refusal of a write names it
     */
    private Library(Database database, LibrarySettings settings, Duration statementTimeout, int asyncQueueCapacity,
                    Duration asyncCloseTimeout, String readOnlySwitch) {
        // connections of asynchronous calls become cancellable (timeouts); synchronous calls are untouched
        this.database = CancellableDataSource.wrap(database);
        this.settings = settings;
        // Prepared statements are cached per connection only on pools the library owns. Statements get a
        // client-side timeout only where the server does not enforce one (pgjdbc's per-statement timer woke
        // its timer thread on every execution: a thread switch per statement).
        boolean ownsPools = settings != null;
        this.sessions = new Sessions(this.database, database.serverTimesStatements() ? null : statementTimeout,
                ownsPools, ownsPools ? SettingsAccess.databaseUrl(settings).password().orElse(null) : null,
                readOnlySwitch);
        this.authors = new AuthorRepository(sessions, null);
        this.books = new BookRepository(sessions, null);
        this.users = new UserRepository(sessions, null);
        this.comments = new CommentRepository(sessions, null);
        this.asyncViews = new AsyncLibrary.Views(this, this.database, asyncQueueCapacity, asyncCloseTimeout,
                statementTimeout);
    }

    /** Opens the library configured by the environment ({@link LibrarySettings#fromEnvironment()}). */
    public static Library open() {
        return open(LibrarySettings.fromEnvironment());
    }

    /**
     * Opens the library with its own connection pools, migrating the schema first when the settings say so
     * ({@link LibrarySettings#migrateOnOpen()}, the default). {@link #close()} closes the pools. Without
     * migrating, the migration history's version is checked (one query): a database behind the library's
     * schema (no history, or an older version) is refused, one ahead of it (migrated by a newer library
     * version) opens with a warning; a SQLite file that does not exist is refused, not created, and a
     * PostgreSQL database's encoding is still checked. With {@link LibrarySettings#readOnly()} it never migrates
     * (the same check, by reading), its connections are read-only, and every write call throws
     * {@link ConfigurationException} before it reaches the database (once its arguments have passed the checks
     * that need no database); reads, and transactions that only read, work as usual.
     *
     * @throws ConfigurationException       if the settings are unusable, the PostgreSQL database is not in UTF8,
     *                                      the SQLite library is older than 3.38.0 or sqlite-jdbc than 3.41.2.2,
     *                                      the schema is foreign or cannot be migrated, or (not migrating) the
     *                                      SQLite file does not exist or the schema is behind the library's
     * @throws ForeignKeyViolationException if the database to adopt (made by the Python app) has rows that
     *                                      break a foreign key; nothing was changed
     * @throws DatabaseUnavailableException if the database cannot be reached, another process kept it locked
     *                                      while migrating, or the SQLite file cannot be written (unless read-only)
     */
    public static Library open(LibrarySettings settings) {
        Objects.requireNonNull(settings, "settings");
        Database database = Databases.open(settings);
        try {
            return new Library(database, settings, settings.statementTimeout(), settings.asyncQueueCapacity(),
                    settings.closeTimeout(), LibrarySettings.DATABASE_READ_ONLY + "=true");
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /**
     * Opens the library on a caller's {@code DataSource} (never closed by the library), migrating the schema
     * first, with the defaults of {@link LibrarySettings} for the statement timeout and the async queue;
     * {@link #builder(DataSource)} sets them. The backend is detected from the database product name.
     *
     * @throws ConfigurationException       if the database is neither SQLite nor PostgreSQL, refuses the login or
     *                                      does not exist (a wrong password, an unknown role or database, a
     *                                      SQLite file in a directory that does not exist), is a PostgreSQL
     *                                      database not in UTF8, a SQLite library older than 3.38.0 or an
     *                                      sqlite-jdbc older than 3.41.2.2, or its schema is foreign or cannot be
     *                                      migrated; or if
     *                                      {@code dataSource} is Spring's {@code TransactionAwareDataSourceProxy}
     *                                      (the library runs transactions of its own, and would commit or end
     *                                      Spring's: pass the DataSource it wraps)
     * @throws ForeignKeyViolationException if the database to adopt has rows that break a foreign key
     * @throws DatabaseUnavailableException if {@code dataSource} can give no connection for a reason retrying may
     *                                      fix (the server down or unreachable, too many connections, a file
     *                                      that cannot be opened)
     */
    public static Library open(DataSource dataSource) {
        return builder(dataSource).open();
    }

    /**
     * Opens the library on a caller's {@code DataSource} (never closed by the library); {@code migrate} false
     * uses the schema as it is, after the check an open by settings makes without migrating (one query on the
     * migration history): a schema behind the library's (no history, or an older version) is refused, one
     * ahead of it opens with a warning, and a PostgreSQL database's encoding is still checked. PostgreSQL
     * statements and every asynchronous call get
     * {@link LibrarySettings#DEFAULT_STATEMENT_TIMEOUT} ({@link Builder#statementTimeout(Duration)} sets another);
     * synchronous SQLite calls have no limit. On PostgreSQL
     * the pool's own session settings apply, except that each transaction of the library runs READ COMMITTED, for
     * which its calls are written, when the pool's isolation is stricter (set for that transaction alone). On SQLite,
     * the caller's data source should enforce foreign keys and use WAL; writes then share the caller's pool
     * (the library's own single write lane exists only with {@link #open(LibrarySettings)}). The async facade
     * runs as many calls at once as a {@code HikariDataSource} has connections, and at most
     * 10 on any other pool, whose size the library cannot read.
     *
     * @throws ConfigurationException       as {@link #open(DataSource)}, or (not migrating) if the schema is behind
     *                                      the library's
     * @throws ForeignKeyViolationException as {@link #open(DataSource)}, when migrating
     * @throws DatabaseUnavailableException as {@link #open(DataSource)}
     */
    public static Library open(DataSource dataSource, boolean migrate) {
        return builder(dataSource).migrate(migrate).open();
    }

    /**
     * A builder that opens the library on a caller's {@code DataSource} (never closed by the library) with
     * options that {@link LibrarySettings} carries only for a database it connects to itself: for an application
     * whose framework owns the pool (Spring Boot's {@code DataSource}).
     *
     * <pre>{@code
     * Library library = Library.builder(dataSource)
     *         .statementTimeout(Duration.ofSeconds(5))
     *         .asyncQueueCapacity(500)
     *         .readOnly(true)
     *         .open();
     * }</pre>
     *
     * Without options, {@code open()} is {@link #open(DataSource)}.
     *
     * @param dataSource the caller's data source, not null
     * @return a new builder with the defaults of {@link LibrarySettings}
     */
    public static Builder builder(DataSource dataSource) {
        return new Builder(Objects.requireNonNull(dataSource, "dataSource"));
    }

    /** {@return which database product this library talks to} */
    public Backend backend() {
        return database.backend();
    }

    /** {@return the settings it was opened with; empty when it was opened on a caller's {@code DataSource}} */
    public Optional<LibrarySettings> settings() {
        return Optional.ofNullable(settings);
    }

    /**
     * {@return the repository of authors} Always the same repository; its calls from a thread running a transaction
     * callback of this library join that transaction.
     */
    public AuthorRepository authors() {
        return authors;
    }

    /**
     * {@return the repository of books, their links to authors and the book read models} Always the same
     * repository; its calls from a thread running a transaction callback of this library join that transaction.
     */
    public BookRepository books() {
        return books;
    }

    /**
     * {@return the repository of users} Always the same repository; its calls from a thread running a transaction
     * callback of this library join that transaction.
     */
    public UserRepository users() {
        return users;
    }

    /**
     * {@return the repository of comments} Always the same repository; its calls from a thread running a
     * transaction callback of this library join that transaction.
     */
    public CommentRepository comments() {
        return comments;
    }

    /** {@return the number of rows of each table, in one statement (one snapshot)} */
    public CatalogCounts counts() {
        return counts(sessions, null);
    }

    /**
     * Runs {@code work} in one transaction and returns its result; see the class documentation for commit,
     * rollback, joining and nesting (a SAVEPOINT).
     *
     * @param work the work, given the transaction's handle
     * @param <T>  the type of its result
     * @return what {@code work} returned
     */
    public <T> T inTransaction(Function<Transaction, T> work) {
        Objects.requireNonNull(work, "work");
        return sessions.transaction(null, uow -> work.apply(new Transaction(sessions, uow)));
    }

    /**
     * {@link #inTransaction} for work without a result.
     *
     * @param work the work, given the transaction's handle
     */
    public void useTransaction(Consumer<Transaction> work) {
        Objects.requireNonNull(work, "work");
        inTransaction(tx -> {
            work.accept(tx);
            return null;
        });
    }

    /**
     * The asynchronous view of this library: the same operations returning {@code CompletableFuture}, run on
     * the library's own bounded executor (see {@link AsyncLibrary}). Always the same view; its threads start
     * on first use and stop at {@link #close()}.
     *
     * @return the asynchronous view, the same on every call
     */
    public AsyncLibrary async() {
        return asyncViews.standard();
    }

    /**
     * An asynchronous view whose calls run on {@code executor} (which the library never shuts down), still
     * bounded by the connection pool and the queue capacity; a new view, with its own bound and queue, on
     * each call, so make it once and keep it. The executor must run each task on a thread other than the
     * submitting one (a direct executor would run JDBC on the caller's thread), and should run every task it
     * accepts: shut it down only after {@link #close()}, as a call it drops (a {@code shutdownNow()}, a
     * discarding policy) fails only when the library closes, with {@link LibraryClosedException} once the
     * close timeout has passed. A call the executor throws on instead of taking ({@code RejectedExecutionException}
     * or anything else) fails at once with {@link LibraryOverloadedException} and never runs. A call the library
     * hands on from its own timeout thread is never run there, even by a saturated executor under
     * {@code ThreadPoolExecutor.CallerRunsPolicy}: it waits for one of the executor's threads instead.
     *
     * @param executor runs the view's calls
     * @return a new asynchronous view on {@code executor}
     */
    public AsyncLibrary async(Executor executor) {
        return asyncViews.on(executor);
    }

    /**
     * Stops accepting calls and closes the pools the library owns. Idempotent. From the start, every view and
     * the synchronous API refuse new calls with {@link LibraryClosedException} (the work of asynchronous calls
     * already accepted still runs). Calls already accepted get up to the settings' {@code closeTimeout}, one
     * deadline for all of them, to finish first: asynchronous ones (see {@link AsyncLibrary}), then synchronous
     * calls and transactions running on other threads (a transaction of the closing thread itself is not
     * waited for). A call still running after that fails with {@link LibraryClosedException}, nothing of it
     * committed. A close() while another thread closes returns once that close has finished (at once when made
     * inside a call, a dependent stage or a transaction of this library, which that close may be waiting for).
     * An interrupt of the closing thread does not cut this short; the thread keeps it.
     *
     * <p>Close before the JVM exits: the library adds no shutdown hook, and none of its threads keeps the JVM
     * alive (they are daemons), so a program that returns from {@code main} without closing exits at once. An
     * asynchronous call whose future a (non-daemon) thread of the program still waits on keeps running until it
     * completes; one that nothing waits on, accepted but not finished, may be cut off by the exit: it is then
     * committed whole or not at all (the database rolls back a transaction its process left unfinished), and
     * nobody learns which. {@code close()} is what lets every accepted call finish.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            if (!asyncViews.busyHere() && !sessions.inTransactionHere()) {
                awaitClosed();
            }
            return;
        }
        try {
            long deadline = System.nanoTime() + asyncViews.closeTimeout().toNanos();
            // refuse everywhere before waiting anywhere: no new call may commit while accepted ones drain
            asyncViews.refuse();
            sessions.refuseNewUnits(asyncViews::runsCallHere);
            // these waits carry on through an interrupt and leave it set
            asyncViews.close(deadline);
            sessions.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            closePools();
        } finally {
            closeDone.countDown();
        }
    }

    /**
     * Closes the pools on a thread of their own and waits for it, an interrupt notwithstanding (it is kept):
     * HikariCP leaves its pools' threads running when the closing thread is interrupted during the close, and
     * an interrupt of the caller's thread may come at any moment, so clearing it beforehand is not enough.
     */
    private void closePools() {
        RuntimeException[] failure = new RuntimeException[1];
        Thread closer = new Thread(() -> {
            try {
                database.close();
            } catch (RuntimeException e) {
                failure[0] = e;
            }
        }, "elibrary-close");
        closer.setDaemon(true);
        closer.start();
        awaitKeepingInterrupt(closer::join);
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    /** Waits for the first close to finish, an interrupt notwithstanding (it is kept). */
    private void awaitClosed() {
        awaitKeepingInterrupt(closeDone::await);
    }

    /** A wait that an interrupt would end. */
    @FunctionalInterface
    private interface Wait {
        void await() throws InterruptedException;
    }

    /** Waits to the end through any interrupt, and leaves the thread interrupted if one came. */
    private static void awaitKeepingInterrupt(Wait wait) {
        boolean interrupted = false;
        while (true) {
            try {
                wait.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The single execution path of every call, for the async facade (same package). */
    Sessions sessions() {
        return sessions;
    }

    Database database() {
        return database;
    }

    static CatalogCounts counts(Sessions sessions, UnitOfWork bound) {
        return sessions.read(bound, uow -> uow.mapper(CatalogMapper.class).selectCounts());
    }

    /**
     * Opens a {@link Library} on a caller's {@code DataSource}; made by {@link Library#builder(DataSource)}. Each
     * option has the default and the range of the {@link LibrarySettings} key named on it; a value out of that
     * range is refused by the method that sets it, with {@link ConfigurationException} naming the method, the key
     * and the rule. Not thread-safe; {@link #open()} may be called more than once, each time opening a library.
     */
    public static final class Builder {
        private final DataSource dataSource;
        /** Null while not set: then true, unless read-only. */
        private Boolean migrate;
        private Duration statementTimeout = LibrarySettings.DEFAULT_STATEMENT_TIMEOUT;
        private int asyncQueueCapacity = LibrarySettings.DEFAULT_ASYNC_QUEUE_CAPACITY;
        private Duration asyncCloseTimeout = LibrarySettings.DEFAULT_ASYNC_CLOSE_TIMEOUT;
        private boolean readOnly = LibrarySettings.DEFAULT_READ_ONLY;

        private Builder(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        /**
         * Whether {@link #open()} first brings the schema up to date (default true, as
         * {@link LibrarySettings#DATABASE_MIGRATE_ON_OPEN}). With false the schema is used as it is, after the
         * check {@link Library#open(DataSource, boolean)} describes: a schema behind the library's is refused.
         *
         * @param migrate whether to migrate on open
         * @return this builder
         */
        public Builder migrate(boolean migrate) {
            this.migrate = migrate;
            return this;
        }

        /**
         * The longest a PostgreSQL statement or an asynchronous call (the whole call) may run, as
         * {@value LibrarySettings#DATABASE_STATEMENT_TIMEOUT} (default
         * {@link LibrarySettings#DEFAULT_STATEMENT_TIMEOUT}); {@link Duration#ZERO} for no limit. A synchronous
         * SQLite call has no limit, as with settings. On a caller's PostgreSQL pool the library cannot give the
         * connections the server's {@code statement_timeout}, which an open by settings sets on its own pool (a
         * startup option, or a {@code SET} that would stay on the caller's connections): each of its statements
         * gets the driver's query timeout instead (whole seconds, rounded up; pgjdbc then cancels the statement,
         * and the call fails with {@link DatabaseUnavailableException}). A {@code statement_timeout} that the
         * pool's connections have themselves (a role's or database's default) still applies beside it, with
         * {@link Duration#ZERO} too. As with settings, it also bounds how long a PostgreSQL migration at
         * {@link #open()} waits for the migration lock that another migrator holds (where the connection's own
         * {@code lock_timeout} is 0; {@link DatabaseUnavailableException} then).
         *
         * @param timeout from zero to {@link LibrarySettings#MAX_DURATION}, not null
         * @return this builder
         * @throws ConfigurationException if {@code timeout} is negative or longer than
         *                                {@link LibrarySettings#MAX_DURATION}
         */
        public Builder statementTimeout(Duration timeout) {
            this.statementTimeout = duration("statementTimeout", LibrarySettings.DATABASE_STATEMENT_TIMEOUT,
                    Objects.requireNonNull(timeout, "timeout"));
            return this;
        }

        /**
         * How many asynchronous calls may wait for a connection before new ones are refused with
         * {@link LibraryOverloadedException}, as {@value LibrarySettings#ASYNC_QUEUE_CAPACITY} (default
         * {@link LibrarySettings#DEFAULT_ASYNC_QUEUE_CAPACITY}).
         *
         * @param capacity at least 1
         * @return this builder
         * @throws ConfigurationException if {@code capacity} is below 1
         */
        public Builder asyncQueueCapacity(int capacity) {
            try {
                this.asyncQueueCapacity = SettingValues.integer(Integer.toString(capacity),
                        LibrarySettings.MIN_ASYNC_QUEUE_CAPACITY, Integer.MAX_VALUE);
            } catch (IllegalArgumentException e) {
                throw invalid("asyncQueueCapacity", LibrarySettings.ASYNC_QUEUE_CAPACITY, e);
            }
            return this;
        }

        /**
         * How long {@link Library#close()} waits for the calls already accepted, as
         * {@value LibrarySettings#ASYNC_CLOSE_TIMEOUT} (default {@link LibrarySettings#DEFAULT_ASYNC_CLOSE_TIMEOUT}).
         *
         * @param timeout from zero to {@link LibrarySettings#MAX_DURATION}, not null
         * @return this builder
         * @throws ConfigurationException if {@code timeout} is negative or longer than
         *                                {@link LibrarySettings#MAX_DURATION}
         */
        public Builder asyncCloseTimeout(Duration timeout) {
            this.asyncCloseTimeout = duration("asyncCloseTimeout", LibrarySettings.ASYNC_CLOSE_TIMEOUT,
                    Objects.requireNonNull(timeout, "timeout"));
            return this;
        }

        /**
         * Whether the library only reads, as {@value LibrarySettings#DATABASE_READ_ONLY} (default false): it does
         * not migrate, the schema must be up to date (or ahead: a schema behind the library's is refused at
         * {@link #open()}), and every write call, synchronous or asynchronous, is refused with
         * {@link ConfigurationException} before it reaches the database (once its arguments have passed the
         * checks that need no database); reads, and transactions that only read, work as usual. Unlike an open by
         * settings, the library changes nothing on the caller's connections: for the database's own refusal too,
         * give it read-only connections (opened read-only, or a role that may only read). Together with an
         * explicit {@link #migrate(boolean) migrate(true)}, {@link #open()} refuses to open.
         *
         * @param readOnly whether to open read-only
         * @return this builder
         */
        public Builder readOnly(boolean readOnly) {
            this.readOnly = readOnly;
            return this;
        }

        /**
         * Opens the library on the data source with these options: as {@link Library#open(DataSource, boolean)}
         * describes (the backend detected, the schema migrated or checked), then with this builder's statement
         * timeout, async queue capacity, close timeout and read-only mode. {@link Library#settings()} is empty.
         *
         * @return the open library
         * @throws ConfigurationException       as {@link Library#open(DataSource)}; if {@link #readOnly(boolean)
         *                                      readOnly(true)} was set with {@link #migrate(boolean) migrate(true)};
         *                                      or, not migrating, if the schema is behind the library's
         * @throws ForeignKeyViolationException as {@link Library#open(DataSource)}, when migrating
         * @throws DatabaseUnavailableException as {@link Library#open(DataSource)}
         */
        public Library open() {
            if (readOnly && Boolean.TRUE.equals(migrate)) {
                throw new ConfigurationException("readOnly(true) and migrate(true) contradict each other: a library "
                        + "open read-only never migrates; drop migrate(true), or migrate first with write access "
                        + "(Migrations.from(dataSource).migrate(), or a Library that may write)");
            }
            Backend backend = Databases.detectBackend(dataSource);
            int concurrency = dataSource instanceof HikariDataSource hikari
                    ? hikari.getMaximumPoolSize() : DEFAULT_BORROWED_CONCURRENCY;
            Database database = Databases.borrow(dataSource, backend, !Boolean.FALSE.equals(migrate), readOnly,
                    statementTimeout, concurrency);
            return new Library(database, null, statementTimeout, asyncQueueCapacity, asyncCloseTimeout,
                    "readOnly(true)");
        }

        /** The options, never the data source's own text (a URL it prints may hold a password). */
        @Override
        public String toString() {
            return "Library.Builder[dataSource=" + dataSource.getClass().getName()
                    + ", migrate=" + (migrate != null ? migrate : !readOnly)
                    + ", statementTimeout=" + SettingValues.format(statementTimeout)
                    + ", asyncQueueCapacity=" + asyncQueueCapacity
                    + ", asyncCloseTimeout=" + SettingValues.format(asyncCloseTimeout)
                    + ", readOnly=" + readOnly + "]";
        }

        /** A duration checked as the settings check {@code key}'s. */
        private static Duration duration(String method, String key, Duration value) {
            try {
                return SettingValues.boundedDuration(SettingValues.format(value));
            } catch (IllegalArgumentException e) {
                throw invalid(method, key, e);
            }
        }

        private static ConfigurationException invalid(String method, String key, IllegalArgumentException e) {
            return new ConfigurationException(method + " (as " + key + ") " + e.getMessage());
        }
    }
}
