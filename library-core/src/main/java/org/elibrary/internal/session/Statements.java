package org.elibrary.internal.session;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.elibrary.internal.db.WalLimit;
import org.sqlite.SQLiteConnection;

/**
 * The prepared statements (by SQL text) and the mappers used on one connection: for one unit of work,
 * or, on the library's own pools, for the life of a physical connection (see Sessions). Used by one thread at
 * a time, like its connection.
 */
final class Statements {
    private final Connection connection;
    private final DirectMappers mappers;
    private final Map<String, PreparedStatement> prepared = new HashMap<>();
    private final Map<Class<?>, Object> mapperInstances = new HashMap<>(8);
    private Boolean sqliteForeignKeys;
    private WalLimit walLimit;

    Statements(Connection connection, DirectMappers mappers) {
        this.connection = connection;
        this.mappers = mappers;
    }

    /** Rows for a one-row insert of mapper {@code type} on this connection (see DirectMappers#rowWriter). */
    RowWriter rowWriter(Class<?> type, String method) {
        return mappers.rowWriter(type, method, this);
    }

    /**
     * Whether this SQLite connection enforces foreign keys (asked once per connection): the library's own
     * connections always do (checked at open); a caller's may not.
     */
    boolean sqliteEnforcesForeignKeys() throws SQLException {
        if (sqliteForeignKeys == null) {
            try (java.sql.Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("PRAGMA foreign_keys")) {
                sqliteForeignKeys = rs.next() && rs.getInt(1) == 1;
            }
        }
        return sqliteForeignKeys;
    }

    /** The WAL limit of this SQLite connection of the library's own pool (looked up once per connection). */
    WalLimit walLimit() {
        if (walLimit == null) {
            walLimit = WalLimit.of((SQLiteConnection) connection);
        }
        return walLimit;
    }

    /** The mapper of {@code type} running on this connection (one instance per type: it holds no call state). */
    <M> M mapper(Class<M> type) {
        Object mapper = mapperInstances.get(type);
        if (mapper == null) {
            mapper = mappers.mapper(type, this);
            mapperInstances.put(type, mapper);
        }
        return type.cast(mapper);
    }

    /** The statement for {@code sql}, prepared on first use; {@code timeoutSeconds} null for none. */
    PreparedStatement prepare(String sql, Integer timeoutSeconds) throws SQLException {
        PreparedStatement statement = prepared.get(sql);
        if (statement == null) {
            statement = connection.prepareStatement(sql);
            if (timeoutSeconds != null) {
                statement.setQueryTimeout(timeoutSeconds);
            }
            prepared.put(sql, statement);
        }
        return statement;
    }

    /** Closes every statement; quietly, since this also runs when the connection is broken. */
    void close() {
        for (PreparedStatement statement : prepared.values()) {
            try {
                statement.close();
            } catch (SQLException | RuntimeException ignored) {
                // its connection is gone
            }
        }
        prepared.clear();
    }
}
