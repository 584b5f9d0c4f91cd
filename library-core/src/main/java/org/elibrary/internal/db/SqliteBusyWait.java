package org.elibrary.internal.db;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import org.elibrary.internal.async.CancellationHandle;
import org.sqlite.BusyHandler;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteDataSource;

/**
 * The busy wait of the Library's own SQLite connections: while another connection (another process) holds
 * the lock, wait and retry as SQLite's busy timeout does, with the same pauses and the same total
 * ({@code SQLITE_BUSY_TIMEOUT}), but give up as soon as the asynchronous call waiting has been cancelled or
 * has timed out. SQLite's own busy timeout never looks at {@code sqlite3_interrupt}, so a call's timeout
 * could not end that wait.
 *
 * <p>A busy handler replaces the busy timeout on its connection ({@code PRAGMA busy_timeout} then reads 0);
 * which connections have this one, and with which total, is recorded for the check at open.
 *
 * <p><b>Virtual threads.</b> A busy handler, SQLite's own or this one, waits inside {@code sqlite3_step}: a
 * virtual thread waiting there holds its carrier thread through the whole wait (a native frame is on its stack,
 * so it cannot unmount, on JDK 25 too). When the waiters occupy every carrier and the lock's holder is a virtual
 * thread that parked inside its transaction (a log append, any lock or I/O of the caller's callback), the holder
 * cannot run to its COMMIT until the waiters give up: measured on 2 carriers with a caller's pool of 10, six
 * writes behind a transaction that parked 300 ms all failed busy, and that transaction took 15 s. So
 * {@link #begin} takes the write lock on a virtual thread with a handler that gives up at once, and waits
 * between attempts in Java, where a sleeping virtual thread leaves its carrier to others; same pauses, same total.
 */
public final class SqliteBusyWait extends BusyHandler {
    /** SQLite's own pauses (sqliteDefaultBusyCallback), in ms; the last one repeats. */
    private static final int[] PAUSES = {1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100};
    private static final Map<Connection, SqliteBusyWait> INSTALLED = Collections.synchronizedMap(new WeakHashMap<>());
    /** The handlers {@link #lend} put on a caller's connections, until {@link #giveBack}. */
    private static final Map<Connection, SqliteBusyWait> LENT = Collections.synchronizedMap(new WeakHashMap<>());
    /** {@code Thread::isVirtual} (JDK 21+, found by reflection: the library is compiled for Java 17); null before. */
    private static final MethodHandle IS_VIRTUAL = findIsVirtual();

    /** The total of the last wait on this thread that ran out, for the message of its SQLITE_BUSY; see {@link #takeExpired}. */
    private static final ThreadLocal<Long> EXPIRED = new ThreadLocal<>();

    private final long timeoutMillis;
    /** Whether the total is {@code SQLITE_BUSY_TIMEOUT}'s (not a caller's connection's own busy timeout). */
    private final boolean own;
    /** When the current wait began; the connection is used by one thread at a time. */
    private long waitingSince;
    /** Set by {@link #begin} while a virtual thread's attempt runs: no wait in native code, SQLITE_BUSY at once. */
    private boolean giveUpAtOnce;

    private SqliteBusyWait(long timeoutMillis, boolean own) {
        this.timeoutMillis = timeoutMillis;
        this.own = own;
    }

    /**
     * For one asynchronous call on a caller's SQLite connection: replaces the connection's busy timeout with this
     * wait, of the same total, which gives up once the call is cancelled or timed out (SQLite's own wait would go
     * on for the whole busy timeout past the call's, holding the write lane). Returns the busy timeout (ms) to
     * {@link #giveBack}, or -1 when the connection has none (0: nothing to shorten; or a busy handler of the
     * caller's, which the library could not put back) and nothing was changed.
     */
    public static int lend(SQLiteConnection connection) throws SQLException {
        int busyTimeout;
        try (java.sql.Statement statement = connection.createStatement();
             java.sql.ResultSet rs = statement.executeQuery("PRAGMA busy_timeout")) {
            busyTimeout = rs.next() ? rs.getInt(1) : 0;
        }
        if (busyTimeout <= 0) {
            return -1;
        }
        SqliteBusyWait handler = new SqliteBusyWait(busyTimeout, false);
        setHandler(connection, handler);
        LENT.put(connection, handler);
        return busyTimeout;
    }

    /** Puts back the busy timeout that {@link #lend} replaced. */
    public static void giveBack(SQLiteConnection connection, int busyTimeout) throws SQLException {
        LENT.remove(connection);
        clearHandler(connection);
        connection.setBusyTimeout(busyTimeout);
    }

    /** One attempt to take the write lock (BEGIN IMMEDIATE); {@code attempt} counts from 0. */
    @FunctionalInterface
    public interface Attempt {
        void run(int attempt) throws SQLException;
    }

    /**
     * Runs {@code begin}, which takes the write lock of {@code connection}'s database. On a platform thread (or
     * when {@code connection} is null: not sqlite-jdbc's) once, waiting for another connection's lock as the
     * connection does. On a virtual thread the wait is in Java instead (see the class comment): an attempt
     * that meets the lock fails at once, and is repeated after SQLite's own pauses until the connection's busy
     * wait (this handler's total, or the busy timeout of a caller's connection, lent this handler meanwhile) has
     * passed, the asynchronous call is cancelled or the thread interrupted; then the last SQLITE_BUSY is thrown.
     * A connection with neither (no busy timeout, or a busy handler of the caller's) is left to itself.
     */
    public static void begin(SQLiteConnection connection, Attempt begin) throws SQLException {
        if (connection == null || !onVirtualThread()) {
            begin.run(0);
            return;
        }
        SqliteBusyWait handler = INSTALLED.get(connection);
        if (handler == null) {
            handler = LENT.get(connection);
        }
        int lentHere = -1;
        if (handler == null) {
            lentHere = lend(connection);
            if (lentHere < 0) {
                begin.run(0);
                return;
            }
            handler = LENT.get(connection);
        }
        try {
            handler.waitInJava(begin);
        } finally {
            if (lentHere >= 0) {
                giveBack(connection, lentHere);
            }
        }
    }

    private void waitInJava(Attempt begin) throws SQLException {
        long start = System.nanoTime();
        for (int attempt = 0; ; attempt++) {
            giveUpAtOnce = true;
            try {
                begin.run(attempt);
                return;
            } catch (SQLException e) {
                if (SqliteCodes.primary(SqliteCodes.of(e)) != SqliteCodes.BUSY
                        || CancellationHandle.isCurrentCancelled()) {
                    throw e;
                }
                long remaining = timeoutMillis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                if (remaining <= 0) {
                    if (own) {
                        EXPIRED.set(timeoutMillis);
                    }
                    throw e;
                }
                try {
                    Thread.sleep(Math.min(remaining, PAUSES[Math.min(attempt, PAUSES.length - 1)]));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            } finally {
                giveUpAtOnce = false;
            }
        }
    }

    /**
     * Runs {@code work} on {@code connection} with its busy handler giving up at once (SQLITE_BUSY, or a busy
     * row of a checkpoint), for a caller that waits between its own attempts; a connection without this
     * handler is left as it is.
     */
    static <T> T atOnce(SQLiteConnection connection, SqlWork<T> work) throws SQLException {
        SqliteBusyWait handler = INSTALLED.get(connection);
        if (handler == null) {
            return work.run();
        }
        handler.giveUpAtOnce = true;
        try {
            return work.run();
        } finally {
            handler.giveUpAtOnce = false;
        }
    }

    /** Work on a connection that may fail with a SQLException. */
    @FunctionalInterface
    interface SqlWork<T> {
        T run() throws SQLException;
    }

    private static boolean onVirtualThread() {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (boolean) IS_VIRTUAL.invokeExact(Thread.currentThread());
        } catch (Throwable e) {
            return false;
        }
    }

    private static MethodHandle findIsVirtual() {
        if (Runtime.version().feature() < 21) {
            return null;
        }
        try {
            return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual",
                    MethodType.methodType(boolean.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** A data source whose connections wait with this handler, for {@code timeoutMillis} at most. */
    static SQLiteDataSource dataSource(SQLiteConfig config, long timeoutMillis) {
        return new SQLiteDataSource(config) {
            @Override
            public SQLiteConnection getConnection(String username, String password) throws SQLException {
                SQLiteConnection connection = super.getConnection(username, password);
                SqliteBusyWait handler = new SqliteBusyWait(timeoutMillis, true);
                try {
                    setHandler(connection, handler);
                } catch (SQLException | RuntimeException e) {
                    connection.close();
                    throw e;
                }
                INSTALLED.put(connection, handler);
                return connection;
            }
        };
    }

    /** The total wait of the handler on {@code connection}, or -1 when it has none of this class. */
    static long timeoutOn(SQLiteConnection connection) {
        SqliteBusyWait handler = INSTALLED.get(connection);
        return handler == null ? -1 : handler.timeoutMillis;
    }

    /**
     * The total wait (ms) of this thread's last wait if it ran out, else -1; forgets it. The translation of
     * the SQLITE_BUSY that follows asks, to name {@code SQLITE_BUSY_TIMEOUT} and its value: the exception
     * does not say which connection, let alone which settings, it came from.
     */
    static long takeExpired() {
        Long expired = EXPIRED.get();
        EXPIRED.remove();
        return expired == null ? -1 : expired;
    }

    @Override
    protected int callback(int previousCalls) {
        long now = System.nanoTime();
        if (previousCalls == 0) {
            waitingSince = now;
            EXPIRED.remove();
        }
        if (giveUpAtOnce) {
            return 0; // SQLITE_BUSY: begin waits in Java and tries again
        }
        if (CancellationHandle.isCurrentCancelled()) {
            return 0; // give up: SQLITE_BUSY, which the cancelled call reports as its timeout
        }
        long remaining = timeoutMillis - TimeUnit.NANOSECONDS.toMillis(now - waitingSince);
        if (remaining <= 0) {
            if (own) {
                EXPIRED.set(timeoutMillis);
            }
            return 0;
        }
        try {
            Thread.sleep(Math.min(remaining, PAUSES[Math.min(previousCalls, PAUSES.length - 1)]));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
        return 1;
    }
}
