package org.elibrary.internal.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.elibrary.ConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a {@code .env} file as python-dotenv 1.2.2's {@code dotenv_values} (and so pydantic-settings) reads it,
 * so one file serves the Python app and this library: {@code KEY=value} bindings in UTF-8 (a leading BOM is
 * dropped), blank lines and {@code #} comments, an optional {@code export } prefix, {@code KEY=} for an empty
 * value. An unquoted value ends at a {@code #} that follows whitespace ({@code KEY=#1} keeps {@code #1}).
 * {@code 'single quotes'} decode only {@code \\} and {@code \'}; {@code "double quotes"} decode
 * {@code \\ \' \" \a \b \f \n \r \t \v}; both may span lines, and line ends inside them read as
 * {@code \n} whatever the file uses. In every value, single-quoted ones included, {@code ${NAME}} and
 * {@code ${NAME:-default}} are replaced by an earlier value of the file, else the environment variable, else
 * the default, else nothing. A binding python-dotenv cannot parse ({@code A="x"junk}, a quote never closed) is
 * skipped as python-dotenv skips it, with a warning naming the file and line but not the text, which may hold
 * a secret. A line without {@code =} binds nothing.
 */
public final class DotEnv {
    private static final Logger LOG = LoggerFactory.getLogger(DotEnv.class);
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}:]*)(?::-([^}]*))?}");
    private static final String SINGLE_QUOTE_ESCAPES = "\\'";
    private static final String DOUBLE_QUOTE_ESCAPES = "\\'\"abfnrtv";

    private DotEnv() {
    }

    /** Why a file could not be read, in words: the exception's message is often the path alone. */
    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        String reason = e instanceof FileSystemException failed ? failed.getReason() : e.getMessage();
        return reason == null || reason.isBlank() ? e.getClass().getSimpleName()
                : reason.substring(0, 1).toLowerCase(Locale.ROOT) + reason.substring(1);
    }

    /** The bindings of a text in file order, and the lines of the statements skipped as unparseable. */
    record Parsed(Map<String, String> values, List<Integer> skippedLines) {
    }

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
            throw new ConfigurationException(".env file " + file + " cannot be read: " + reason(e), e);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigurationException(".env file " + file + " is not valid UTF-8", e);
        }
        Parsed parsed = parseWithSkips(text, environment);
        for (int line : parsed.skippedLines()) {
            LOG.warn(".env file {}: the statement at line {} cannot be parsed (as python-dotenv cannot) and is "
                    + "skipped", file, line);
        }
        return Optional.of(parsed.values());
    }

    /** Parses the text of a {@code .env} file; unparseable statements are skipped. */
    public static Map<String, String> parse(String text) {
        return parse(text, name -> null);
    }

    /**
     * Parses the text of a {@code .env} file, expanding {@code ${NAME}} from earlier values, then from
     * {@code environment}; unparseable statements are skipped.
     */
    public static Map<String, String> parse(String text, Function<String, String> environment) {
        return parseWithSkips(text, environment).values();
    }

    /** A port of python-dotenv's {@code parse_stream}: one binding (or comment, or error) per step. */
    static Parsed parseWithSkips(String text, Function<String, String> environment) {
        // Python reads the file with universal newlines: \r\n and a lone \r are \n, also inside quotes.
        String s = text.replace("\r\n", "\n").replace('\r', '\n');
        if (s.startsWith("\uFEFF")) {
            s = s.substring(1); // a BOM written by some Windows editors
        }
        Map<String, String> values = new LinkedHashMap<>();
        List<Integer> skipped = new ArrayList<>();
        Cursor at = new Cursor(s);
        while (true) {
            at.skip(DotEnv::isSpace);
            if (at.atEnd()) {
                break;
            }
            int statementStart = at.pos;
            try {
                String key = parseKey(at);
                at.skip(DotEnv::isBlank);
                String value = null;
                if (at.peek() == '=') {
                    at.pos++;
                    at.skip(DotEnv::isBlank);
                    value = parseValue(at);
                }
                readCommentAndEndOfLine(at);
                if (key != null && value != null) {
                    values.put(key, expand(value, values, environment));
                }
            } catch (IllegalArgumentException e) {
                skipped.add(lineOf(s, statementStart));
                at.skip(c -> c != '\n');
                at.pos = Math.min(at.pos + 1, s.length());
            }
        }
        return new Parsed(Collections.unmodifiableMap(values), List.copyOf(skipped));
    }

    /** The key, or null for a comment; {@code 'quoted'} or a run without {@code = #} and whitespace. */
    private static String parseKey(Cursor at) {
        if (at.startsWith("export") && at.pos + 6 < at.text.length() && isBlank(at.text.charAt(at.pos + 6))) {
            at.pos += 6;
            at.skip(DotEnv::isBlank);
        }
        if (at.peek() == '#') {
            return null;
        }
        if (at.peek() == '\'') {
            int close = at.text.indexOf('\'', at.pos + 1);
            if (close <= at.pos + 1) {
                throw new IllegalArgumentException("bad key");
            }
            String key = at.text.substring(at.pos + 1, close);
            at.pos = close + 1;
            return key;
        }
        int start = at.pos;
        at.skip(c -> c != '=' && c != '#' && !isSpace(c));
        if (at.pos == start) {
            throw new IllegalArgumentException("no key");
        }
        return at.text.substring(start, at.pos);
    }

    private static String parseValue(Cursor at) {
        char first = at.peek();
        if (first == '\'' || first == '"') {
            int close = closingQuote(at.text, at.pos, first);
            if (close < 0) {
                throw new IllegalArgumentException("unclosed quote");
            }
            String raw = at.text.substring(at.pos + 1, close);
            at.pos = close + 1;
            return decodeEscapes(raw, first == '"' ? DOUBLE_QUOTE_ESCAPES : SINGLE_QUOTE_ESCAPES);
        }
        int start = at.pos;
        at.skip(c -> c != '\n');
        String value = at.text.substring(start, at.pos);
        // A comment needs whitespace before its '#'; the whitespace after '=' is already consumed.
        for (int i = 1; i < value.length(); i++) {
            if (value.charAt(i) == '#' && isSpace(value.charAt(i - 1))) {
                value = value.substring(0, i);
                break;
            }
        }
        int end = value.length();
        while (end > 0 && isSpace(value.charAt(end - 1))) {
            end--;
        }
        return value.substring(0, end);
    }

    /**
     * The index of the quote closing the value opened at {@code open}, as python-dotenv's regex
     * {@code '((?:\\'|[^'])*)'} finds it: a backslash before a quote keeps the value open, and when nothing
     * closes it, backtracking makes the quote of the last such pair the closing one. -1 when there is none.
     */
    private static int closingQuote(String s, int open, char quote) {
        int lastEscaped = -1;
        int i = open + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && s.charAt(i + 1) == quote) {
                lastEscaped = i + 1;
                i += 2;
            } else if (c == quote) {
                return i;
            } else {
                i++;
            }
        }
        return lastEscaped;
    }

    /** Decodes a backslash before one of {@code escapable} as Python's {@code unicode-escape} does. */
    private static String decodeEscapes(String raw, String escapable) {
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\\' && i + 1 < raw.length() && escapable.indexOf(raw.charAt(i + 1)) >= 0) {
                i++;
                switch (raw.charAt(i)) {
                    case 'a': out.append('\u0007'); break;
                    case 'b': out.append('\b'); break;
                    case 'f': out.append('\f'); break;
                    case 'n': out.append('\n'); break;
                    case 'r': out.append('\r'); break;
                    case 't': out.append('\t'); break;
                    case 'v': out.append('\u000B'); break;
                    default: out.append(raw.charAt(i)); break;
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** After a value: blanks, an optional {@code # comment}, then the end of the line, or the binding fails. */
    private static void readCommentAndEndOfLine(Cursor at) {
        int afterValue = at.pos;
        at.skip(DotEnv::isBlank);
        if (at.peek() == '#') {
            at.skip(c -> c != '\n');
        } else {
            at.pos = afterValue;
            at.skip(DotEnv::isBlank);
        }
        if (!at.atEnd() && at.peek() != '\n') {
            at.pos = afterValue;
            throw new IllegalArgumentException("text after the value");
        }
        if (!at.atEnd()) {
            at.pos++;
        }
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

    /** Python's {@code \\s}: Java's whitespace plus the no-break spaces and NEL, which Python counts too. */
    private static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
    }

    /** Python's {@code [^\\S\\r\\n]}: whitespace within a line. */
    private static boolean isBlank(char c) {
        return c != '\n' && isSpace(c);
    }

    private static int lineOf(String s, int index) {
        int line = 1;
        for (int i = s.indexOf('\n'); i >= 0 && i < index; i = s.indexOf('\n', i + 1)) {
            line++;
        }
        return line;
    }

    /** A position in the text; {@code peek()} is {@code \0} at the end. */
    private static final class Cursor {
        final String text;
        int pos;

        Cursor(String text) {
            this.text = text;
        }

        boolean atEnd() {
            return pos >= text.length();
        }

        char peek() {
            return atEnd() ? '\0' : text.charAt(pos);
        }

        boolean startsWith(String prefix) {
            return text.startsWith(prefix, pos);
        }

        void skip(CharPredicate keep) {
            while (!atEnd() && keep.test(text.charAt(pos))) {
                pos++;
            }
        }
    }

    private interface CharPredicate {
        boolean test(char c);
    }
}
