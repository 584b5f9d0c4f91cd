package org.elibrary.internal.db;

import java.util.Objects;
import javax.sql.DataSource;
import org.elibrary.Backend;

/**
 * The connections behind one {@code Library}: which backend it is, where reads and writes get their
 * connections, and who closes them.
 *
 * <p>On SQLite the library serialises writes itself: {@link #writer()} hands out one connection at a time
 * (its transactions begin IMMEDIATE), while {@link #reader()} serves concurrent readers under WAL. On
 * PostgreSQL both are the same pool.
 *
 * <p>A read-only database ({@code DATABASE_READ_ONLY}) has no writer of its own: {@link #writer()} is its
 * reader pool, and {@link #readOnly()} tells the library to refuse every write call before it takes a connection.
 *
 * <p>Its connections are ready to use when it is made ({@link Databases} opens the pools with their settings,
 * after migrating when asked), and {@link #close()} closes only what the library opened, never a caller's
 * data source.
 */
public final class Database implements AutoCloseable {
    private final Backend backend;
    private final DataSource writer;
    private final DataSource reader;
    private final int readConcurrency;
    private final AutoCloseable resources;
    private final boolean serverTimesStatements;
    private final boolean readOnly;
    private final boolean setsReadCommitted;

    public Database(Backend backend, DataSource writer, DataSource reader, int readConcurrency,
                    AutoCloseable resources) {
        this(backend, writer, reader, readConcurrency, resources, false);
    }

    /**
     * @param serverTimesStatements whether the server itself stops statements that run past the statement
     *                              timeout on these connections (PostgreSQL's {@code statement_timeout}), so
     *                              that statements need no client-side timer
     */
    public Database(Backend backend, DataSource writer, DataSource reader, int readConcurrency,
                    AutoCloseable resources, boolean serverTimesStatements) {
        this(backend, writer, reader, readConcurrency, resources, serverTimesStatements, false);
    }

    /**
     * @param readOnly whether the library may only read this database ({@code DATABASE_READ_ONLY}): its
     *                 connections are read-only, and write calls are refused before they take one
     */
    public Database(Backend backend, DataSource writer, DataSource reader, int readConcurrency,
                    AutoCloseable resources, boolean serverTimesStatements, boolean readOnly) {
        this(backend, writer, reader, readConcurrency, resources, serverTimesStatements, readOnly, false);
    }

    private Database(Backend backend, DataSource writer, DataSource reader, int readConcurrency,
                     AutoCloseable resources, boolean serverTimesStatements, boolean readOnly,
                     boolean setsReadCommitted) {
        this.readOnly = readOnly;
        this.setsReadCommitted = setsReadCommitted;
        this.backend = Objects.requireNonNull(backend, "backend");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.reader = Objects.requireNonNull(reader, "reader");
        this.readConcurrency = readConcurrency;
        this.resources = resources;
        this.serverTimesStatements = serverTimesStatements;
    }

    /**
     * Wraps a caller's data source; {@link #close()} leaves it open. Its statements are timed by the client
     * (the library cannot set the server's timeout on connections it does not own). {@code setsReadCommitted}:
     * its PostgreSQL connections default to a stricter isolation than READ COMMITTED ({@link #setsReadCommitted()}).
     */
    public static Database borrow(DataSource dataSource, Backend backend, int concurrency, boolean readOnly,
                                  boolean setsReadCommitted) {
        return new Database(backend, dataSource, dataSource, concurrency, null, false, readOnly, setsReadCommitted);
    }

    /**
     * The same database, every property kept, with its connections taken from {@code writer} and {@code reader}
     * (wrappers of this one's); closing the result closes this one.
     */
    public Database over(DataSource writer, DataSource reader) {
        return new Database(backend, writer, reader, readConcurrency, this, serverTimesStatements, readOnly,
                setsReadCommitted);
    }

    public Backend backend() {
        return backend;
    }

    /**
     * Whether the connections are a caller's ({@link #borrow}; also seen through a wrapper made of it), whose settings
     * the library must leave as they are.
     */
    public boolean borrowed() {
        return resources == null || resources instanceof Database wrapped && wrapped.borrowed();
    }

    /** Connections for transactions that may write. */
    public DataSource writer() {
        return writer;
    }

    /** Connections for read-only work. */
    public DataSource reader() {
        return reader;
    }

    /** How many connections can serve work at once; the async executor is sized to it. */
    public int readConcurrency() {
        return readConcurrency;
    }

    /** Whether the server enforces the statement timeout on these connections (see the constructor). */
    public boolean serverTimesStatements() {
        return serverTimesStatements;
    }

    /**
     * Whether each transaction the library begins must first set READ COMMITTED for itself: a caller's PostgreSQL
     * pool whose connections default to REPEATABLE READ or SERIALIZABLE (the library's own pools are READ
     * COMMITTED already). The connection's own default is left as it is.
     */
    public boolean setsReadCommitted() {
        return setsReadCommitted;
    }

    /** Whether the library may only read: every write call is refused before it reaches the database. */
    public boolean readOnly() {
        return readOnly;
    }

    /**
     * Whether writes must be serialised by the library (SQLite allows one writer at a time); not on a read-only
     * database, which has no writes to serialise (its write calls are refused, as reads are run).
     */
    public boolean serialisesWrites() {
        return backend == Backend.SQLITE && !readOnly;
    }

    /**
     * Whether writes go through the library's own one-connection write lane: a SQLite database with a
     * writer apart from its readers ({@code Databases} makes that writer a pool of one). A caller's pool
     * serves both, and holds as many connections as the caller gave it.
     */
    public boolean writesThroughOneConnection() {
        return backend == Backend.SQLITE && writer != reader;
    }

    @Override
    public void close() {
        if (resources == null) {
            return;
        }
        try {
            resources.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the connection pool failed", e);
        }
    }
}
