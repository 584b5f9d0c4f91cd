package org.elibrary.internal.async;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Objects;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.elibrary.internal.db.Database;
import org.postgresql.PGConnection;
import org.sqlite.SQLiteConnection;

/**
 * A data source that makes the connections of asynchronous calls cancellable. Outside an asynchronous call
 * (no {@link CancellationHandle#current()}) it hands out the pool's connections untouched, so the synchronous
 * API pays one thread-local read. Inside one, it records the thread while it waits for the pool, and wraps
 * the connection so that each statement created on it is registered with the call's handle until the
 * connection rolls back or is closed.
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
        return new Database(database.backend(), writer, reader, database.readConcurrency(), database);
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
        return track(connection, handle);
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
        return track(connection, handle);
    }

    static Connection track(Connection connection, CancellationHandle handle) {
        return (Connection) Proxy.newProxyInstance(CancellableDataSource.class.getClassLoader(),
                new Class<?>[] {Connection.class}, new Tracking(connection, handle));
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

    /** Registers statements with the call's handle; refuses new work and commit once it is cancelled. */
    private static final class Tracking implements InvocationHandler {
        private final Connection target;
        private final CancellationHandle handle;
        private boolean rollbackFailed;

        Tracking(Connection target, CancellationHandle handle) {
            this.target = target;
            this.handle = handle;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            switch (name) {
                case "createStatement", "prepareStatement", "prepareCall", "commit" -> handle.check();
                case "rollback" -> {
                    return rollback(method, args);
                }
                case "setAutoCommit" -> {
                    if (rollbackFailed && Boolean.TRUE.equals(args[0])) {
                        // switching to autocommit commits the open transaction: never after a failed rollback;
                        // the pool rolls back (or evicts the connection) when it is closed
                        throw new SQLException("the transaction could not be rolled back; not switching to "
                                + "autocommit, which would commit it");
                    }
                }
                case "close" -> handle.forget(target);
                case "equals" -> {
                    return proxy == args[0];
                }
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "toString" -> {
                    return "Cancellable[" + target + "]";
                }
                case "unwrap" -> {
                    Class<?> iface = (Class<?>) args[0];
                    if (iface.isInstance(target)) {
                        return target;
                    }
                    Object unwrapped = forward(method, args);
                    if (CancellationHandle.current() == handle) {
                        // The call may now create (or reuse cached) statements on the physical connection,
                        // out of this wrapper's sight: a cancel reaches that whole connection instead (SQLite:
                        // an interrupt, which is what sqlite-jdbc's Statement.cancel() does anyway;
                        // PostgreSQL: a cancel request for the connection's backend, as for any statement).
                        if (unwrapped instanceof SQLiteConnection sqlite) {
                            handle.registerConnection(target, sqlite);
                        } else if (unwrapped instanceof PGConnection) {
                            handle.registerConnection(target, null);
                        }
                    }
                    return unwrapped;
                }
                case "isWrapperFor" -> {
                    if (((Class<?>) args[0]).isInstance(target)) {
                        return true;
                    }
                }
                default -> {
                    // passed through below
                }
            }
            Object result = forward(method, args);
            if (result instanceof Statement statement) {
                handle.register(target, statement);
            }
            return result;
        }

        /**
         * After a cancel, SQLite keeps failing every new statement on the connection, ROLLBACK included, with
         * SQLITE_INTERRUPT for as long as any statement of it is still active (a read MyBatis has not stepped to
         * its end, for example): the call's statements are closed first, so the rollback itself cannot be
         * interrupted. Without a cancel, its statements are only forgotten.
         */
        private Object rollback(Method method, Object[] args) throws Throwable {
            if (handle.isCancelled()) {
                handle.closeStatements(target);
            } else {
                handle.forget(target);
            }
            try {
                return forward(method, args);
            } catch (SQLException | RuntimeException e) {
                rollbackFailed = true;
                throw e;
            }
        }

        private Object forward(Method method, Object[] args) throws Throwable {
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
