package org.elibrary.internal.async;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Objects;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.elibrary.Backend;
import org.elibrary.internal.db.Database;
import org.elibrary.internal.db.Drivers;

/**
 * A data source that makes the connections of asynchronous calls cancellable. Outside an asynchronous call
 * (no {@link CancellationHandle#current()}) it hands out the pool's connections untouched, so the synchronous
 * API pays one thread-local read. Inside one, it records the thread while it waits for the pool, and wraps
 * the connection ({@link CancellableConnection}) so that each statement created on it is registered with the
 * call's handle until the connection rolls back or is closed.
 */
public final class CancellableDataSource implements DataSource {
    private final DataSource delegate;
    /**
     * Whether the connections are a caller's SQLite connections, whose busy timeout (unlike the library's own busy
     * wait) a call's timeout cannot end: each asynchronous call's connection gets the library's wait for the call.
     */
    private final boolean callersSqlite;

    public CancellableDataSource(DataSource delegate) {
        this(delegate, false);
    }

    private CancellableDataSource(DataSource delegate, boolean callersSqlite) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.callersSqlite = callersSqlite && Drivers.SQLITE;
    }

    /**
     * The same database, with both data sources made cancellable (one wrapper when reads and writes share a
     * pool). Closing the result closes {@code database}.
     */
    public static Database wrap(Database database) {
        if (database.writer() instanceof CancellableDataSource) {
            return database;
        }
        boolean callersSqlite = database.borrowed() && database.backend() == Backend.SQLITE;
        DataSource writer = new CancellableDataSource(database.writer(), callersSqlite);
        DataSource reader = database.reader() == database.writer()
                ? writer : new CancellableDataSource(database.reader(), callersSqlite);
        return database.over(writer, reader);
    }

    @Override
    public Connection getConnection() throws SQLException {
        CancellationHandle handle = CancellationHandle.current();
        if (handle == null) {
            return delegate.getConnection();
        }
        handle.beginAcquire();
        Connection connection = null;
        try {
            connection = delegate.getConnection();
        } finally {
            handle.endAcquire(connection);
        }
        return cancellable(connection, handle);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        CancellationHandle handle = CancellationHandle.current();
        if (handle == null) {
            return delegate.getConnection(username, password);
        }
        handle.beginAcquire();
        Connection connection = null;
        try {
            connection = delegate.getConnection(username, password);
        } finally {
            handle.endAcquire(connection);
        }
        return cancellable(connection, handle);
    }

    private Connection cancellable(Connection connection, CancellationHandle handle) throws SQLException {
        CancellableConnection cancellable = new CancellableConnection(connection, handle, delegate);
        if (callersSqlite) {
            try {
                cancellable.lendBusyWait();
            } catch (SQLException | RuntimeException e) {
                connection.close();
                throw e;
            }
        }
        return cancellable;
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return delegate.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(delegate)) {
            return iface.cast(delegate);
        }
        return delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(delegate) || delegate.isWrapperFor(iface);
    }
}
