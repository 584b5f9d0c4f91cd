package org.elibrary.internal.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

/**
 * PostgreSQL: V3 names pg_trgm's operator class unqualified, and its {@code CREATE EXTENSION IF NOT EXISTS}
 * does nothing when the extension already lives in a schema off the search_path (an administrator's
 * {@code extensions} schema, or another schema the library migrated in the same database). Before each
 * migration, after Flyway has set the search_path to the schema it migrates, that schema of the extension is
 * appended to it for the migration's transaction only (set_config's is_local): a session setting would stay on
 * a transaction pooler's server connection for its next clients.
 */
final class TrigramSchemaOnSearchPath implements Callback {
    private static final String OFF_THE_PATH = "SELECT n.nspname, has_schema_privilege(n.oid, 'USAGE'), current_user "
            + "FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            + "WHERE e.extname = 'pg_trgm' AND NOT n.nspname = ANY (current_schemas(false))";

    @Override
    public boolean supports(Event event, Context context) {
        return event == Event.BEFORE_EACH_MIGRATE;
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return true;
    }

    @Override
    public void handle(Event event, Context context) {
        Connection connection = context.getConnection();
        try {
            String schema;
            try (Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery(OFF_THE_PATH)) {
                if (!rs.next()) {
                    return;
                }
                schema = rs.getString(1);
                if (!rs.getBoolean(2)) {
                    // else V3 fails with "operator class gin_trgm_ops does not exist", which misleads
                    throw new FlywayException("pg_trgm is installed in schema " + schema + ", which user "
                            + rs.getString(3) + " may not use: an administrator runs GRANT USAGE ON SCHEMA "
                            + schema + " TO " + rs.getString(3));
                }
            }
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT set_config('search_path', current_setting('search_path') || ', ' || quote_ident(?), true)")) {
                statement.setString(1, schema);
                statement.execute();
            }
        } catch (SQLException e) {
            throw new FlywayException("cannot put pg_trgm's schema on the search_path: " + e.getMessage(), e);
        }
    }

    @Override
    public String getCallbackName() {
        return "elibrary: pg_trgm's schema on the search_path";
    }
}
