package org.elibrary.testing;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A DataSource that counts the SQL statements executed through it (each execute, executeQuery,
 * executeUpdate or executeBatch call), to assert that an operation needs a fixed number of queries.
 * Wraps a real DataSource; no behaviour changes.
 */
public final class CountingDataSource implements DataSource {
    private final DataSource delegate;
    private final AtomicInteger executions = new AtomicInteger();
    private final List<String> sql = new CopyOnWriteArrayList<>();

    public CountingDataSource(DataSource delegate) {
        this.delegate = delegate;
    }

    /** Statements executed since the last {@link #reset()}. */
    public int executions() {
        return executions.get();
    }

    /** The SQL of the statements executed since the last reset (prepared statements only). */
    public List<String> statements() {
        return List.copyOf(sql);
    }

    public void reset() {
        executions.set(0);
        sql.clear();
    }

    @Override
    public Connection getConnection() throws SQLException {
        return wrapConnection(delegate.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return wrapConnection(delegate.getConnection(username, password));
    }

    private Connection wrapConnection(Connection connection) {
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                new Handler(connection, null));
    }

    private final class Handler implements InvocationHandler {
        private final Object target;
        private final String statementSql;

        Handler(Object target, String statementSql) {
            this.target = target;
            this.statementSql = statementSql;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            if (name.startsWith("execute")) {
                executions.incrementAndGet();
                String text = statementSql != null ? statementSql
                        : args != null && args.length > 0 && args[0] instanceof String s ? s : "?";
                sql.add(text.strip().replaceAll("\\s+", " "));
            }
            if (name.equals("unwrap") && args[0] instanceof Class<?> type && type.isInstance(proxy)) {
                return proxy;
            }
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (result instanceof Statement statement && method.getReturnType().isInterface()
                    && Statement.class.isAssignableFrom(method.getReturnType())) {
                String text = args != null && args.length > 0 && args[0] instanceof String s ? s : null;
                return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {method.getReturnType()},
                        new Handler(statement, text));
            }
            return result;
        }
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
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        return delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || delegate.isWrapperFor(iface);
    }
}
