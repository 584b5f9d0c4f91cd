package org.elibrary.migrations;

import java.util.List;

/**
 * One JSON object on one line, for {@link MigrationsCommand}'s {@code --json}: the few kinds of value its reports
 * have (text or null, booleans, lists of text). Written by hand: this module depends on no JSON library, and its
 * users' classpaths should not get one for four reports.
 */
final class JsonLine {
    private final StringBuilder text = new StringBuilder("{");

    /** A text field; {@code null} is written as JSON null. */
    JsonLine field(String name, String value) {
        name(name);
        if (value == null) {
            text.append("null");
        } else {
            quote(value);
        }
        return this;
    }

    JsonLine field(String name, boolean value) {
        name(name);
        text.append(value);
        return this;
    }

    JsonLine field(String name, List<String> values) {
        name(name);
        text.append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                text.append(',');
            }
            quote(values.get(i));
        }
        text.append(']');
        return this;
    }

    /** The object, closed: one line, whatever its text holds (line breaks are escaped). */
    @Override
    public String toString() {
        return text + "}";
    }

    private void name(String name) {
        if (text.length() > 1) {
            text.append(',');
        }
        quote(name);
        text.append(':');
    }

    /** RFC 8259: a quote, a backslash and the control characters escaped; everything else as it is (UTF-8 out). */
    private void quote(String value) {
        text.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> text.append("\\\"");
                case '\\' -> text.append("\\\\");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                case '\t' -> text.append("\\t");
                default -> {
                    if (c < 0x20) {
                        text.append(String.format("\\u%04x", (int) c));
                    } else {
                        text.append(c);
                    }
                }
            }
        }
        text.append('"');
    }
}
