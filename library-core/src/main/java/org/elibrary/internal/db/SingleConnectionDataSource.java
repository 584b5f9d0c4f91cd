package org.elibrary.internal.db;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Hands out one connection again and again, ignoring {@code close()}: lets Flyway migrate SQLite through a
 * single connection (SQLite has no migration lock, and a second connection could see a half-migrated
 * database or, in memory, a different one). The owner closes the real connection.
 */
public final class SingleConnectionDataSource extends PlainDataSource {
    private final Connection proxy;

    public SingleConnectionDataSource(Connection connection) {
        this.proxy = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (p, method, args) -> {
                    switch (method.getName()) {
                        case "close":
                            return null;
                        case "isClosed":
                            return connection.isClosed();
                        case "equals":
                            return p == args[0];
                        case "hashCode":
                            return System.identityHashCode(p);
                        case "toString":
                            return "single connection";
                        default:
                            try {
                                return method.invoke(connection, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                    }
                });
    }

    @Override
    public Connection getConnection() {
        return proxy;
    }

    @Override
    public Connection getConnection(String username, String password) {
        return proxy;
    }
}
