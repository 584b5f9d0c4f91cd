package org.elibrary.internal.session;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Modifier;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Savepoint;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import javax.sql.DataSource;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.ProxyConnection;
import org.elibrary.Backend;
import org.elibrary.ConfigurationException;
import org.elibrary.DatabaseUnavailableException;
import org.elibrary.LibraryClosedException;
import org.elibrary.LibraryException;
import org.elibrary.internal.async.CancellationHandle;
import org.elibrary.internal.db.Database;
import org.elibrary.internal.db.SqliteBusyWait;
import org.postgresql.jdbc.PgConnection;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteConnectionConfig;

/**
 * The single path every catalog call takes to the database.
 *
 * <ul>
 *   <li>{@link #read} runs on a connection of {@link Database#reader()} in autocommit mode. Every catalog
 *       read is one SQL statement, so it sees one consistent snapshot without a transaction.</li>
 *   <li>{@link #write} runs in a transaction on a connection of {@link Database#writer()} (on SQLite the
 *       one-connection write lane whose transactions begin IMMEDIATE) and commits on return, rolls back on
 *       any failure: each write call is atomic.</li>
 *   <li>{@link #transaction} runs a caller's callback in one writer transaction. While it runs, every
 *       {@code read}/{@code write} on the same thread joins it (a thread-bound unit of work), and a nested
 *       {@code transaction} runs in a SAVEPOINT.</li>
 * </ul>
 *
 * <p>On a read-only database ({@code DATABASE_READ_ONLY}) {@link #write} is refused here, the one place every
 * write passes, before it takes a connection or joins a transaction; {@link #transaction} runs on a reader
 * connection (the database's {@link Database#writer()} is its reader pool), so a transaction that only reads works.
 *
 * <p>The async facade runs these methods on its own threads; it cancels a timed-out call through the
 * connections it hands out ({@code CancellableDataSource}). On PostgreSQL every statement is also bounded by
 * the configured statement timeout: by the server on the library's own pool ({@code statement_timeout}),
 * else by a query timeout on each statement.
 */
public final class Sessions {
    /** Work against one unit of work; may throw JDBC exceptions, which are translated. */
    @FunctionalInterface
    public interface Work<T> {
        T run(UnitOfWork uow) throws SQLException;
    }

    private static final String API_PACKAGE = "org.elibrary";

    private final Database database;
    private final Backend backend;
    private static final String BEGIN_IMMEDIATE = "BEGIN IMMEDIATE";
    private static final String COMMIT = "COMMIT";

    private final ThreadLocal<UnitOfWork> current = new ThreadLocal<>();
    /**
     * On the library's own SQLite pool, whose one writer connection serves one transaction at a time: the caller's
     * transaction holding it, or null; written with release stores by that transaction's thread, read by the async
     * engine's sweeper (see {@link #writerTransaction}).
     */
    @SuppressWarnings("unused") // through WRITER_TRANSACTION
    private UnitOfWork writerTransaction;
    private static final VarHandle WRITER_TRANSACTION;

    static {
        try {
            WRITER_TRANSACTION = MethodHandles.lookup()
                    .findVarHandle(Sessions.class, "writerTransaction", UnitOfWork.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    private volatile boolean closed;
    /** Once closed: whether the calling thread runs a call accepted before, whose units may still begin. */
    private volatile BooleanSupplier accepted = () -> false;
    /** Units of work begun and not ended, which {@link #close} waits for. */
    private final LongAdder running = new LongAdder();
    /** Set when {@link #close} stopped waiting: units of work still running may neither go on nor commit. */
    private volatile boolean cutShort;
    // On the library's own pools the prepared statements of a physical connection live as long as it does:
    // sqlite-jdbc has no statement cache, and compiling costs about as much as running a small query; pgjdbc
    // re-sends a statement new to it per call (measured: a quarter of the JVM's CPU per call under 64
    // callers). The mapped statements render a bounded set of SQL texts, so a connection holds a bounded
    // set of prepared statements.
    private final boolean cacheStatements;
    private final ConcurrentHashMap<Connection, Statements> cachedStatements = new ConcurrentHashMap<>();
    private final DirectMappers mappers;
    private final int cacheBound;
    /** The database password, kept out of the messages of failures to connect; may be null. */
    private final String secret;

    /** How the refusal of a write on a read-only database names what made it read-only. */
    private final String readOnlySwitch;

    /**
     * @param cacheStatements keep prepared statements per physical connection (use it only on pools the
     *                        library owns, whose connections nobody else uses)
     * @param secret          the database password, if the library knows it, to scrub from messages
     * @param readOnlySwitch  what made a read-only database read-only, as the refusal of a write names it
     *                        ({@code DATABASE_READ_ONLY=true}, {@code readOnly(true)})
     */
    public Sessions(Database database, Duration statementTimeout, boolean cacheStatements, String secret,
                    String readOnlySwitch) {
        this.database = database;
        this.readOnlySwitch = readOnlySwitch;
        this.secret = secret;
        this.backend = database.backend();
        this.mappers = new DirectMappers(CatalogConfiguration.create(backend, statementTimeout));
        // every statement planned at open (8-20 ms measured): first calls do not pay for it, and a mapper method
        // without a statement for this database fails the open rather than a call
        mappers.planAll();
        this.cacheStatements = cacheStatements;
        this.cacheBound = Math.max(1, database.readConcurrency()) + 5;
    }

    /** Runs a read: joins the bound or thread's transaction if any, else autocommit on a reader connection. */
    public <T> T read(UnitOfWork bound, Work<T> work) {
        return run(bound, false, work);
    }

    /** Runs an atomic write: joins the bound or thread's transaction if any, else its own transaction. */
    public <T> T write(UnitOfWork bound, Work<T> work) {
        return run(bound, true, work);
    }

    /**
     * A write that can fail on a foreign key only by racing another transaction, with {@code careful}, a
     * variant that cannot: {@code fast} runs, and if the database refuses it on a foreign key (it is then
     * rolled back, nothing written) {@code careful} runs in a new transaction. Inside a transaction (bound, or
     * open on this thread) {@code careful} runs at once, as a failed statement cannot be retried there.
     */
    public <T> T writeOptimistically(UnitOfWork bound, Work<T> fast, Work<T> careful) {
        if (bound != null || current.get() != null) {
            return write(bound, careful);
        }
        try {
            return write(null, fast);
        } catch (LibraryException e) {
            if (!SqlErrors.violatesForeignKey(e)) {
                throw e;
            }
            return write(null, careful);
        }
    }

    /**
     * Runs a caller's callback in a transaction: a new one on a writer connection, or a SAVEPOINT inside the
     * transaction already open on this thread. Commits (or releases the savepoint) when the callback returns,
     * rolls back (to the savepoint) when it throws, and rethrows. If a catalog call inside failed with a
     * database error that the callback caught, the transaction is rolled back anyway and that error rethrown:
     * after such an error PostgreSQL refuses further statements, so both backends behave the same.
     */
    public <T> T transaction(UnitOfWork bound, Function<UnitOfWork, T> callback) {
        UnitOfWork outer = bound != null ? usable(bound) : current.get();
        if (outer != null) {
            return nested(outer, callback); // part of a transaction already accepted, even while closing
        }
        return fresh(database.writer(), true, true, callback::apply);
    }

    /**
     * Refuses new units of work from now on, except on threads for which {@code accepted} says they run a call
     * accepted before (an asynchronous call's work); units already running, and calls joining them, go on.
     */
    public void refuseNewUnits(BooleanSupplier accepted) {
        this.accepted = accepted;
        closed = true;
    }

    /**
     * Whether a transaction of this library is open on the calling thread (it holds a writer connection: on
     * SQLite with the library's own pool, the one that every write needs).
     */
    public boolean inTransactionHere() {
        return current.get() != null;
    }

    /**
     * Makes the transaction open on the calling thread, if any, roll back with {@code cause} (rethrown by its
     * commit) whatever its callback does: for a failure that leaves the unit half done, as a database error does.
     */
    public void rollbackOnlyHere(LibraryException cause) {
        UnitOfWork uow = current.get();
        if (uow != null) {
            uow.rollbackOnly(cause);
        }
    }

    /**
     * The caller's transaction ({@code inTransaction}) that holds the library's one SQLite writer connection now,
     * or null; for another thread, which may see it a moment late. Always null on PostgreSQL and on a caller's pool,
     * where no single connection serves every write.
     */
    public Object writerTransaction() {
        return WRITER_TRANSACTION.getAcquire(this);
    }

    /** The thread running {@code transaction}, one of {@link #writerTransaction()}. */
    public static Thread thread(Object transaction) {
        return ((UnitOfWork) transaction).owner();
    }

    /**
     * Makes {@code transaction}, one of {@link #writerTransaction()}, roll back with {@code cause} whatever its
     * callback does: from a thread other than its own, which may be parked meanwhile. Nothing once it has ended.
     */
    public void rollbackOnly(Object transaction, LibraryException cause) {
        ((UnitOfWork) transaction).rollbackOnlyFromElsewhere(cause);
    }

    /**
     * Refuses further calls, then waits up to {@code grace} for the units of work already running (a caller's
     * transaction included) to end; the caller closes the database afterwards, which fails what still runs.
     * A transaction open on the closing thread itself is not waited for.
     */
    public void close(Duration grace) {
        closed = true;
        long deadline = System.nanoTime() + grace.toNanos();
        long own = current.get() != null ? 1 : 0;
        boolean interrupted = false;
        while (running.sum() > own && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                // the calls get their whole grace whatever interrupts the closing thread; it keeps the interrupt
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        // what still runs must not commit once the pools close under it, whatever the driver does then
        // (HikariCP aborts a borrowed PostgreSQL connection; a SQLite connection would go on)
        cutShort = true;
        // Closing the pool then closes the connections and with them their cached statements; closing the
        // statements here could pull them from under a call still finishing on another thread.
        cachedStatements.clear();
    }

    private <T> T run(UnitOfWork bound, boolean write, Work<T> work) {
        if (write && database.readOnly()) {
            ensureOpen(); // a closed library says so first, as it does to every other call
            throw readOnlyRefusal();
        }
        UnitOfWork joined = bound != null ? usable(bound) : current.get();
        if (joined != null) {
            return joined(joined, work); // part of a transaction already accepted, even while closing
        }
        return fresh(write ? database.writer() : database.reader(), write, false, work);
    }

    private <T> T joined(UnitOfWork uow, Work<T> work) {
        refuseIfCutShort(uow);
        rethrowIfDoomed(uow);
        uow.clearHints();
        try {
            // an asynchronous call cancelled (timed out) before this part of it: not one statement more; its
            // connection would refuse new statements, but not the ones kept prepared on it
            CancellationHandle.refuseIfCancelled();
            return work.run(uow);
        } catch (Throwable t) {
            RuntimeException translated = SqlErrors.translate(t, backend, database.borrowed(), uow);
            if (!(t instanceof LibraryException) && translated instanceof LibraryException e) {
                // A database error inside a caller's transaction: its statements may be half done (and
                // PostgreSQL has aborted the transaction), so the whole transaction must roll back.
                uow.rollbackOnly(e);
            }
            throw CancellationHandle.failedOnItsOwn(translated);
        }
    }

    /**
     * Runs {@code work} on a new connection: in autocommit for a read, else in a transaction.
     *
     * <p>A write of a repository method on the library's own SQLite pool runs its transaction as SQL
     * ({@code BEGIN IMMEDIATE}, {@code COMMIT}, {@code ROLLBACK}, prepared once per connection), the
     * connection staying in JDBC autocommit: sqlite-jdbc's {@code setAutoCommit(false)} / {@code commit()} /
     * {@code setAutoCommit(true)} runs BEGIN, COMMIT, BEGIN and COMMIT, each compiled anew, which measured
     * as a quarter of a one-row write. A caller's transaction keeps JDBC transaction control, since its
     * savepoints go through the driver.
     */
    private <T> T fresh(DataSource source, boolean transactional, boolean callersTransaction, Work<T> work) {
        // the steps are methods of their own, small enough for the JIT compiler to inline the common path
        running.increment();
        Lease lease = new Lease(transactional);
        try {
            // checked once counted, not before: close() marks the library closed, then waits while units are
            // counted, so either it waits for this unit or this unit sees it closed (checked before counting, a
            // unit could pass the check, and close() find nothing to wait for and close the pools under it)
            ensureOpen();
            open(lease, source, callersTransaction);
            T result = work.run(lease.uow);
            if (transactional) {
                commit(lease);
                if (lease.physical != null && backend == Backend.SQLITE && !database.readOnly()) {
                    // the library's own writer, outside the transaction now (see WalLimit)
                    lease.statements.walLimit().afterCommit();
                }
            }
            return result;
        } catch (Throwable t) {
            throw CancellationHandle.failedOnItsOwn(failed(lease, t));
        } finally {
            end(lease);
            running.decrement();
        }
    }

    /** One unit of work's connection and its state, from {@link #open} to {@link #end}. */
    private static final class Lease {
        final boolean transactional;
        Connection connection;
        /** The pool's physical connection when statements are cached on it; else null. */
        Connection physical;
        Statements statements;
        UnitOfWork uow;
        /** Whether the transaction runs as SQL (BEGIN IMMEDIATE ... COMMIT) rather than through JDBC. */
        boolean sqlTransaction;
        /** Whether a SQL transaction is open. */
        boolean begun;
        /** Whether the JDBC transaction failed to begin (nothing to roll back). */
        boolean beginFailed;
        boolean rolledBack = true;
        /** The connection's auto-commit mode before a JDBC transaction began on it, to leave it as it came. */
        boolean autoCommitBefore = true;
        /** Whether the commit has been sent: after that, a broken connection leaves its outcome unknown. */
        boolean commitSent;
        /** Whether this unit is published as the writer's transaction (see writerTransaction). */
        boolean published;

        Lease(boolean transactional) {
            this.transactional = transactional;
        }
    }

    private void open(Lease lease, DataSource source, boolean callersTransaction) throws SQLException {
        Connection connection;
        try {
            connection = source.getConnection();
        } catch (SQLTransientConnectionException e) {
            throw SqlErrors.noConnection(e, source == database.writer() && database.writesThroughOneConnection(),
                    secret);
        }
        lease.connection = connection;
        if (cacheStatements && (connection instanceof ProxyConnection
                || connection.isWrapperFor(ProxyConnection.class))) {
            // Statements run on the physical connection (the pool would close statements made through
            // its proxy when the connection is returned); JDBC transaction control stays on the proxy
            // (or on the async facade's wrapper, which refuses a commit once the call is cancelled).
            // Unwrapping through that wrapper makes a cancel interrupt the whole physical connection,
            // since the wrapper does not see the cached statements.
            Connection physical = backend == Backend.SQLITE ? connection.unwrap(SQLiteConnection.class)
                    : connection.unwrap(PgConnection.class);
            lease.physical = physical;
            Statements statements = cachedStatements.get(physical);
            if (statements == null) {
                statements = new Statements(physical, mappers);
                cachedStatements.put(physical, statements);
                purgeClosed();
            }
            lease.statements = statements;
            lease.sqlTransaction = lease.transactional && !callersTransaction && backend == Backend.SQLITE;
        } else {
            lease.statements = new Statements(connection, mappers);
        }
        if (lease.sqlTransaction) {
            Statements statements = lease.statements;
            SqliteBusyWait.begin((SQLiteConnection) lease.physical,
                    attempt -> statements.prepare(BEGIN_IMMEDIATE, null).execute());
            lease.begun = true;
        } else if (lease.transactional) {
            try {
                lease.autoCommitBefore = connection.getAutoCommit();
                if (backend == Backend.SQLITE && !database.readOnly()) {
                    beginImmediate(connection, lease.autoCommitBefore);
                } else {
                    connection.setAutoCommit(false);
                }
            } catch (SQLException | RuntimeException e) {
                // sqlite-jdbc records auto-commit off before its BEGIN runs: after a BEGIN that failed (busy,
                // interrupted) the driver believes in a transaction the database never began, and would run
                // the next caller's transaction statement by statement.
                lease.beginFailed = true;
                if (!evict(connection) && backend == Backend.SQLITE) {
                    // a caller's own pool: set the driver right rather than close a connection it owns
                    try {
                        connection.unwrap(SQLiteConnection.class).getConnectionConfig().setAutoCommit(true);
                    } catch (SQLException | RuntimeException notSqliteJdbc) {
                        e.addSuppressed(notSqliteJdbc);
                    }
                }
                throw e;
            }
        }
        if (lease.transactional && database.setsReadCommitted()) {
            // a caller's pool stricter by default (Database#setsReadCommitted): for this transaction only
            try (java.sql.Statement statement = connection.createStatement()) {
                statement.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
            }
        }
        lease.uow = new UnitOfWork(backend, connection, lease.statements);
        if (lease.transactional) {
            current.set(lease.uow);
            if (callersTransaction && source == database.writer() && database.writesThroughOneConnection()) {
                // a release store, no fence: the one writer connection passes from holder to holder through the pool
                WRITER_TRANSACTION.setRelease(this, lease.uow);
                lease.published = true;
            }
        }
    }

    /**
     * Begins a JDBC transaction on a SQLite connection as {@code BEGIN IMMEDIATE}, whatever the connection's own
     * transaction mode, which is left as it was. A caller's pool begins DEFERRED (sqlite-jdbc's default): a unit
     * that reads before it writes then fails at its first write with SQLITE_BUSY, without waiting for the busy
     * timeout, whenever another writer went first (measured: 3,170 of 3,200 such units from 32 threads on a
     * Spring Boot pool of 10). IMMEDIATE takes the write lock first, waiting for it up to the busy timeout, as
     * the library's own writer does. The library's own connections are IMMEDIATE already.
     */
    private static void beginImmediate(Connection connection, boolean autoCommit) throws SQLException {
        SQLiteConnection sqlite = connection.isWrapperFor(SQLiteConnection.class)
                ? connection.unwrap(SQLiteConnection.class) : null;
        SQLiteConnectionConfig config = sqlite == null ? null : sqlite.getConnectionConfig();
        SQLiteConfig.TransactionMode mode = config == null ? null : config.getTransactionMode();
        if (mode == null || mode == SQLiteConfig.TransactionMode.IMMEDIATE
                || mode == SQLiteConfig.TransactionMode.EXCLUSIVE) {
            SqliteBusyWait.begin(sqlite, attempt -> beginAgain(connection, config, attempt));
            return;
        }
        // the mode only decides how setAutoCommit(false) begins; the driver's later BEGINs (after a commit with
        // auto-commit still off) stay the caller's, and the library switches auto-commit back on after its unit
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        try {
            SqliteBusyWait.begin(sqlite, attempt -> {
                if (autoCommit || attempt > 0) {
                    beginAgain(connection, config, attempt);
                } else {
                    // a pool with auto-commit off (spring.datasource.hikari.auto-commit=false) hands out connections
                    // in the DEFERRED transaction the driver began on them, empty: setAutoCommit(false) would keep
                    // it, and the unit fail busy at once as above (measured: 207 of 240 units). Rolling it back
                    // begins the next one with the mode set here; a rollback, not a commit, should the pool hand out
                    // anything in it.
                    connection.rollback();
                }
            });
        } finally {
            config.setTransactionMode(mode);
        }
    }

    /**
     * {@code setAutoCommit(false)}, which begins; a later attempt first tells sqlite-jdbc that auto-commit is on, as
     * it is: the driver records auto-commit off before its BEGIN runs, and after a BEGIN that failed busy it would
     * take the next {@code setAutoCommit(false)} for a no-op.
     */
    private static void beginAgain(Connection connection, SQLiteConnectionConfig config, int attempt)
            throws SQLException {
        if (attempt > 0) {
            config.setAutoCommit(true);
        }
        connection.setAutoCommit(false);
    }

    private void commit(Lease lease) throws SQLException {
        LibraryException rollback = lease.uow.rollbackCause();
        if (rollback != null) {
            throw rollback;
        }
        refuseIfCutShort(lease.uow);
        if (lease.sqlTransaction) {
            // what the async facade's connection wrapper does for commit(): never once cancelled
            CancellationHandle.refuseIfCancelled();
            lease.commitSent = true;
            lease.statements.prepare(COMMIT, null).execute();
            lease.begun = false;
        } else {
            lease.commitSent = true;
            lease.connection.commit();
        }
    }

    /** Rolls back what the failed unit began; the exception to throw. */
    private RuntimeException failed(Lease lease, Throwable t) {
        if (lease.physical != null && lease.statements != null) {
            // A failed (or interrupted) statement may be left mid-step, and SQLite refuses ROLLBACK while
            // one is active: drop this connection's cached statements before rolling back.
            cachedStatements.remove(lease.physical);
            lease.statements.close();
            lease.statements = null;
        }
        boolean rolledBack = false;
        if (lease.begun) {
            rolledBack = rollbackSql(lease.physical);
            if (!rolledBack) {
                // the transaction may still be open: this connection must not serve anyone else
                evict(lease.connection);
            }
        } else if (lease.transactional && !lease.sqlTransaction && lease.connection != null && !lease.beginFailed) {
            rolledBack = rollbackQuietly(lease.connection);
            if (!rolledBack) {
                // the transaction's state is unknown: on the library's pools this connection serves no one else
                lease.rolledBack = false;
                evict(lease.connection);
            }
        }
        RuntimeException translated = SqlErrors.translate(t, backend, database.borrowed(), lease.uow);
        if (lease.commitSent && translated instanceof LibraryException library && SqlErrors.answeredWithError(t)) {
            // the server refused the COMMIT over a connection that stayed up (a transaction pooler's lost prepared
            // statement, say): known not committed, though the rollback after it may have failed as well
            return SqlErrors.notCommitted(library, t);
        }
        if (lease.commitSent && !rolledBack && translated instanceof DatabaseUnavailableException) {
            // the COMMIT may have reached the server, which may have committed before the connection broke
            CancellationHandle.outcomeUnknown();
            return new DatabaseUnavailableException("the connection failed while the commit was under way: whether "
                    + "the call was committed is unknown; check before retrying it", translated);
        }
        if (cutShort && translated instanceof DatabaseUnavailableException) {
            // the pools were closed under this call (after the close's grace): not an outage to retry
            return new LibraryClosedException("the Library was closed before the call could finish; nothing of it "
                    + "was committed", translated);
        }
        return translated;
    }

    private void end(Lease lease) {
        if (lease.transactional) {
            current.remove();
        }
        if (lease.published) {
            WRITER_TRANSACTION.setRelease(this, null); // before the connection goes back to the pool
        }
        if (lease.uow != null) {
            lease.uow.end();
        }
        // After a failed rollback, switching auto-commit back on would COMMIT the open transaction on
        // SQLite: leave the connection as it is and let the pool discard or reset it. A connection that came
        // with auto-commit off (a caller's pool set so) keeps it off: not every pool resets what a user changed.
        boolean restoreAutoCommit = lease.transactional && !lease.sqlTransaction && lease.rolledBack
                && lease.autoCommitBefore;
        // statements cached on the physical connection stay for its next unit of work
        release(lease.physical == null ? lease.statements : null, lease.connection, restoreAutoCommit);
    }

    /** ROLLBACK on SQLite; true when no transaction is open any more. */
    private static boolean rollbackSql(Connection physical) {
        try (java.sql.Statement statement = physical.createStatement()) {
            statement.execute("ROLLBACK");
            return true;
        } catch (SQLException e) {
            // SQLite ends the transaction by itself after some errors (a full disk, for one)
            return String.valueOf(e.getMessage()).contains("no transaction is active");
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Takes a connection whose state is unknown out of its HikariCP pool, which closes it: the library's, or a
     * caller's HikariCP pool (a connection left in a transaction that could not be rolled back must serve no one);
     * false when it is not a HikariCP connection (another pool, whose connections the library cannot take out).
     */
    private boolean evict(Connection connection) {
        try {
            ProxyConnection pooled = connection instanceof ProxyConnection proxy ? proxy
                    : connection.unwrap(ProxyConnection.class);
            HikariDataSource pool = database.writer().unwrap(HikariDataSource.class);
            pool.evictConnection(pooled);
            return true;
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    private void purgeClosed() {
        if (cachedStatements.size() <= cacheBound) {
            return;
        }
        cachedStatements.entrySet().removeIf(entry -> {
            try {
                if (entry.getKey().isClosed()) {
                    entry.getValue().close();
                    return true;
                }
                return false;
            } catch (SQLException e) {
                return true;
            }
        });
    }

    private <T> T nested(UnitOfWork outer, Function<UnitOfWork, T> callback) {
        rethrowIfDoomed(outer);
        Savepoint savepoint;
        try {
            CancellationHandle.refuseIfCancelled(); // as in joined
            savepoint = outer.savepoint();
        } catch (SQLException e) {
            LibraryException translated = SqlErrors.translate(e, backend, database.borrowed(), outer);
            outer.rollbackOnly(translated);
            throw translated;
        }
        T result;
        try {
            result = callback.apply(outer);
        } catch (Throwable t) {
            rollbackTo(outer, savepoint);
            throw SqlErrors.translate(t, backend, database.borrowed(), null);
        }
        LibraryException failedInside = outer.rollbackCause();
        if (failedInside != null) {
            rollbackTo(outer, savepoint);
            throw failedInside;
        }
        try {
            outer.connection().releaseSavepoint(savepoint);
        } catch (SQLException e) {
            LibraryException translated = SqlErrors.translate(e, backend, database.borrowed(), outer);
            outer.rollbackOnly(translated);
            throw translated;
        }
        return result;
    }

    private void rollbackTo(UnitOfWork outer, Savepoint savepoint) {
        try {
            outer.connection().rollback(savepoint);
            outer.clearRollbackCause();
        } catch (SQLException e) {
            outer.rollbackOnly(SqlErrors.translate(e, backend, database.borrowed(), outer));
        }
    }

    /**
     * A caller's transaction in which a catalog call failed with a database error (the callback caught it) will
     * roll back: every further call in it rethrows that error. PostgreSQL would refuse the statement anyway
     * (SQLState 25P02, which reads as an outage); SQLite would run it for nothing. Both now throw the same.
     */
    private static void rethrowIfDoomed(UnitOfWork uow) {
        LibraryException cause = uow.rollbackCause();
        if (cause != null) {
            throw cause;
        }
    }

    private UnitOfWork usable(UnitOfWork bound) {
        if (!bound.isActive()) {
            throw new IllegalStateException("the transaction has ended; use the handle only inside its callback");
        }
        if (bound.owner() != Thread.currentThread()) {
            throw new IllegalStateException("a transaction handle may only be used on the thread running its callback");
        }
        return bound;
    }

    private void refuseIfCutShort(UnitOfWork uow) {
        if (cutShort) {
            LibraryClosedException closing = new LibraryClosedException("the Library was closed before the call "
                    + "could finish; nothing of it was committed");
            uow.rollbackOnly(closing);
            throw closing;
        }
    }

    /**
     * The refusal of a write on a read-only database, naming the public call that asked for it: the first frame
     * of a public class of the API package ({@code BookRepository.create}). Found on the stack rather than passed
     * by each of the repositories' write calls, as only a refusal needs it.
     */
    private ConfigurationException readOnlyRefusal() {
        String operation = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).walk(frames -> frames
                .filter(frame -> API_PACKAGE.equals(frame.getDeclaringClass().getPackageName())
                        && Modifier.isPublic(frame.getDeclaringClass().getModifiers())
                        && !frame.getMethodName().startsWith("lambda$"))
                .findFirst()
                .map(frame -> frame.getDeclaringClass().getSimpleName() + "." + frame.getMethodName())
                .orElse("a write"));
        return new ConfigurationException("the library is open read-only (" + readOnlySwitch + "): " + operation
                + " is refused; nothing was written");
    }

    private void ensureOpen() {
        if (closed && (cutShort || !accepted.getAsBoolean())) {
            throw new LibraryClosedException("the Library is closed");
        }
    }

    /** Rolls back; false when the rollback itself failed (the connection is probably broken). */
    private static boolean rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
            return true;
        } catch (SQLException | RuntimeException ignored) {
            return false;
        }
    }

    private static void release(Statements statements, Connection connection, boolean restoreAutoCommit) {
        if (statements != null) {
            statements.close();
        }
        if (connection != null) {
            try {
                if (restoreAutoCommit) {
                    connection.setAutoCommit(true);
                }
            } catch (SQLException | RuntimeException ignored) {
                // the pool resets or evicts it
            }
            try {
                connection.close();
            } catch (SQLException | RuntimeException ignored) {
                // nothing more to release
            }
        }
    }
}
