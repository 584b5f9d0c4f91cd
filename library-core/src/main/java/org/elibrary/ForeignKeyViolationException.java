package org.elibrary;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An existing database cannot be taken over because some of its rows break a foreign key: for example
 * comments of a user who no longer exists, left behind by a program that ran SQLite without
 * {@code PRAGMA foreign_keys}. Nothing was changed; remove or repair the rows named in the message
 * (SQLite's {@code PRAGMA foreign_key_check} lists them), then open or migrate again.
 */
public final class ForeignKeyViolationException extends LibraryException {
    private static final long serialVersionUID = 1L;

    /** Offending rows per foreign key, as {@link #violations()} returns them. */
    private final Map<String, Long> violations;

    /**
     * Rows of {@code database} break foreign keys; the message names each child table, its column, the parent
     * table and the number of rows, and gives the query that lists them.
     *
     * @param database   the database, as its masked URL
     * @param violations the number of offending rows per foreign key, keyed as
     *                   {@code child_table.column -> parent_table}, in a stable order
     * @throws IllegalArgumentException if a key is not of that form
     */
    public ForeignKeyViolationException(String database, Map<String, Long> violations) {
        super(message(database, checked(violations)));
        this.violations = Collections.unmodifiableMap(new LinkedHashMap<>(violations));
    }

    /** {@return offending rows per foreign key, keyed as {@code child_table.column -> parent_table}} */
    public Map<String, Long> violations() {
        return violations;
    }

    /**
     * The broken references per child table: the sum of {@link #violations()} over the table's foreign keys,
     * so a row that breaks two of them (a comment whose user and book are both missing) counts twice.
     */
    public Map<String, Long> rowsByTable() {
        Map<String, Long> byTable = new LinkedHashMap<>();
        violations.forEach((key, count) -> byTable.merge(key.substring(0, key.indexOf('.')), count, Long::sum));
        return Collections.unmodifiableMap(byTable);
    }

    private static Map<String, Long> checked(Map<String, Long> violations) {
        for (String key : violations.keySet()) {
            int dot = key.indexOf('.');
            int arrow = key.indexOf(" -> ");
            if (dot <= 0 || arrow <= dot + 1 || arrow + 4 >= key.length()) {
                throw new IllegalArgumentException("violations: key '" + key + "' is not of the form "
                        + "child_table.column -> parent_table");
            }
        }
        return violations;
    }

    private static String message(String database, Map<String, Long> violations) {
        StringBuilder text = new StringBuilder("database ").append(database)
                .append(" has rows that break foreign keys, so it was not migrated: ");
        String separator = "";
        for (Map.Entry<String, Long> entry : violations.entrySet()) {
            String key = entry.getKey();
            int arrow = key.indexOf(" -> ");
            text.append(separator).append(key, 0, key.indexOf('.')).append(": ").append(entry.getValue())
                    .append(entry.getValue() == 1 ? " row" : " rows").append(" with ")
                    .append(key, key.indexOf('.') + 1, arrow).append(" referencing a missing ")
                    .append(key.substring(arrow + 4));
            separator = "; ";
        }
        text.append(". Delete or repair those rows, then try again; they are");
        separator = " ";
        for (String key : violations.keySet()) {
            text.append(separator).append(offendingRows(key));
            separator = "; ";
        }
        return text.toString();
    }

    /**
     * The query that lists a foreign key's offending rows, for both databases (identifiers quoted: {@code user}
     * is a reserved word in PostgreSQL); a NULL reference is none, as for the foreign key itself.
     */
    static String offendingRows(String key) {
        int dot = key.indexOf('.');
        int arrow = key.indexOf(" -> ");
        return "SELECT * FROM \"" + key.substring(0, dot) + "\" WHERE \"" + key.substring(dot + 1, arrow)
                + "\" NOT IN (SELECT \"id\" FROM \"" + key.substring(arrow + 4) + "\")";
    }
}
