package org.elibrary.internal.db;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The library's own PostgreSQL migration connections ({@link Databases#migrationDataSource}): besides
 * connections with the migration's session settings, a connection without them and the same settings as
 * {@code SET LOCAL} statements, for the transaction in which the migration lock is held. Through a
 * transaction pooler (PgBouncer's pool_mode=transaction) a session setting lands on whichever server
 * connection ran it and stays there for its next clients; a transaction's settings and locks end with it.
 */
public interface MigrationConnections extends DataSource {
    /** A new connection on which no session setting was made. */
    Connection getConnectionWithoutSettings() throws SQLException;

    /** The migration's settings as {@code SET LOCAL …;} statements, each ended by "; "; empty when none. */
    String localSettingsSql();
}
