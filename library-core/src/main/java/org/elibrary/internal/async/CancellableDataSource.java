package org.elibrary.internal.async;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Objects;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.elibrary.internal.db.Database;

/**
 * A data source that makes the connections of asynchronous calls cancellable. Outside an asynchronous call
 * (no {@link CancellationHandle#current()}) it hands out the pool's connections untouched, so the synchronous
 * API pays one thread-local read. Inside one, it records the thread while it waits for the pool, and wraps
 * the connection ({@link CancellableConnection}) so that each statement created on it is registered with the
 * call's handle until the connection rolls back or is closed.
 */
public final class CancellableDataSource implements DataSource {
    private final DataSource delegate;

    public CancellableDataSource(DataSource delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /**
     * The same database, with both data sources made cancellable (one wrapper when reads and writes share a
     * pool). Closing the result closes {@code database}.
     */
    public static Database wrap(Database database) {
        if (database.writer() instanceof CancellableDataSource) {
            return database;
        }
        DataSource writer = new CancellableDataSource(database.writer());
        DataSource reader = database.reader() == database.writer()
                ? writer : new CancellableDataSource(database.reader());
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
        return new CancellableConnection(connection, handle, delegate);
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
        return new CancellableConnection(connection, handle, delegate);
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
