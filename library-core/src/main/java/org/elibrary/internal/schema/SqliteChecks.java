package org.elibrary.internal.schema;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.elibrary.ConfigurationException;

/**
 * What the SQLite library behind the driver must offer, read with one query before anything is changed. Below
 * it, a SQLite library migrates but fails later with a syntax error or a missing table, which would read as a
 * schema that was never migrated. The newest feature needed is {@code ->>} (SQLite 3.38.0): Spring Boot 3.5's
 * sqlite-jdbc (3.49.1.0) and 4.0's (3.50.3.0) pass.
 */
public final class SqliteChecks {
    /** The SQLite release that added FTS5's trigram tokenizer with its {@code case_sensitive} option. */
    static final int[] TRIGRAM = {3, 34, 0};
    /** The SQLite release that added {@code INSERT ... RETURNING}. */
    static final int[] RETURNING = {3, 35, 0};
    /** The SQLite release that added the {@code ->>} operator (the bulk statements read their JSON rows with it). */
    static final int[] JSON_ARROW = {3, 38, 0};
    /** The oldest sqlite-jdbc measured whose bundled SQLite (3.39.2) is {@link #JSON_ARROW} or later. */
    static final String DRIVER_NEEDED = "3.39.2.0";

    private SqliteChecks() {
    }

    /**
     * Refuses a SQLite library without FTS5 (V3's trigram search tables) or older than a feature the library
     * uses, with the version found, what it lacks and the sqlite-jdbc version needed.
     *
     * @throws ConfigurationException when a feature is missing
     */
    static void requireFeatures(Connection connection, String display) throws SQLException {
        String version;
        boolean fts5;
        // pragma_module_list names FTS5, but the trigram tokenizer cannot be asked for without creating a table
        // and an operator cannot be asked for at all: those go by the version.
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
     * Every missing feature is named, oldest first.
     */
    static String missing(String version, boolean fts5) {
        int[] found = parse(version);
        List<String> lacks = new ArrayList<>();
        if (!fts5) {
            lacks.add("the FTS5 extension (its trigram tokenizer indexes the search)");
        } else if (compare(found, TRIGRAM) < 0) {
            lacks.add("FTS5's trigram tokenizer (SQLite " + text(TRIGRAM) + " or later; it indexes the search)");
        }
        if (compare(found, RETURNING) < 0) {
            lacks.add("INSERT ... RETURNING (SQLite " + text(RETURNING) + " or later; inserts return the new ids)");
        }
        if (compare(found, JSON_ARROW) < 0) {
            lacks.add("the ->> operator (SQLite " + text(JSON_ARROW)
                    + " or later; the bulk statements read their rows from JSON with it)");
        }
        return lacks.isEmpty() ? null : String.join(", ", lacks);
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
