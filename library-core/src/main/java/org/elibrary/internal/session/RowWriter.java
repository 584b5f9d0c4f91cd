package org.elibrary.internal.session;

import java.sql.SQLException;
import java.util.Arrays;

/**
 * The rows of a bulk insert ({@link UnitOfWork#insertRows}), given value by value in the order of the mapper
 * insert's parameters, each row ended by {@link #endRow()}: a bulk write does not call a mapper per row (a
 * proxy invocation with an argument array of boxed values, a lookup of the method's plan). Rows go to the
 * database a batch or a multi-row statement at a time, while they are written and at the end.
 */
public final class RowWriter {
    /** Runs rows: {@code rows} rows whose values are {@code values} in row order; the rows inserted. */
    @FunctionalInterface
    interface Flush {
        int insert(Object[] values, int rows) throws SQLException;
    }

    private final int columns;
    /** Per column: whether the insert's parameter takes text (else an integer). */
    private final boolean[] text;
    private final int rowsPerFlush;
    private final Flush flush;
    private Object[] values;
    private int size;
    private int rows;
    private int inserted;
    private boolean typesChecked;

    /** {@code parameterTypes}: the insert method's, each {@code long}, {@code Long} or {@code String}. */
    RowWriter(Class<?>[] parameterTypes, int rowsPerFlush, Flush flush) {
        this.columns = parameterTypes.length;
        this.text = new boolean[columns];
        for (int i = 0; i < columns; i++) {
            text[i] = parameterTypes[i] == String.class;
            if (!text[i] && parameterTypes[i] != long.class && parameterTypes[i] != Long.class) {
                throw new IllegalStateException("bulk rows take long and String values, not " + parameterTypes[i]);
            }
        }
        this.rowsPerFlush = rowsPerFlush;
        this.flush = flush;
        this.values = new Object[columns * Math.min(rowsPerFlush, 64)];
    }

    public RowWriter add(long value) {
        return add((Object) value);
    }

    public RowWriter add(String value) {
        return add((Object) value);
    }

    private RowWriter add(Object value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, Math.min(values.length * 2, columns * rowsPerFlush));
        }
        if (size == (rows + 1) * columns) {
            throw new IllegalStateException("a row of the insert has " + columns + " values; endRow() is missing");
        }
        values[size++] = value;
        return this;
    }

    /** Ends the row; runs the rows written so far once they make a full batch or statement. */
    public void endRow() {
        if (size != (rows + 1) * columns) {
            throw new IllegalStateException("a row of the insert has " + columns + " values, not "
                    + (size - rows * columns));
        }
        if (!typesChecked) {
            // the first row only: every row is written by the same code, and a check per value costs ~3% of a
            // cold import
            for (int i = 0; i < columns; i++) {
                Object value = values[i];
                if (text[i] ? value != null && !(value instanceof String) : !(value instanceof Long)) {
                    throw new IllegalStateException("value " + (i + 1) + " of a row of the insert must be "
                            + (text[i] ? "a String" : "a long"));
                }
            }
            typesChecked = true;
        }
        rows++;
        if (rows == rowsPerFlush) {
            flush();
        }
    }

    /** Runs the rows not run yet; how many rows were inserted in all. */
    int finish() {
        if (size != rows * columns) {
            throw new IllegalStateException("the last row of the insert was not ended (endRow())");
        }
        flush();
        return inserted;
    }

    private void flush() {
        if (rows == 0) {
            return;
        }
        try {
            inserted += flush.insert(values, rows);
        } catch (SQLException e) {
            throw new DirectMappers.StatementFailure(e);
        }
        Arrays.fill(values, 0, size, null);
        size = 0;
        rows = 0;
    }
}
