package org.elibrary.internal.db;

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
 */
public final class SqliteBusyWait extends BusyHandler {
    /** SQLite's own pauses (sqliteDefaultBusyCallback), in ms; the last one repeats. */
    private static final int[] PAUSES = {1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100};
    private static final Map<Connection, SqliteBusyWait> INSTALLED = Collections.synchronizedMap(new WeakHashMap<>());

    /** The total of the last wait on this thread that ran out, for the message of its SQLITE_BUSY; see {@link #takeExpired}. */
    private static final ThreadLocal<Long> EXPIRED = new ThreadLocal<>();

    private final long timeoutMillis;
    /** Whether the total is {@code SQLITE_BUSY_TIMEOUT}'s (not a caller's connection's own busy timeout). */
    private final boolean own;
    /** When the current wait began; the connection is used by one thread at a time. */
    private long waitingSince;

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
        setHandler(connection, new SqliteBusyWait(busyTimeout, false));
        return busyTimeout;
    }

    /** Puts back the busy timeout that {@link #lend} replaced. */
    public static void giveBack(SQLiteConnection connection, int busyTimeout) throws SQLException {
        clearHandler(connection);
        connection.setBusyTimeout(busyTimeout);
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
