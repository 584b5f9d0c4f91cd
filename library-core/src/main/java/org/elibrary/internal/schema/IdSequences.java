package org.elibrary.internal.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL: the sequences that give author, book, user and comment their ids (SERIAL in the Python app's
 * DDL), against the rows of their tables. Rows inserted with explicit ids (a catalog copied from SQLite, a
 * fixture script) leave a sequence behind: the next insert without an id is given one a row already has and
 * fails, once per id in the way, since each attempt uses up a value. SQLite has no such sequence: an INTEGER
 * PRIMARY KEY takes the largest id plus one.
 *
 * <p>A sequence is found with {@code pg_get_serial_sequence}, whatever its name (SERIAL and IDENTITY columns
 * alike); a table whose id has none is left out.
 */
public final class IdSequences {
    private static final Logger LOG = LoggerFactory.getLogger(IdSequences.class);
    /** The tables whose id the database generates; the library never supplies one on PostgreSQL. */
    private static final List<String> TABLES = List.of("author", "book", "user", "comment");

    /**
     * A sequence whose next value is not past its table's largest id.
     *
     * @param next the value {@code nextval} would give
     */
    record Behind(String table, String sequence, long next, long maxId) {
    }

    private IdSequences() {
    }

    /** Whether the database generates the ids of {@code table} (one of the library's tables) with a sequence. */
    public static boolean generatesIds(String table) {
        return table != null && TABLES.contains(table);
    }

    /**
     * The statement that brings the id sequence of {@code table} up to the table's largest id, for example
     * {@code SELECT setval(pg_get_serial_sequence('book','id'), (SELECT max(id) FROM book))}.
     */
    public static String repairCommand(String table) {
        String name = quoted(table);
        return "SELECT setval(pg_get_serial_sequence('" + name + "','id'), (SELECT max(id) FROM " + name + "))";
    }

    /**
     * The schema-qualified name of the id sequence of {@code schema.table}, as the server names it; empty
     * when the connection cannot tell (a transaction that has failed, say) or the id has no sequence.
     */
    public static Optional<String> sequenceOf(Connection connection, String schema, String table) {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT pg_get_serial_sequence(format('%I.%I', CAST(? AS text), CAST(? AS text)), 'id')")) {
            statement.setString(1, schema);
            statement.setString(2, table);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** One sentence per sequence that is behind, with the command that repairs it; empty when none is. */
    static List<String> problems(Connection connection) throws SQLException {
        List<String> problems = new ArrayList<>();
        for (Behind behind : behind(connection)) {
            problems.add("the id sequence " + behind.sequence + " of table " + behind.table + " is behind its rows "
                    + "(next value " + behind.next + ", largest id " + behind.maxId + "), so inserting a row fails "
                    + "with a duplicate id: run " + repairCommand(behind.table));
        }
        return problems;
    }

    /**
     * Sets every sequence that is behind to its table's largest id and logs each at INFO; a sequence is never
     * moved back. Runs in the connection's transaction, after locking the four tables against writes until it
     * ends, so that no row arrives between the reading of the largest id and the setting. PostgreSQL does not
     * undo a {@code setval} when the transaction rolls back.
     *
     * @return one sentence per sequence moved
     */
    static List<String> catchUp(Connection connection, String display) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("LOCK TABLE author, book, \"user\", comment IN SHARE MODE");
        }
        List<String> moved = new ArrayList<>();
        for (Behind behind : behind(connection)) {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT setval(CAST(CAST(? AS text) AS regclass), ?)")) {
                statement.setString(1, behind.sequence);
                statement.setLong(2, behind.maxId);
                statement.execute();
            }
            String sentence = "moved the id sequence " + behind.sequence + " of table " + behind.table + " from next "
                    + "value " + behind.next + " to " + (behind.maxId + 1) + ", past the largest id " + behind.maxId
                    + " (rows had been inserted with explicit ids)";
            LOG.info("adopting {}: {}", display, sentence);
            moved.add(sentence);
        }
        return moved;
    }

    static List<Behind> behind(Connection connection) throws SQLException {
        List<Behind> behind = new ArrayList<>();
        for (String table : TABLES) {
            String sequence;
            Long maxId;
            // Fixed table names, never user input.
            try (PreparedStatement statement = connection.prepareStatement("SELECT pg_get_serial_sequence(?, 'id'), "
                    + "(SELECT max(id) FROM " + quoted(table) + ")")) {
                statement.setString(1, quoted(table));
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    sequence = rs.getString(1);
                    maxId = rs.getObject(2) == null ? null : rs.getLong(2);
                }
            }
            if (sequence == null || maxId == null) {
                continue; // no sequence to be behind, or no row to be behind of
            }
            long next;
            long increment;
            // the name comes quoted from pg_get_serial_sequence; a sequence is read like a one-row table
            try (Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT s.last_value, s.is_called, p.seqincrement FROM "
                         + sequence + " s, pg_sequence p WHERE p.seqrelid = '" + sequence.replace("'", "''")
                         + "'::regclass")) {
                rs.next();
                long last = rs.getLong(1);
                increment = rs.getLong(3);
                next = rs.getBoolean(2) ? last + increment : last;
            }
            if (increment > 0 && next <= maxId) {
                behind.add(new Behind(table, sequence, next, maxId));
            }
        }
        return behind;
    }

    /** "user" is quoted everywhere: unquoted, PostgreSQL reads it as CURRENT_USER. */
    private static String quoted(String table) {
        return table.equals("user") ? "\"user\"" : table;
    }
}
