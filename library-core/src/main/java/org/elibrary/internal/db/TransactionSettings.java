package org.elibrary.internal.db;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;

/**
 * A connection that begins each of its transactions with the same {@code SET LOCAL …} statements: when it
 * leaves autocommit, and again after each commit or rollback that leaves it in a transaction. For the
 * migration's connection, always: where a pooler refused the settings as startup options
 * ({@link DriverDataSource}) these are its only ones; a transaction's settings end with it, and a pooler
 * keeps a transaction on one server connection. Flyway's
 * transactions (the migrations', the history's) and the library's own get them alike.
 */
public final class TransactionSettings {
    private TransactionSettings() {
    }

    /** {@code connection}, beginning each transaction with {@code sql} (statements each ended by "; "). */
    public static Connection wrap(Connection connection, String sql) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    boolean begins = switch (method.getName()) {
                        case "setAutoCommit" -> !((Boolean) args[0]) && connection.getAutoCommit();
                        case "commit", "rollback" -> args == null && !connection.getAutoCommit();
                        default -> false;
                    };
                    Object result;
                    try {
                        result = method.invoke(connection, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (begins) {
                        try (Statement statement = connection.createStatement()) {
                            statement.execute(sql);
                        }
                    }
                    return result;
                });
    }
}
