package org.elibrary.internal.db;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The library's own PostgreSQL migration connections ({@link Databases#migrationDataSource}): besides
 * connections with the migration's settings as startup options (or without them, where a pooler refused
 * them), a connection without them and the same settings as {@code SET LOCAL} statements, for the
 * transactions of the migration and the one in which its lock is held. Through a transaction pooler
 * (PgBouncer's pool_mode=transaction) a {@code SET} lands on whichever server connection ran it and stays
 * there for its next clients; a transaction's settings and locks end with it.
 */
public interface MigrationConnections extends DataSource {
    /** A new connection on which no session setting was made. */
    Connection getConnectionWithoutSettings() throws SQLException;

    /**
     * The migration's settings as statements for the start of a transaction ({@code SET TRANSACTION …},
     * {@code SET LOCAL …}), each ended by "; ".
     */
    String localSettingsSql();
}
