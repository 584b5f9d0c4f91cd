package org.elibrary.internal.mapper;

import java.util.List;

/**
 * Rows for a set-based bulk statement, as ONE parameter: a JSON array of row arrays for SQLite
 * ({@code json_each(?)}, each row's columns read with {@code ->>}, which needs SQLite 3.38.0) or one
 * typed array per column for PostgreSQL ({@code unnest(?, ?)}). On SQLite, {@code jsonb_each(jsonb(?))} was
 * measured ~7% faster on a 1,000-row insert (a row's columns are read without parsing its text again), but
 * jsonb_each needs SQLite 3.51.0, newer than the sqlite-jdbc Spring Boot 3.5 and 4.0 manage; and the library's
 * own SQLite connections write their bulk rows as multi-row inserts ({@link MultiRowInsert}) instead: the
 * JSON statements serve lookups by names or ids, the links of one book made with its authors, the bulk
 * inserts on a caller's connection without foreign-key enforcement, and rows past the largest rowid. The statement
 * text stays static (no per-row placeholders for MyBatis to generate and no SQL to recompile per size), and
 * the rows keep their order through {@code ORDER BY} on the array index, so ids are assigned in input order.
 * Only the representation a statement references is built.
 */
public final class Bulk {
    /**
     * Rows per bulk statement (or JDBC batch) at most: the repositories write bulk rows in chunks of this many,
     * each chunk one statement ({@link MultiRowInsert#rows}, a set-based insert of this class) or one batch.
     */
    public static final int CHUNK = 1000;

    private final List<?>[] columns;
    private final int size;

    private Bulk(List<?>[] columns) {
        this.columns = columns;
        this.size = columns[0].size();
        for (List<?> column : columns) {
            if (column.size() != size) {
                throw new IllegalArgumentException("columns of different lengths");
            }
        }
    }

    /** Columns of equal length; each holds String or Long values. */
    public static Bulk of(List<?>... columns) {
        return new Bulk(columns);
    }

    public int size() {
        return size;
    }

    /** SQLite: {@code [[c0, c1, ...], ...]}. */
    public String getJson() {
        StringBuilder json = new StringBuilder(size * 24 + 2).append('[');
        for (int row = 0; row < size; row++) {
            if (row > 0) {
                json.append(',');
            }
            json.append('[');
            for (int c = 0; c < columns.length; c++) {
                if (c > 0) {
                    json.append(',');
                }
                Object value = columns[c].get(row);
                if (value instanceof String text) {
                    appendString(json, text);
                } else {
                    json.append(((Number) value).longValue());
                }
            }
            json.append(']');
        }
        return json.append(']').toString();
    }

    /** PostgreSQL: column 0 as a typed Java array (String[] or Long[]). */
    public Object getColumn0() {
        return column(0);
    }

    public Object getColumn1() {
        return column(1);
    }

    public Object getColumn2() {
        return column(2);
    }

    private Object column(int index) {
        List<?> column = columns[index];
        if (!column.isEmpty() && column.get(0) instanceof String) {
            return column.toArray(new String[0]);
        }
        return column.toArray(new Long[0]);
    }

    private static void appendString(StringBuilder json, String text) {
        json.append('"');
        // runs of characters that need no escape (nearly all of them) are appended whole
        int plainFrom = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20) {
                json.append(text, plainFrom, i);
                switch (c) {
                    case '"' -> json.append("\\\"");
                    case '\\' -> json.append("\\\\");
                    case '\n' -> json.append("\\n");
                    case '\r' -> json.append("\\r");
                    case '\t' -> json.append("\\t");
                    default -> json.append(String.format("\\u%04x", (int) c));
                }
                plainFrom = i + 1;
            }
        }
        json.append(text, plainFrom, text.length()).append('"');
    }
}
