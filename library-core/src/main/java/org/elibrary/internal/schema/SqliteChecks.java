package org.elibrary.internal.schema;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.elibrary.ConfigurationException;

/**
 * What the SQLite library behind the driver, and the driver, must offer, read with one query before anything is
 * changed. Below it, a SQLite library migrates but fails later with a syntax error, which would read as a schema
 * that was never migrated, and an older sqlite-jdbc fails reads that find nothing ("ResultSet closed"). The
 * newest SQLite feature needed is {@code ->>} (3.38.0); the oldest driver that works is sqlite-jdbc 3.41.2.2.
 * Spring Boot 3.5's sqlite-jdbc (3.49.1.0) and 4.0's (3.50.3.0) pass.
 */
public final class SqliteChecks {
    /** The SQLite release that added FTS5's trigram tokenizer with its {@code case_sensitive} option. */
    static final int[] TRIGRAM = {3, 34, 0};
    /** The SQLite release that added {@code INSERT ... RETURNING}. */
    static final int[] RETURNING = {3, 35, 0};
    /** The SQLite release that added the {@code ->>} operator (the bulk statements read their JSON rows with it). */
    static final int[] JSON_ARROW = {3, 38, 0};
    /**
     * The oldest sqlite-jdbc measured to work (the core's SQLite tests pass): 3.39.2.0 closes a query's result
     * that has no rows, so reading its columns fails; the versions between, not measured, have CVE-2023-32697
     * (code execution through the URL), fixed in this one.
     */
    static final String DRIVER_NEEDED = "3.41.2.2";

    private SqliteChecks() {
    }

    /**
     * Refuses a SQLite library without FTS5 (V3's trigram search tables) or older than a feature the library
     * uses, or an sqlite-jdbc older than {@link #DRIVER_NEEDED}, with the versions found, what is missing and the
     * sqlite-jdbc version needed.
     *
     * @throws ConfigurationException when something is missing
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
        String driver = connection.getMetaData().getDriverVersion();
        String problem = missing(version, fts5, driver);
        if (problem != null) {
            throw new ConfigurationException("the SQLite library of " + display + " is " + version
                    + " (sqlite-jdbc " + driver + "), " + problem + ": put sqlite-jdbc " + DRIVER_NEEDED
                    + " or later on the classpath (with Spring Boot's dependency management, set the property "
                    + "<sqlite-jdbc.version>)");
        }
    }

    /**
     * {@return what a SQLite library of this version, or this sqlite-jdbc, lacks, in words ("which lacks ..."),
     * or null when they have all the library uses} {@code version} is {@code sqlite_version()}'s answer,
     * {@code fts5} whether the FTS5 module is built in, {@code driver} sqlite-jdbc's version. Every missing
     * feature is named, oldest first.
     */
    static String missing(String version, boolean fts5, String driver) {
        int[] found = parse(version, 3);
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
        int[] driverFound = parse(driver == null ? "" : driver, 4);
        // a version that does not read as one (a repackaged driver) is not judged
        boolean oldDriver = driverFound[0] > 0 && compare(driverFound, parse(DRIVER_NEEDED, 4)) < 0;
        if (lacks.isEmpty() && !oldDriver) {
            return null;
        }
        String problem = lacks.isEmpty() ? "" : "which lacks " + String.join(", ", lacks);
        if (oldDriver) {
            problem += (lacks.isEmpty() ? "" : "; and ") + "sqlite-jdbc before " + DRIVER_NEEDED
                    + " closes a query's result without rows before its columns can be read";
        }
        return problem;
    }

    private static int[] parse(String version, int parts) {
        int[] numbers = new int[parts];
        String[] given = version.trim().split("\\.");
        for (int i = 0; i < numbers.length && i < given.length; i++) {
            String digits = given[i].replaceAll("\\D.*", "");
            numbers[i] = digits.isEmpty() ? 0 : Integer.parseInt(digits);
        }
        return numbers;
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
