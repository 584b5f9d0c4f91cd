package org.elibrary.examples.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Human output: rows printed in columns aligned by character count (code points, so Cyrillic and emoji
 * line up as one column each), the last column never padded.
 */
final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    Table(String... header) {
        this.columns = header.length;
        rows.add(header);
    }

    Table row(Object... cells) {
        if (cells.length != columns) {
            throw new IllegalArgumentException("expected " + columns + " cells, got " + cells.length);
        }
        String[] text = new String[columns];
        for (int i = 0; i < columns; i++) {
            text[i] = cells[i] == null ? "" : String.valueOf(cells[i]);
        }
        rows.add(text);
        return this;
    }

    /** Rows excluding the header. */
    int size() {
        return rows.size() - 1;
    }

    void print(PrintWriter out) {
        print(out, rows);
    }

    /** Prints the rows only: for key/value listings, whose header would say nothing. */
    void printWithoutHeader(PrintWriter out) {
        print(out, rows.subList(1, rows.size()));
    }

    private void print(PrintWriter out, List<String[]> rows) {
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], width(row[i]));
            }
        }
        StringBuilder line = new StringBuilder();
        for (String[] row : rows) {
            line.setLength(0);
            for (int i = 0; i < columns; i++) {
                line.append(row[i]);
                if (i < columns - 1) {
                    line.append(" ".repeat(widths[i] - width(row[i]) + 2));
                }
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }

    static int width(String text) {
        return text.codePointCount(0, text.length());
    }
}
