package org.elibrary.examples.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.elibrary.Backend;

/**
 * Prepared statements kept per physical connection, so a statement is prepared once per connection and
 * reused by every later transaction on it, as drivers with a statement cache do (sqlite-jdbc has none).
 *
 * <p>Statements are prepared on the driver's connection (unwrapped from the pool's proxy), so the pool does
 * not close them when the connection goes back to it; a physical connection serves one borrower at a time,
 * so its statements are never shared between threads.
 */
final class StatementCache {
    private final boolean enabled;
    private final Map<Connection, Map<String, PreparedStatement>> byConnection = new ConcurrentHashMap<>();

    StatementCache(boolean enabled) {
        this.enabled = enabled;
    }

    boolean enabled() {
        return enabled;
    }

    String describe(Backend backend) {
        String inserts = backend == Backend.POSTGRESQL
                ? "inserts as one INSERT ... SELECT FROM unnest(one array per column) per chunk"
                : "inserts as batches, but one multi-row statement for tables with a full-text index and for"
                        + " author links";
        return enabled ? "prepared once per connection and reused, " + inserts : "prepared per call, " + inserts;
    }

    PreparedStatement get(Connection pooled, String sql) throws SQLException {
        Connection physical = pooled.unwrap(Connection.class);
        Map<String, PreparedStatement> statements = byConnection.computeIfAbsent(physical, c -> new ConcurrentHashMap<>());
        PreparedStatement statement = statements.get(sql);
        if (statement == null || statement.isClosed()) {
            statement = physical.prepareStatement(sql);
            statements.put(sql, statement);
        }
        return statement;
    }

    void closeAll() {
        for (Map<String, PreparedStatement> statements : byConnection.values()) {
            for (PreparedStatement statement : statements.values()) {
                try {
                    statement.close();
                } catch (SQLException ignored) {
                    // the connection is closing anyway
                }
            }
        }
        byConnection.clear();
    }
}
