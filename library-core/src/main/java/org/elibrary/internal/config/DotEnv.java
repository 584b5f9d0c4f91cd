package org.elibrary.internal.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.elibrary.ConfigurationException;

/**
 * Reads a {@code .env} file the way python-dotenv (and so pydantic-settings) does, so one file serves the
 * Python app and this library: {@code KEY=value} lines in UTF-8, blank lines and {@code #} comments,
 * an optional {@code export } prefix, {@code 'single quotes'} taken literally, {@code "double quotes"} with
 * {@code \n \t \" \\} escapes (and spanning lines), {@code  # comment} after an unquoted value, {@code KEY=}
 * for an empty value. A line without {@code =} is ignored, as python-dotenv does. As in python-dotenv (and so
 * pydantic-settings), {@code ${NAME}} and {@code ${NAME:-default}} in unquoted and double-quoted values are
 * replaced by an earlier value of the file, else the environment variable, else the default, else nothing;
 * single-quoted values are literal.
 */
public final class DotEnv {
    private DotEnv() {
    }

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}:]*)(?::-([^}]*))?}");

    /** The variables of the file in file order, or empty when the file does not exist. */
    public static Optional<Map<String, String>> read(Path file) {
        return read(file, name -> null);
    }

    /**
     * The variables of the file in file order, or empty when the file does not exist.
     *
     * @param environment looks up the environment variables {@code ${NAME}} may refer to
     */
    public static Optional<Map<String, String>> read(Path file, Function<String, String> environment) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new ConfigurationException(".env file " + file + " cannot be read: " + e.getMessage(), e);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigurationException(".env file " + file + " is not valid UTF-8", e);
        }
        try {
            return Optional.of(parse(text, environment));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(".env file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses the text of a {@code .env} file.
     *
     * @throws IllegalArgumentException for a quoted value that is never closed (naming the line)
     */
    public static Map<String, String> parse(String text) {
        return parse(text, name -> null);
    }

    /**
     * Parses the text of a {@code .env} file, expanding {@code ${NAME}} from earlier values, then from
     * {@code environment}.
     *
     * @throws IllegalArgumentException for a quoted value that is never closed (naming the line)
     */
    public static Map<String, String> parse(String text, Function<String, String> environment) {
        Map<String, String> values = new LinkedHashMap<>();
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
            text = text.substring(1); // a BOM written by some Windows editors
        }
        int pos = 0;
        int line = 1;
        int length = text.length();
        while (pos < length) {
            int lineStart = pos;
            int lineEnd = indexOfLineEnd(text, pos);
            String raw = text.substring(pos, lineEnd);
            String trimmed = raw.strip();
            int startLine = line;
            pos = nextLine(text, lineEnd);
            line++;
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String body = trimmed;
            if (body.startsWith("export ") || body.startsWith("export\t")) {
                body = body.substring("export".length()).strip();
            }
            int eq = body.indexOf('=');
            if (eq <= 0) {
                continue; // python-dotenv ignores lines it cannot parse as KEY=VALUE
            }
            String key = body.substring(0, eq).strip();
            if (key.isEmpty() || key.chars().anyMatch(Character::isWhitespace)) {
                continue;
            }
            // Re-locate the value in the full text: a double- or single-quoted value may span lines.
            int leading = raw.length() - raw.stripLeading().length();
            int valueStart = lineStart + leading + (trimmed.length() - body.length()) + eq + 1;
            while (valueStart < lineEnd && (text.charAt(valueStart) == ' ' || text.charAt(valueStart) == '\t')) {
                valueStart++;
            }
            if (valueStart < length && (text.charAt(valueStart) == '"' || text.charAt(valueStart) == '\'')) {
                char quote = text.charAt(valueStart);
                StringBuilder value = new StringBuilder();
                int i = valueStart + 1;
                boolean closed = false;
                while (i < length) {
                    char c = text.charAt(i);
                    if (c == quote) {
                        closed = true;
                        i++;
                        break;
                    }
                    if (c == '\\' && quote == '"' && i + 1 < length) {
                        char next = text.charAt(i + 1);
                        switch (next) {
                            case 'n': value.append('\n'); break;
                            case 't': value.append('\t'); break;
                            case 'r': value.append('\r'); break;
                            case '"': value.append('"'); break;
                            case '\\': value.append('\\'); break;
                            case '\'': value.append('\''); break;
                            default: value.append(c).append(next); break;
                        }
                        i += 2;
                        continue;
                    }
                    if (c == '\\' && quote == '\'' && i + 1 < length && text.charAt(i + 1) == '\'') {
                        value.append('\'');
                        i += 2;
                        continue;
                    }
                    if (c == '\n') {
                        line++;
                    }
                    value.append(c);
                    i++;
                }
                if (!closed) {
                    throw new IllegalArgumentException("line " + startLine + ": the value of " + key
                            + " opens a " + (quote == '"' ? "double" : "single") + " quote that is never closed");
                }
                values.put(key, quote == '"' ? expand(value.toString(), values, environment) : value.toString());
                // Whatever follows the closing quote on its line is a comment (or ignored).
                pos = nextLine(text, indexOfLineEnd(text, i));
            } else {
                String value = text.substring(valueStart, lineEnd);
                int comment = inlineComment(value);
                if (comment >= 0) {
                    value = value.substring(0, comment);
                }
                values.put(key, expand(value.strip(), values, environment));
            }
        }
        return Collections.unmodifiableMap(values);
    }

    private static String expand(String value, Map<String, String> earlier, Function<String, String> environment) {
        if (value.indexOf("${") < 0) {
            return value;
        }
        Matcher matcher = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            String resolved = earlier.get(name);
            if (resolved == null) {
                resolved = environment.apply(name);
            }
            if (resolved == null) {
                resolved = matcher.group(2) == null ? "" : matcher.group(2);
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(resolved));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** Index of a {@code #} that starts a comment: one preceded by whitespace, as python-dotenv requires. */
    private static int inlineComment(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) == '#' && (i == 0 || Character.isWhitespace(value.charAt(i - 1)))) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOfLineEnd(String text, int from) {
        int i = from;
        while (i < text.length() && text.charAt(i) != '\n' && text.charAt(i) != '\r') {
            i++;
        }
        return i;
    }

    private static int nextLine(String text, int lineEnd) {
        if (lineEnd < text.length() && text.charAt(lineEnd) == '\r') {
            lineEnd++;
        }
        if (lineEnd < text.length() && text.charAt(lineEnd) == '\n') {
            lineEnd++;
        }
        return lineEnd;
    }
}
