package org.elibrary.internal.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.elibrary.LibrarySettings;

/**
 * Converts setting values from text. Every failure is an {@link IllegalArgumentException} whose message
 * says what was expected; the caller prefixes the key and the source.
 */
public final class SettingValues {
    /** The accepted duration forms, quoted in error messages. */
    public static final String DURATION_FORMS = "a number with a unit (500ms, 30s, 2m, 1h) or ISO-8601 (PT30S)";

    private static final Pattern SIMPLE_DURATION = Pattern.compile("([0-9]{1,12})\\s*(ms|s|m|h)");

    private SettingValues() {
    }

    private static boolean isDuration(String text) {
        try {
            duration(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h} or ISO-8601 {@code PT30S}; a bare number is refused. */
    public static Duration duration(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        Matcher simple = SIMPLE_DURATION.matcher(value);
        if (simple.matches()) {
            long amount = Long.parseLong(simple.group(1));
            switch (simple.group(2)) {
                case "ms": return Duration.ofMillis(amount);
                case "s": return Duration.ofSeconds(amount);
                case "m": return Duration.ofMinutes(amount);
                default: return Duration.ofHours(amount);
            }
        }
        if (value.startsWith("pt") || value.startsWith("p")) {
            try {
                Duration parsed = Duration.parse(value.toUpperCase(Locale.ROOT));
                if (parsed.isNegative()) {
                    throw new IllegalArgumentException("'" + text + "' is negative");
                }
                return parsed;
            } catch (DateTimeParseException e) {
                // fall through to the common message
            }
        }
        if (value.matches("[0-9]+")) {
            throw new IllegalArgumentException("'" + text + "' has no unit; expected " + DURATION_FORMS);
        }
        if (value.startsWith("-") && !value.startsWith("--") && isDuration(value.substring(1))) {
            throw new IllegalArgumentException("'" + text + "' is negative");
        }
        throw new IllegalArgumentException("'" + text + "' is not a duration; expected " + DURATION_FORMS);
    }

    /**
     * A duration as the duration settings take it: {@link #duration(String)}, and at most
     * {@link LibrarySettings#MAX_DURATION}.
     */
    public static Duration boundedDuration(String text) {
        Duration duration = duration(text);
        if (duration.compareTo(LibrarySettings.MAX_DURATION) > 0) {
            throw new IllegalArgumentException("'" + text + "' is too long: must be at most "
                    + LibrarySettings.MAX_DURATION.toMillis() + "ms (about 24.8 days)");
        }
        return duration;
    }

    /** A whole number from {@code min} to {@code max}. */
    public static int integer(String text, int min, int max) {
        String value = text.strip();
        try {
            long parsed = Long.parseLong(value);
            if (parsed >= min && parsed <= max) {
                return (int) parsed;
            }
        } catch (NumberFormatException e) {
            // the common message below
        }
        throw new IllegalArgumentException("'" + text + "' is not a whole number from " + min + " to " + max);
    }

    /** {@code true/false}, {@code yes/no}, {@code on/off}, {@code 1/0}, any case (as pydantic accepts). */
    public static boolean bool(String text) {
        switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "true": case "yes": case "on": case "1": case "y": case "t":
                return true;
            case "false": case "no": case "off": case "0": case "n": case "f":
                return false;
            default:
                throw new IllegalArgumentException("'" + text + "' is not a boolean; expected true or false (or yes/no, on/off, 1/0)");
        }
    }

    /** Shortest faithful text for a duration, in the form {@link #duration(String)} reads back. */
    public static String format(Duration duration) {
        // toMillis() overflows beyond about 292 million years; ISO-8601 text still reads back.
        if (duration.getSeconds() >= Long.MAX_VALUE / 1000 || duration.getSeconds() <= Long.MIN_VALUE / 1000) {
            return duration.toString();
        }
        long millis = duration.toMillis();
        if (!duration.equals(Duration.ofMillis(millis))) {
            return duration.toString();
        }
        if (millis % 3_600_000 == 0 && millis != 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0 && millis != 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }
}
