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
     * Per table with rows and an id sequence, in {@link #TABLES}' order: its name, sequence, largest id, and the
     * sequence's {@code last_value}, {@code is_called} and increment. Fixed table names, never user input.
     */
    private static final String BEHIND = "SELECT name, seq, max_id,"
            + " (xpath('/row/last_value/text()', state))[1]::text::bigint,"
            + " (xpath('/row/is_called/text()', state))[1]::text::boolean,"
            + " (xpath('/row/seqincrement/text()', state))[1]::text::bigint"
            + " FROM (SELECT ord, name, seq, max_id, query_to_xml(format('SELECT s.last_value, s.is_called,"
            + " p.seqincrement FROM %s s, pg_sequence p WHERE p.seqrelid = %L::regclass', seq, seq),"
            + " false, true, '') AS state"
            + " FROM (SELECT ord, name, max_id, pg_get_serial_sequence(format('%I', name), 'id') AS seq"
            + " FROM (VALUES (1, 'author', (SELECT max(id) FROM author)), (2, 'book', (SELECT max(id) FROM book)),"
            + " (3, 'user', (SELECT max(id) FROM \"user\")), (4, 'comment', (SELECT max(id) FROM comment)))"
            + " AS tables (ord, name, max_id)) AS named"
            // OFFSET 0 keeps the subquery apart: query_to_xml runs once per sequence, not once per xpath
            + " WHERE seq IS NOT NULL AND max_id IS NOT NULL OFFSET 0) AS sequences"
            + " ORDER BY ord";

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
            long largest;
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT setval(CAST(CAST(? AS text) AS regclass), ?), (SELECT seqmax FROM pg_sequence"
                            + " WHERE seqrelid = CAST(CAST(? AS text) AS regclass))")) {
                statement.setString(1, behind.sequence);
                statement.setLong(2, behind.maxId);
                statement.setString(3, behind.sequence);
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    largest = rs.getLong(2);
                }
            }
            // a SERIAL sequence ends at 2147483647, the INTEGER column's limit, which an explicit id may reach
            String sentence = behind.maxId >= largest
                    ? "moved the id sequence " + behind.sequence + " of table " + behind.table + " from next value "
                            + behind.next + " to its largest value " + largest + ", the largest id (rows had been "
                            + "inserted with explicit ids): it has no id left, so creating a row in table "
                            + behind.table + " fails until the rows with the largest ids get smaller ones"
                    : "moved the id sequence " + behind.sequence + " of table " + behind.table + " from next "
                            + "value " + behind.next + " to " + (behind.maxId + 1) + ", past the largest id "
                            + behind.maxId + " (rows had been inserted with explicit ids)";
            LOG.info("{}: {}", display, sentence);
            moved.add(sentence);
        }
        return moved;
    }

    /**
     * The sequences behind their tables' rows, in one statement: each table's largest id and sequence, and the
     * sequence's state read from the sequence itself (its {@code last_value} and {@code is_called}, which
     * {@code setval(…, false)} leaves unset, unlike {@code pg_sequences}) through {@code query_to_xml}, as a
     * relation named by a value can only be read by a statement built at run time.
     */
    static List<Behind> behind(Connection connection) throws SQLException {
        List<Behind> behind = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(BEHIND)) {
            while (rs.next()) {
                String sequence = rs.getString(2);
                long maxId = rs.getLong(3);
                long last = rs.getLong(4);
                long increment = rs.getLong(6);
                long next = rs.getBoolean(5) ? last + increment : last;
                if (increment > 0 && next <= maxId) {
                    behind.add(new Behind(rs.getString(1), sequence, next, maxId));
                }
            }
        }
        return behind;
    }

    /** "user" is quoted everywhere: unquoted, PostgreSQL reads it as CURRENT_USER. */
    private static String quoted(String table) {
        return table.equals("user") ? "\"user\"" : table;
    }
}
