package org.elibrary.internal.schema;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.elibrary.ConfigurationException;

/**
 * What the SQLite library behind the driver must offer, read with one query before anything is changed. An
 * older sqlite-jdbc (Spring Boot 3.5 manages 3.49.1.0, Boot 4.0 3.50.3.0) migrates and reads, but its first
 * bulk write failed with "no such table: jsonb_each", reported as a schema that was never migrated.
 */
public final class SqliteChecks {
    /** The SQLite release that added {@code jsonb_each} (measured: absent in 3.50.3, present in 3.51.0). */
    static final int[] JSONB_EACH = {3, 51, 0};
    /** The SQLite release that added FTS5's trigram tokenizer with its {@code case_sensitive} option. */
    static final int[] TRIGRAM = {3, 34, 0};
    /** The first sqlite-jdbc whose bundled SQLite is {@link #JSONB_EACH} or later. */
    static final String DRIVER_NEEDED = "3.51.0.0";

    private SqliteChecks() {
    }

    /**
     * Refuses a SQLite library without {@code jsonb_each} (the bulk writes' JSON parameters) or without FTS5
     * (V3's trigram search tables), with the version found and the sqlite-jdbc version needed.
     *
     * @throws ConfigurationException when a feature is missing
     */
    static void requireFeatures(Connection connection, String display) throws SQLException {
        String version;
        boolean fts5;
        // pragma_module_list names FTS5 but not the JSON table-valued functions (not listed from 3.51 on),
        // and the trigram tokenizer cannot be asked for without creating a table: both go by the version.
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(
                     "SELECT sqlite_version(), EXISTS (SELECT 1 FROM pragma_module_list WHERE name = 'fts5')")) {
            rs.next();
            version = rs.getString(1);
            fts5 = rs.getBoolean(2);
        }
        String problem = missing(version, fts5);
        if (problem != null) {
            String driver = connection.getMetaData().getDriverVersion();
            throw new ConfigurationException("the SQLite library of " + display + " is " + version
                    + " (sqlite-jdbc " + driver + "), which lacks " + problem + ": put sqlite-jdbc "
                    + DRIVER_NEEDED + " or later on the classpath (with Spring Boot's dependency management, set "
                    + "the property <sqlite-jdbc.version>)");
        }
    }

    /**
     * {@return what a SQLite library of this version lacks, in words, or null when it has all the library
     * uses} {@code version} is {@code sqlite_version()}'s answer, {@code fts5} whether the FTS5 module is built in.
     */
    static String missing(String version, boolean fts5) {
        int[] found = parse(version);
        if (!fts5) {
            return "the FTS5 extension (its trigram tokenizer indexes the search)";
        }
        if (compare(found, TRIGRAM) < 0) {
            return "FTS5's trigram tokenizer (SQLite " + text(TRIGRAM) + " or later; it indexes the search)";
        }
        if (compare(found, JSONB_EACH) < 0) {
            return "the jsonb_each table-valued function (SQLite " + text(JSONB_EACH)
                    + " or later; the library's writes pass their rows as JSON)";
        }
        return null;
    }

    private static int[] parse(String version) {
        int[] parts = new int[3];
        String[] given = version.trim().split("\\.");
        for (int i = 0; i < parts.length && i < given.length; i++) {
            String digits = given[i].replaceAll("\\D.*", "");
            parts[i] = digits.isEmpty() ? 0 : Integer.parseInt(digits);
        }
        return parts;
    }

    private static int compare(int[] a, int[] b) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                return Integer.compare(a[i], b[i]);
            }
        }
        return 0;
    }

    private static String text(int[] version) {
        return version[0] + "." + version[1] + "." + version[2];
    }
}
