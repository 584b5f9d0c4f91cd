package org.elibrary.internal.schema;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.elibrary.ConfigurationException;
import org.elibrary.internal.db.ConnectionErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a PostgreSQL database must offer before the library writes to it, read with a query or two and
 * refused with one line that says what to do, before anything is changed.
 */
public final class PostgresChecks {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresChecks.class);

    /**
     * Per table of the library that the user lacks a privilege on which its calls need, the privileges it
     * lacks: author_book rows are only inserted and deleted; a row the library locks ({@code FOR UPDATE})
     * needs UPDATE.
     */
    private static final String MISSING_TABLE_PRIVILEGES = "SELECT t.name, string_agg(p.privilege, ', ' ORDER BY "
            + "p.ord) FROM (VALUES (1, 'author'), (2, 'book'), (3, 'user'), (4, 'author_book'), (5, 'comment')) "
            + "AS t (ord, name) CROSS JOIN (VALUES (1, 'SELECT'), (2, 'INSERT'), (3, 'UPDATE'), (4, 'DELETE')) "
            + "AS p (ord, privilege) WHERE to_regclass(format('%I.%I', current_schema(), t.name)) IS NOT NULL "
            + "AND NOT (t.name = 'author_book' AND p.privilege = 'UPDATE') "
            + "AND NOT has_table_privilege(to_regclass(format('%I.%I', current_schema(), t.name)), p.privilege) "
            + "GROUP BY t.ord, t.name ORDER BY t.ord";
    /** The id sequences (inserts take their default ids from them) the user may not use. */
    private static final String MISSING_SEQUENCE_USAGE = "SELECT seq FROM (SELECT ord, "
            + "pg_get_serial_sequence(format('%I.%I', current_schema(), name), 'id') AS seq FROM (VALUES (1, "
            + "'author'), (2, 'book'), (3, 'user'), (4, 'comment')) AS t (ord, name) WHERE "
            + "to_regclass(format('%I.%I', current_schema(), name)) IS NOT NULL) AS s "
            + "WHERE seq IS NOT NULL AND NOT has_sequence_privilege(seq, 'USAGE') ORDER BY ord";

    private PostgresChecks() {
    }

    /**
     * As {@link #requireUtf8(Connection, String)}, on a connection of the data source; {@code displayName}
     * null names the database by its connection's URL.
     */
    public static void requireUtf8(DataSource dataSource, String displayName) {
        String display = displayName == null ? "(postgresql database)" : displayName;
        try (Connection connection = dataSource.getConnection()) {
            display = displayName == null ? SchemaMigrator.describe(connection) : displayName;
            requireUtf8(connection, display);
        } catch (SQLException e) {
            throw ConnectionErrors.translate("reaching", display, e, null, SchemaMigrator.borrowed(displayName));
        }
    }

    /**
     * Refuses a database whose encoding is not UTF8: the library's strings are Unicode, and in another
     * encoding a Cyrillic title (or a search for one) fails only once such a value arrives. Warns (at each
     * open or migration) when {@code lower()} folds ASCII only (an {@code LC_CTYPE} of C or POSIX): case-insensitive search then
     * silently misses non-ASCII matches.
     */
    static void requireUtf8(Connection connection, String display) throws SQLException {
        String encoding;
        String ctype;
        String database;
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT current_setting('server_encoding'), datctype, "
                     + "current_database() FROM pg_database WHERE datname = current_database()")) {
            rs.next();
            encoding = rs.getString(1);
            ctype = rs.getString(2);
            database = rs.getString(3);
        }
        if (!"UTF8".equalsIgnoreCase(encoding)) {
            throw new ConfigurationException("the library needs a UTF8 database; " + database + " (" + display
                    + ") is " + encoding + ": create it with CREATE DATABASE " + database
                    + " ENCODING 'UTF8' TEMPLATE template0 (and a UTF-8 locale) and load the data into it");
        }
        // Asked of lower() itself rather than read from LC_CTYPE: an ICU or builtin locale folds Unicode
        // whatever LC_CTYPE says. Ж (U+0416) and ж (U+0436).
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT lower(chr(1046)) = chr(1078)")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                LOG.warn("database {} ({}) has LC_CTYPE {}: lower() folds ASCII letters only, so case-insensitive "
                        + "search misses other letters in another case (ВОЙНА does not find Война); create the "
                        + "database with a UTF-8 locale (see README, SQLite vs PostgreSQL)", database, display, ctype);
            }
        }
    }

    /**
     * Before Flyway creates its history table in a database that has none: Flyway retries a failed creation
     * ten times, a second apart, and then reports it as a multi-line dump. What makes it fail is known
     * beforehand: the schema named by {@code currentSchema}/{@code search_path} does not exist (the library
     * does not create schemas: a mistyped name would otherwise come up as a new, empty catalog), the
     * database is read-only, or the user may not create tables in the schema.
     *
     * @param borrowed whether the connection is a caller's {@code DataSource}'s, which has no {@code DATABASE_URL}
     */
    static void requireHistoryCanBeCreated(Connection connection, String display, boolean borrowed)
            throws SQLException {
        requireSchema(connection, display, borrowed);
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT current_schema(), "
                     + "current_setting('transaction_read_only'), has_schema_privilege(current_schema(), 'CREATE'), "
                     + "quote_ident(current_schema()), quote_ident(current_user)")) {
            rs.next();
            String schema = rs.getString(1);
            if ("on".equals(rs.getString(2))) {
                throw new ConfigurationException("database " + display + " is read-only (a standby, or "
                        + "default_transaction_read_only is on), so its schema cannot be created: migrate on the "
                        + "primary");
            }
            if (!rs.getBoolean(3)) {
                throw new ConfigurationException("user " + rs.getString(5) + " may not create tables in schema "
                        + schema + " of " + display + ": run the migrations as the schema's owner (" + (borrowed
                        ? "through a DataSource that logs in as the owner" : "migrate with another DATABASE_URL")
                        + "), or have the owner GRANT CREATE ON SCHEMA " + rs.getString(4)
                        + " TO " + rs.getString(5));
            }
        }
    }

    /**
     * Refuses a connection whose schema ({@code currentSchema}/{@code search_path}) does not exist: the library
     * does not create schemas, as a mistyped name would otherwise come up as a new, empty catalog. Checked
     * before classifying, so that info and validate do not call it an empty database that migrate creates.
     *
     * @param borrowed whether the connection is a caller's {@code DataSource}'s, whose JDBC URL (or pool setting)
     *                 names the schema instead of {@code DATABASE_URL}
     */
    static void requireSchema(Connection connection, String display, boolean borrowed) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT current_schema() IS NULL, current_setting('search_path')")) {
            rs.next();
            if (rs.getBoolean(1)) {
                String named = firstSchema(rs.getString(2));
                throw new ConfigurationException((named == null ? "no schema is on the search_path of " + display
                        : "schema " + named + " of " + display + " does not exist")
                        + ": create it first (CREATE SCHEMA), or fix currentSchema/search_path in "
                        + ConnectionErrors.urlSetting(borrowed) + (borrowed ? " (or the pool's schema setting)" : ""));
            }
        }
    }

    /**
     * Before Flyway reads the history of a managed database: a user who may not read it would get Flyway's
     * "permission denied" on many lines, and (before the tables were listed from the catalog) a managed
     * database looked foreign or empty to such a user. The refusal names, too, the privileges on the library's
     * tables and id sequences that the user lacks and its calls need (a role with no grants at all).
     *
     * @param alternative what the user can do instead of the grants, after ", or "
     */
    static void requireHistoryReadable(Connection connection, String display, String alternative)
            throws SQLException {
        String user;
        String schema;
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT has_table_privilege(format('%I.%I', current_schema(), '"
                     + SchemaMigrator.HISTORY_TABLE + "'), 'SELECT'), quote_ident(current_user), "
                     + "quote_ident(current_schema())")) {
            rs.next();
            if (rs.getBoolean(1)) {
                return;
            }
            user = rs.getString(2);
            schema = rs.getString(3);
        }
        String prefix = schema.equals("public") ? "" : schema + ".";
        // one GRANT per table, of that table's own missing privileges (author_book never needs UPDATE), in
        // the tables' order
        List<String> tableGrants = new ArrayList<>();
        List<String> lacking = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(MISSING_TABLE_PRIVILEGES)) {
            while (rs.next()) {
                String table = rs.getString(1).equals("user") ? "\"user\"" : rs.getString(1);
                tableGrants.add("GRANT " + rs.getString(2) + " ON " + prefix + table + " TO " + user);
                lacking.add(rs.getString(2) + " on " + table);
            }
        }
        List<String> sequences = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(MISSING_SEQUENCE_USAGE)) {
            while (rs.next()) {
                sequences.add(rs.getString(1));
            }
        }
        if (!sequences.isEmpty()) {
            lacking.add("USAGE on " + String.join(", ", sequences));
        }
        StringBuilder grants = new StringBuilder("GRANT SELECT ON " + prefix + SchemaMigrator.HISTORY_TABLE + " TO "
                + user);
        for (String tableGrant : tableGrants) {
            grants.append("; ").append(tableGrant);
        }
        if (!sequences.isEmpty()) {
            grants.append("; GRANT USAGE ON SEQUENCE ").append(String.join(", ", sequences)).append(" TO ")
                    .append(user);
        }
        throw new ConfigurationException("user " + user + " may not read the migration history "
                + SchemaMigrator.HISTORY_TABLE + " in schema " + schema + " of " + display
                + (lacking.isEmpty() ? "" : ", and lacks what the library's calls need: " + String.join("; ", lacking))
                + " (SQLState 42501): have the schema's owner " + grants + ", or " + alternative);
    }

    /** The first schema of a search_path other than {@code "$user"} (as Flyway picks it), or null. */
    private static String firstSchema(String searchPath) {
        return Arrays.stream(Objects.requireNonNullElse(searchPath, "").split(","))
                .map(String::strip).filter(name -> !name.isEmpty() && !name.equals("\"$user\""))
                .findFirst().orElse(null);
    }
}
