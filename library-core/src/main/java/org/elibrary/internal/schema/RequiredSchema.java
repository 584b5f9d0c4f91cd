package org.elibrary.internal.schema;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;
import org.elibrary.Backend;
import org.elibrary.ConfigurationException;
import org.elibrary.LibrarySettings;
import org.elibrary.internal.db.ConnectionErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The check of a database opened without migrating ({@code DATABASE_MIGRATE_ON_OPEN=false}, or a caller's
 * data source opened with {@code Library.open(dataSource, false)}): is its schema
 * at the version the library's SQL needs? One query on the migration history and no Flyway scan: the check
 * runs on every such open, and the migrations need not even be on the classpath then. Without it a schema
 * behind the library (never adopted, or an older library's V1 and V2 only) opened and failed only at the
 * first call that needed the missing part, a search in production.
 */
public final class RequiredSchema {
    /** The schema version the library's SQL needs: its latest migration (RequiredSchemaIT keeps them equal). */
    public static final String VERSION = "3";

    private static final Logger LOG = LoggerFactory.getLogger(RequiredSchema.class);
    private static final String HOW = "run the migrations (Migrations.from(settings).migrate(), or the CLI's "
            + "migrate), or set " + LibrarySettings.DATABASE_MIGRATE_ON_OPEN + "=true";
    private static final String HOW_BORROWED = "run the migrations (Migrations.from(dataSource).migrate(), or the "
            + "CLI's migrate), or open it with Library.open(dataSource), which migrates";
    private static final String HOW_READ_ONLY = "a library open read-only (" + LibrarySettings.DATABASE_READ_ONLY
            + "=true) does not migrate: a writer must migrate the database first (Migrations.from(settings).migrate(), "
            + "or the CLI's migrate, with write access; on PostgreSQL on the primary, not a standby)";
    private static final String HOW_BORROWED_READ_ONLY = "a library open read-only (readOnly(true)) does not "
            + "migrate: migrate the database first with write access (Migrations.from(dataSource).migrate(), the "
            + "CLI's migrate, or a Library.open(dataSource) that may write; on PostgreSQL on the primary, not a "
            + "standby)";
    private static final String UNDEFINED_TABLE = "42P01";
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    private RequiredSchema() {
    }

    /**
     * Refuses a database whose schema is behind the library's; warns when it is ahead (a newer library
     * migrated it: its migrations keep the older SQL working). On PostgreSQL also checks the encoding
     * ({@link PostgresChecks#requireUtf8(Connection, String)}), on the same connection.
     *
     * @throws ConfigurationException if the database has no migration history, or an older schema version
     */
    public static void check(DataSource dataSource, Backend backend, String display) {
        check(dataSource, backend, display, HOW);
    }

    /**
     * As {@link #check(DataSource, Backend, String)}, for a library open read-only ({@code DATABASE_READ_ONLY}),
     * which cannot migrate: the advice is to have a writer migrate the database first.
     */
    public static void checkReadOnly(DataSource dataSource, Backend backend, String display) {
        check(dataSource, backend, display, HOW_READ_ONLY);
    }

    /**
     * As {@link #check(DataSource, Backend, String)}, for a caller's data source opened without migrating
     * ({@code Library.open(dataSource, false)}): the database is named by its connection's URL, and the
     * advice is the data source's way to migrate.
     */
    public static void checkBorrowed(DataSource dataSource, Backend backend) {
        check(dataSource, backend, null, HOW_BORROWED);
    }

    /**
     * As {@link #checkBorrowed(DataSource, Backend)}, for a caller's data source opened read-only
     * ({@code Library.builder(dataSource).readOnly(true)}), which cannot migrate.
     */
    public static void checkBorrowedReadOnly(DataSource dataSource, Backend backend) {
        check(dataSource, backend, null, HOW_BORROWED_READ_ONLY);
    }

    private static void check(DataSource dataSource, Backend backend, String displayName, String how) {
        String display = displayName != null ? displayName : "the given DataSource";
        try (Connection connection = dataSource.getConnection()) {
            if (displayName == null) {
                display = SchemaMigrator.describe(connection);
            }
            if (backend == Backend.POSTGRESQL) {
                PostgresChecks.requireUtf8(connection, display);
            } else {
                SqliteChecks.requireFeatures(connection, display);
            }
            check(connection, backend, display, how, SchemaMigrator.borrowed(displayName));
        } catch (SQLException e) {
            throw ConnectionErrors.translate("reaching", display, e, null, SchemaMigrator.borrowed(displayName));
        }
    }

    private static void check(Connection connection, Backend backend, String display, String how, boolean borrowed)
            throws SQLException {
        String current = null;
        try {
            current = highestApplied(connection);
        } catch (SQLException e) {
            if (INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                // a role that may use the catalog's tables but not read the history: its calls are what count
                LOG.warn("{}: cannot read {} to check the schema version ({}); opening without the check",
                        display, SchemaMigrator.HISTORY_TABLE, e.getMessage());
                return;
            }
            if (!missingTable(e, backend)) {
                throw e;
            }
        }
        if (current == null) {
            throw new ConfigurationException(schemaOf(connection, backend, display, borrowed) + " has no migration "
                    + "history (" + SchemaMigrator.HISTORY_TABLE
                    + "): it is empty, or the Python app's and not yet adopted, and this library needs schema "
                    + "version " + VERSION + "; " + how);
        }
        if (compare(current, VERSION) < 0) {
            throw new ConfigurationException("the schema of " + display + " is at version " + current
                    + " and this library needs version " + VERSION + "; " + how);
        }
        warnIfAhead(display, current);
    }

    /**
     * The database as a refusal names it: on PostgreSQL with the schema looked in ({@code current_schema()}, which
     * a pool's {@code currentSchema} or {@code search_path} chooses: an empty one looks like an empty database),
     * refusing as migrate does a schema that does not exist. Asked only when refusing.
     */
    private static String schemaOf(Connection connection, Backend backend, String display, boolean borrowed)
            throws SQLException {
        if (backend != Backend.POSTGRESQL) {
            return display;
        }
        if (!connection.getAutoCommit()) {
            connection.rollback(); // a caller's pool without autocommit: the failed read aborted its transaction
        }
        PostgresChecks.requireSchema(connection, display, borrowed);
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT current_schema()")) {
            rs.next();
            return "schema " + rs.getString(1) + " of " + display;
        }
    }

    /** {@return the highest version the migration history applied successfully, or null for none} */
    static String highestApplied(Connection connection) throws SQLException {
        String current = null;
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT version FROM " + SchemaMigrator.HISTORY_TABLE
                     + " WHERE success AND version IS NOT NULL")) {
            while (rs.next()) {
                String version = rs.getString(1);
                if (current == null || compare(version, current) > 0) {
                    current = version;
                }
            }
        }
        return current;
    }

    /**
     * Warns when a schema at {@code current} is newer than this library's: a newer library version migrated it.
     * Its migrations keep the older SQL working, so the open goes on, but a rollback of the application to this
     * version should not go unnoticed. Said on every open, migrating or not.
     *
     * @param current the schema version, or null or empty for none
     */
    public static void warnIfAhead(String display, String current) {
        if (isAhead(current)) {
            LOG.warn("the schema of {} is at version {}, newer than this library's {} (a newer library version "
                    + "migrated it); opening it", display, current, VERSION);
        }
    }

    /**
     * {@return whether a schema at {@code version} is newer than this library's: a newer library version migrated
     * it} False for null or empty (no version).
     */
    public static boolean isAhead(String version) {
        return version != null && !version.isEmpty() && compare(version, VERSION) > 0;
    }

    /**
     * Compares two versions as Flyway does (dot-separated numbers, 1.10 after 1.9), without loading Flyway,
     * whose classes cost about a hundred milliseconds on an open that does not migrate.
     */
    public static int compare(String a, String b) {
        List<BigInteger> left = parts(a);
        List<BigInteger> right = parts(b);
        for (int i = 0; i < Math.max(left.size(), right.size()); i++) {
            BigInteger x = i < left.size() ? left.get(i) : BigInteger.ZERO;
            BigInteger y = i < right.size() ? right.get(i) : BigInteger.ZERO;
            int comparison = x.compareTo(y);
            if (comparison != 0) {
                return comparison;
            }
        }
        return 0;
    }

    private static List<BigInteger> parts(String version) {
        return Arrays.stream(version.split("[._]")).map(BigInteger::new).toList();
    }

    private static boolean missingTable(SQLException e, Backend backend) {
        if (backend == Backend.POSTGRESQL) {
            return UNDEFINED_TABLE.equals(e.getSQLState());
        }
        return String.valueOf(e.getMessage()).contains("no such table: " + SchemaMigrator.HISTORY_TABLE);
    }
}
