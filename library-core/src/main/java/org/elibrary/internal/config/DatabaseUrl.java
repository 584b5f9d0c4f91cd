package org.elibrary.internal.config;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.elibrary.Backend;
import org.elibrary.internal.db.Drivers;

/**
 * A parsed {@code DATABASE_URL}: JDBC URLs ({@code jdbc:sqlite:…}, {@code jdbc:postgresql://…}) as they are,
 * and the SQLAlchemy URLs the Python app's {@code .env} holds translated to JDBC:
 * <ul>
 *   <li>{@code sqlite:///relative.db}, {@code sqlite+aiosqlite:///./library.db} (relative to the working
 *       directory, as SQLAlchemy resolves them), {@code sqlite:////absolute/path.db},
 *       {@code sqlite://} and {@code sqlite:///:memory:} (in memory). Query parameters of a SQLAlchemy SQLite
 *       URL are options of the Python driver: they are refused (a read-only {@code mode=ro} silently ignored
 *       would let the library write), except {@code check_same_thread}, which means nothing here.</li>
 *   <li>{@code postgresql://}, {@code postgres://}, {@code postgresql+asyncpg://},
 *       {@code postgresql+psycopg2://} … {@code user:password@host:port/database?params}: user info is read as
 *       SQLAlchemy reads it (the password may hold raw {@code / ? # :}, and a raw {@code @} that no {@code /},
 *       {@code ?} or {@code #} follows: other URLs with an {@code @} after the user info's are refused as
 *       ambiguous, {@code @} is {@code %40} there, and so are URLs whose {@code @} in the query could as well
 *       end user info: {@code postgresql://h:5432/lib?x=me@work}), credentials are percent-decoded
 *       ({@code %} not followed by two hex digits stays as it is) and kept out of the JDBC URL (passed as driver
 *       properties), query parameters pass through, with the libpq/asyncpg spellings {@code ssl},
 *       {@code connect_timeout} and {@code application_name} renamed to pgjdbc's, and asyncpg's statement cache
 *       sizes ({@code prepared_statement_cache_size}, {@code statement_cache_size}) turned into
 *       {@code prepareThreshold=0} when 0, dropped otherwise, and libpq's {@code target_session_attrs} into
 *       pgjdbc's {@code targetServerType}. Several hosts: {@code host1:5432,host2:5433} in the authority, or, for
 *       a URL without a host of its own, the query's {@code host=}/{@code port=} as SQLAlchemy reads them
 *       ({@code hostsFromQuery}); a unix-domain socket and a host both in the authority and in the query are
 *       refused.</li>
 * </ul>
 * The password is never part of {@link #toString()}, {@link #displayUrl()} or an exception message: a URL that
 * parses shows exactly the password it holds masked; one that does not is shown with anything that may be a
 * password masked ({@link #mask}), and its messages quote no part of it that the mask hid.
 */
public final class DatabaseUrl {
    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.\\-]*):");
    /** A scheme followed by {@code //}, where user info may start; also {@code jdbc:postgresql://}. */
    private static final Pattern SCHEME_AND_SLASHES =
            Pattern.compile("^(?:[Jj][Dd][Bb][Cc]:)?[A-Za-z][A-Za-z0-9+.\\-]*://");
    private static final Pattern QUERY_PASSWORD = Pattern.compile("(?i)([?&;](?:ssl)?password=)([^&;]*)");
    /** A password parameter in free text, where a driver may repeat it outside a URL or encoded. */
    private static final Pattern PASSWORD_IN_TEXT = Pattern.compile("(?i)(password(?:=|%3D))([^&\\s\"',;)]*)");
    /** A word of free text: quotes or brackets before it, then what may be a URL. */
    private static final Pattern WORD = Pattern.compile("([\"'(<\\[]*)([^\\s\"'(<\\[]\\S*)");
    /** Query parameters the SQLAlchemy URL of a Python app may carry that mean nothing to sqlite-jdbc. */
    private static final Set<String> IGNORED_SQLITE_OPTIONS = Set.of("check_same_thread");
    /** pgjdbc reads these (any case) as the server's address, overriding the URL's authority. */
    private static final Set<String> HOST_PARAMETERS = Set.of("host", "port", "pghost", "pgport");
    /**
     * libpq's {@code target_session_attrs} (asyncpg's too) as pgjdbc's {@code targetServerType}: pgjdbc's primary
     * is a server that accepts writes, its secondary one that does not.
     */
    private static final Map<String, String> TARGET_SERVER_TYPES = Map.of("any", "any", "read-write", "primary",
            "primary", "primary", "read-only", "secondary", "standby", "secondary", "prefer-standby",
            "preferSecondary");
    /** SQLAlchemy's asyncpg dialect's and asyncpg's statement cache sizes: 0 turns named statements off. */
    private static final Set<String> STATEMENT_CACHE_SIZES = Set.of("prepared_statement_cache_size",
            "statement_cache_size");
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");
    private static final String SSL_MODES = "|disable|allow|prefer|require|verify-ca|verify-full|";

    private final Backend backend;
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final Path sqliteFile;
    private final boolean inMemory;
    private final String displayUrl;

    private DatabaseUrl(Backend backend, String jdbcUrl, String user, String password, Path sqliteFile,
                        boolean inMemory, String displayUrl) {
        this.backend = backend;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.sqliteFile = sqliteFile;
        this.inMemory = inMemory;
        this.displayUrl = displayUrl;
    }

    /**
     * Parses a database URL.
     *
     * @param workingDirectory what relative SQLite paths resolve against
     * @throws IllegalArgumentException saying what is wrong, with any password masked
     */
    public static DatabaseUrl parse(String url, Path workingDirectory) {
        Objects.requireNonNull(workingDirectory, "workingDirectory");
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("is empty");
        }
        String trimmed = url.strip();
        String display = mask(trimmed);
        Matcher scheme = SCHEME.matcher(trimmed);
        if (!scheme.find()) {
            throw new IllegalArgumentException("'" + display + "' is not a URL (no scheme); expected for example "
                    + "sqlite:///./library.db, postgresql://user:password@host:5432/database or jdbc:sqlite:library.db");
        }
        String name = scheme.group(1).toLowerCase(Locale.ROOT);
        // a URL that parsed is shown masked where it has a password, no more: a SQLite path may hold ':' and
        // '@' that the mask for messages hides
        if (name.equals("jdbc")) {
            return parseJdbc(trimmed, display, workingDirectory).shown(trimmed.regionMatches(true, 0,
                    "jdbc:sqlite:", 0, "jdbc:sqlite:".length()) ? masked(trimmed, null) : display);
        }
        String dialect = name.contains("+") ? name.substring(0, name.indexOf('+')) : name;
        String rest = trimmed.substring(scheme.end());
        switch (dialect) {
            case "sqlite":
                requireDriver(Backend.SQLITE, display);
                return parseSqlAlchemySqlite(rest, display, workingDirectory).shown(masked(trimmed, null));
            case "postgresql":
            case "postgres":
                requireDriver(Backend.POSTGRESQL, display);
                return parseSqlAlchemyPostgres(trimmed.substring(0, scheme.end()), rest, display);
            default:
                throw unknownScheme(scheme.group(1), display);
        }
    }

    private DatabaseUrl shown(String display) {
        return new DatabaseUrl(backend, jdbcUrl, user, password, sqliteFile, inMemory, display);
    }

    /**
     * The URL with anything that may be a password replaced by {@code ***}, for a URL that may not parse (error
     * messages, a command line's stray argument): in user info, whatever characters it holds and however
     * malformed the URL ({@code user:password@host/db} without a scheme, {@code a/b:password@host}, a
     * {@code jdbc:postgresql://} URL with user info), everything from the first {@code :} after the scheme up
     * to the last {@code @}; and {@code password=} and {@code sslpassword=} parameters. Only a text that cannot
     * hold user info is spared: the path of a SQLite URL, and a {@code jdbc:postgresql://} URL whose part before
     * the query reads as {@code host:port/database} (pgjdbc has no user info: an {@code @} in its query, as in
     * {@code user=a@corp}, ends none). A URL that parses is shown as {@link #displayUrl()}, which masks exactly
     * the password it reads.
     */
    public static String mask(String url) {
        if (url == null) {
            return null;
        }
        return masked(url, suspectedPassword(url));
    }

    /**
     * {@code text} with passwords taken out: every word of it that holds a URL masked as {@link #mask} masks
     * it, {@code password=} and {@code sslpassword=} (also {@code password%3D}) values, and the password of
     * {@code url}, wherever it appears, as the URL writes it, percent-decoded and percent-encoded.
     *
     * @param text the text, or null
     * @param url  a URL whose password may be in the text, parsed or not, or null
     */
    public static String maskIn(String text, String url) {
        if (text == null) {
            return null;
        }
        // all found in the text as given, then replaced at once: replacing one first could cut another short
        List<int[]> spans = new ArrayList<>();
        Matcher word = WORD.matcher(text);
        while (word.find()) {
            int[] password = suspectedPassword(word.group(2));
            if (password != null) {
                spans.add(new int[] {word.start(2) + password[0], word.start(2) + password[1]});
            }
            addValues(QUERY_PASSWORD, word.group(2), word.start(2), spans);
        }
        addValues(PASSWORD_IN_TEXT, text, 0, spans);
        for (String secret : secrets(url)) {
            for (int i = text.indexOf(secret); i >= 0; i = text.indexOf(secret, i + 1)) {
                spans.add(new int[] {i, i + secret.length()});
            }
        }
        return replaced(text, spans);
    }

    /** The password of {@code url} in every form a message may repeat it. */
    private static List<String> secrets(String url) {
        List<String> passwords = new ArrayList<>();
        if (url != null) {
            String trimmed = url.strip();
            int[] span = suspectedPassword(trimmed);
            // The password may start after any ':' of the span (a URL without "//" has it start at the scheme's:
            // "postgresql:anna:pw@h") and end at any '@' (the last may be a query value's: "…@h/db?x=me@work").
            for (int start = span == null ? -1 : span[0]; start >= 0; ) {
                for (int end = trimmed.indexOf('@', start); end >= 0 && end <= span[1];
                     end = trimmed.indexOf('@', end + 1)) {
                    passwords.add(trimmed.substring(start, end));
                }
                int colon = trimmed.indexOf(':', start);
                start = colon >= 0 && colon < span[1] ? colon + 1 : -1;
            }
            Matcher parameter = QUERY_PASSWORD.matcher(trimmed);
            while (parameter.find()) {
                passwords.add(parameter.group(2));
            }
        }
        List<String> secrets = new ArrayList<>();
        for (String password : passwords) {
            String decoded = percentDecode(password);
            String encoded = URLEncoder.encode(decoded, StandardCharsets.UTF_8);
            secrets.addAll(List.of(password, decoded, encoded, encoded.replace("+", "%20")));
        }
        secrets.removeIf(String::isEmpty);
        return secrets;
    }

    /**
     * Where {@link #mask} suspects a password in user info, {@code [start, end)}, or null: from the first
     * {@code :} after the scheme (and its {@code //}) to the last {@code @}. A password may hold any of
     * {@code : / ? # @}, and a user name that holds a {@code /} or {@code ?} is malformed but no less followed
     * by a password.
     */
    private static int[] suspectedPassword(String url) {
        if (url.regionMatches(true, 0, "jdbc:sqlite:", 0, "jdbc:sqlite:".length())) {
            return null; // a path, which may hold ':' and '@' (/home/anna@corp/x.db), never credentials
        }
        boolean pgjdbc = url.regionMatches(true, 0, "jdbc:postgresql:", 0, "jdbc:postgresql:".length());
        Matcher scheme = SCHEME_AND_SLASHES.matcher(url);
        int from = pgjdbc ? "jdbc:postgresql:".length() : scheme.lookingAt() ? scheme.end() : 0;
        boolean slashes = pgjdbc && url.startsWith("//", from);
        if (slashes) {
            from += 2;
        }
        if (from > 0 && url.regionMatches(true, 0, "sqlite", 0, "sqlite".length())
                && (from == url.length() || url.charAt(from) == '/')) {
            return null; // sqlite:///path: no host, so no user info; the path may hold ':' and '@'
        }
        int colon = url.indexOf(':', from);
        int lastAt = url.lastIndexOf('@');
        if (colon < 0 || lastAt < colon) {
            return null;
        }
        // the ':' of a port, and the '@' in pgjdbc's query ("jdbc:postgresql://h:5432/d?user=a@corp"): no user info
        int query = url.indexOf('?', from);
        if (slashes && colon < firstOf(url, from, '/', '?')
                && readsAsServer(url.substring(from, query < 0 ? url.length() : query), true)) {
            return null;
        }
        return new int[] {colon + 1, lastAt};
    }

    /**
     * Whether {@code server}, the part of a URL after {@code //} and before its query, is
     * {@code host[:port][,…][/database]} with valid hosts and ports and no {@code @}: its {@code :} is then a
     * port's.
     *
     * @param needsDatabase whether the {@code /} is required, as pgjdbc requires it
     */
    private static boolean readsAsServer(String server, boolean needsDatabase) {
        int slash = server.indexOf('/');
        if (server.indexOf('@') >= 0 || (slash < 0 && needsDatabase)
                || (slash >= 0 && server.indexOf('/', slash + 1) >= 0)) {
            return false;
        }
        for (String hostPort : (slash < 0 ? server : server.substring(0, slash)).split(",", -1)) {
            if (!hostPort.isEmpty() && hostPortProblem(hostPort, hostPort) != null) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code url} with {@code password} ({@code [start, end)} in user info, or null) and the values of its
     * {@code password=} and {@code sslpassword=} parameters each replaced by {@code ***}; overlapping ones as one.
     */
    private static String masked(String url, int[] password) {
        List<int[]> spans = new ArrayList<>();
        if (password != null) {
            spans.add(password);
        }
        addValues(QUERY_PASSWORD, url, 0, spans);
        return replaced(url, spans);
    }

    /** Where the values (group 2) of {@code parameter} lie in {@code text}, shifted by {@code offset}. */
    private static void addValues(Pattern parameter, String text, int offset, List<int[]> spans) {
        Matcher value = parameter.matcher(text);
        while (value.find()) {
            spans.add(new int[] {offset + value.start(2), offset + value.end(2)});
        }
    }

    /** {@code text} with each span, {@code [start, end)}, replaced by {@code ***}; overlapping ones as one. */
    private static String replaced(String text, List<int[]> spans) {
        spans.sort(Comparator.comparingInt(span -> span[0]));
        StringBuilder out = new StringBuilder();
        int shown = 0;
        for (int i = 0; i < spans.size(); ) {
            int start = spans.get(i)[0];
            int end = spans.get(i)[1];
            for (i++; i < spans.size() && spans.get(i)[0] <= end; i++) {
                end = Math.max(end, spans.get(i)[1]);
            }
            out.append(text, shown, start).append("***");
            shown = end;
        }
        return out.append(text, shown, text.length()).toString();
    }

    /**
     * Where the password of user info starting at {@code from} lies, {@code [start, end)}, or null when there
     * is none: a user name without {@code :} or {@code /}, then {@code :} and the password up to the last
     * {@code @}, so that a raw {@code @} in it neither splits it nor shows its tail in a message. Where that
     * last {@code @} may not be the password's end, the parser refuses the URL ({@code requireUnambiguous}).
     */
    private static int[] passwordSpan(String url, int from) {
        int colon = -1;
        for (int i = from; i < url.length() && url.charAt(i) != '/'; i++) {
            if (url.charAt(i) == ':') {
                colon = i;
                break;
            }
        }
        if (colon < 0 || url.indexOf('@', colon) < 0) {
            return null;
        }
        return new int[] {colon + 1, url.lastIndexOf('@')};
    }

    /**
     * {@code " 'part'"} when the masked URL {@code display} shows {@code part}, else nothing: a part of a URL
     * that did not parse may lie where the mask hid a password (the "port" of {@code anna:pa/ss?x@host}).
     */
    private static String quoted(String part, String display) {
        return display.contains(part) ? " '" + part + "'" : "";
    }

    /**
     * Refuses user info whose end cannot be told: an {@code @} after a {@code /}, {@code ?} or {@code #} that
     * follows the first {@code @} at {@code firstAt}. Both {@code anna:p@ss/w#1@host/db} (a password
     * {@code p@ss/w#1}) and {@code anna:pw@host/db?application_name=me@work} have that shape; SQLAlchemy ends the
     * password at the first {@code @}, this parser would end it at the last, and either guess sends a password
     * to the wrong host or shows part of it in every message.
     */
    private static void requireUnambiguous(String s, int firstAt, String display) {
        int lastAt = s.lastIndexOf('@');
        for (int i = firstAt; i < lastAt; i++) {
            char c = s.charAt(i);
            if (c == '/' || c == '?' || c == '#') {
                throw new IllegalArgumentException("'" + display + "' is ambiguous: an '@' follows a '/', '?' or "
                        + "'#' that follows an earlier '@', so where the user info and its password end cannot be "
                        + "told. Write '@' as %40 in a password that also holds '/', '?' or '#', and in the database "
                        + "name and query values");
            }
        }
    }

    /**
     * Refuses a URL read without user info whose query (or fragment) holds an {@code @} with a {@code :} before
     * it: {@code a/b:pa?ss@host/db} is a password after a malformed user name as much as a database
     * {@code b:pa} with a query {@code ss@host/db}, and read the second way every message would show the
     * password. An {@code @} with no {@code :} before it ({@code postgresql://h/lib?user=a@corp}) ends no
     * password.
     */
    private static void refuseAtAfterColon(String afterSlashes, String display) {
        int query = firstOf(afterSlashes, 0, '?', '#');
        int at = afterSlashes.indexOf('@', query);
        int colon = afterSlashes.indexOf(':');
        if (at >= 0 && colon >= 0 && colon < at) {
            throw ambiguousAt(display);
        }
    }

    /**
     * Refuses user info that reads as well as a URL without it whose query (or fragment) holds the {@code @}:
     * {@code postgresql://h:5432/lib?x=me@work} is user {@code h} with password {@code 5432/lib?x=me} at host
     * {@code work} (as SQLAlchemy reads it) as much as database {@code lib} at {@code h:5432}. The password
     * {@code pa/ss} of {@code u:pa/ss@h/db} has no such second reading ({@code u:pa} is no host and port).
     */
    private static void refuseQueryAtReadAsUserInfo(String afterSlashes, String display) {
        int query = firstOf(afterSlashes, 0, '?', '#');
        if (afterSlashes.indexOf('@', query) >= 0 && readsAsServer(afterSlashes.substring(0, query), false)) {
            throw ambiguousAt(display);
        }
    }

    private static IllegalArgumentException ambiguousAt(String display) {
        return new IllegalArgumentException("'" + display + "' is ambiguous: the '@' in its query (or after its "
                + "'#') could as well end user info, user:password@, so where a password would end cannot be told. "
                + "Write '@' as %40 in query values (and '/', '?' and '#' in a password as %2F, %3F and %23)");
    }

    /** An application may leave out the driver of the database it does not use: not this one's. */
    private static void requireDriver(Backend backend, String display) {
        if (backend == Backend.SQLITE && !Drivers.SQLITE) {
            throw new IllegalArgumentException("'" + display + "' is a SQLite URL, but sqlite-jdbc "
                    + "(org.xerial:sqlite-jdbc) is not on the classpath");
        }
        if (backend == Backend.POSTGRESQL && !Drivers.POSTGRESQL) {
            throw new IllegalArgumentException("'" + display + "' is a PostgreSQL URL, but the PostgreSQL driver "
                    + "(org.postgresql:postgresql) is not on the classpath");
        }
    }

    private static IllegalArgumentException unknownScheme(String scheme, String display) {
        return new IllegalArgumentException("unknown scheme '" + scheme + "' in '" + display + "'; supported: "
                + "sqlite:// (also sqlite+aiosqlite://), postgresql:// (also postgres://, postgresql+asyncpg://, "
                + "postgresql+psycopg2://), jdbc:sqlite:, jdbc:postgresql:");
    }

    private static DatabaseUrl parseJdbc(String url, String display, Path workingDirectory) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:sqlite:")) {
            requireDriver(Backend.SQLITE, display);
            return parseJdbcSqlite(url.substring("jdbc:sqlite:".length()), display, workingDirectory);
        }
        if (lower.startsWith("jdbc:postgresql:")) {
            requireDriver(Backend.POSTGRESQL, display);
            String jdbc = "jdbc:postgresql:" + url.substring("jdbc:postgresql:".length());
            requireValidPgjdbcUrl(jdbc, display);
            return new DatabaseUrl(Backend.POSTGRESQL, jdbc, null, null, null, false, display);
        }
        Matcher sub = Pattern.compile("^jdbc:([A-Za-z0-9+.\\-]*):?").matcher(url);
        throw unknownScheme(sub.find() ? "jdbc:" + sub.group(1) : "jdbc", display);
    }

    private static DatabaseUrl parseJdbcSqlite(String rest, String display, Path workingDirectory) {
        if (rest.isEmpty() || rest.equals(":memory:") || rest.startsWith(":memory:?")) {
            return memory(display);
        }
        if (rest.startsWith("file:")) {
            int q = rest.indexOf('?');
            String query = q < 0 ? "" : rest.substring(q + 1);
            String path = q < 0 ? rest.substring(5) : rest.substring(5, q);
            if (("&" + query + "&").contains("&mode=memory&") || path.equals(":memory:") || path.isEmpty()) {
                return memory(display);
            }
            if (path.startsWith("//")) {
                path = path.substring(2); // file://localhost/x or file:///x
                int slash = path.indexOf('/');
                path = slash < 0 ? "" : path.substring(slash);
            }
            Path file = resolve(percentDecode(path), workingDirectory, display);
            return new DatabaseUrl(Backend.SQLITE, "jdbc:sqlite:file:" + file + (q < 0 ? "" : "?" + query),
                    null, null, file, false, display);
        }
        int q = rest.indexOf('?');
        String path = q < 0 ? rest : rest.substring(0, q);
        if (path.isEmpty()) {
            return memory(display);
        }
        Path file = resolve(path, workingDirectory, display);
        return new DatabaseUrl(Backend.SQLITE, "jdbc:sqlite:" + file + (q < 0 ? "" : rest.substring(q)),
                null, null, file, false, display);
    }

    private static DatabaseUrl parseSqlAlchemySqlite(String rest, String display, Path workingDirectory) {
        // sqlite:// + "" (memory) | "/" + path ; the host part of a SQLite URL is always empty.
        if (!rest.startsWith("//")) {
            throw new IllegalArgumentException("'" + display + "' is malformed: a SQLite URL starts with sqlite:// "
                    + "(sqlite:///relative/path.db, sqlite:////absolute/path.db or sqlite:// for memory)");
        }
        String afterSlashes = rest.substring(2);
        int q = afterSlashes.indexOf('?');
        String withoutQuery = q < 0 ? afterSlashes : afterSlashes.substring(0, q);
        if (q >= 0) {
            refusePythonDriverOptions(afterSlashes.substring(q + 1), display);
        }
        if (withoutQuery.isEmpty()) {
            return memory(display);
        }
        if (!withoutQuery.startsWith("/")) {
            throw new IllegalArgumentException("'" + display + "' is malformed: a SQLite URL has no host; write "
                    + "sqlite:///relative/path.db (three slashes) or sqlite:////absolute/path.db (four)");
        }
        String path = withoutQuery.substring(1);
        if (path.isEmpty() || path.equals(":memory:")) {
            return memory(display);
        }
        Path file = resolve(path, workingDirectory, display);
        return new DatabaseUrl(Backend.SQLITE, "jdbc:sqlite:" + file, null, null, file, false, display);
    }

    /**
     * The Python driver's options ({@code mode=ro}, {@code uri=true}, {@code timeout=20}) cannot be honoured by
     * sqlite-jdbc as they are; ignoring them would, for example, migrate a database the user opened read-only.
     */
    private static void refusePythonDriverOptions(String query, String display) {
        List<String> refused = new ArrayList<>();
        for (String pair : query.split("&")) {
            String name = pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair;
            if (!name.isEmpty() && !IGNORED_SQLITE_OPTIONS.contains(name) && !refused.contains(name)) {
                refused.add(name);
            }
        }
        if (!refused.isEmpty()) {
            refused.replaceAll(name -> display.contains(name) ? name : "…"); // a name the mask hid is not quoted
            throw new IllegalArgumentException("'" + display + "': query options are not supported in a "
                    + "SQLAlchemy SQLite URL (" + String.join(", ", refused) + "); they are the Python driver's. "
                    + "Use the library's settings (SQLITE_BUSY_TIMEOUT, …) or a jdbc:sqlite: URL for sqlite-jdbc's "
                    + "options" + (refused.contains("mode") ? "; to only read the file, name it without options and "
                    + "set DATABASE_READ_ONLY=true" : ""));
        }
    }

    /**
     * @param scheme the URL up to {@code rest}, for the display of a URL that parses
     * @param rest   the URL after its scheme's {@code :}
     */
    private static DatabaseUrl parseSqlAlchemyPostgres(String scheme, String rest, String display) {
        if (!rest.startsWith("//")) {
            throw new IllegalArgumentException("'" + display + "' is malformed: expected "
                    + "postgresql://user:password@host:port/database");
        }
        String afterSlashes = rest.substring(2);
        String user = null;
        String password = null;
        int hostsStart = 0;
        int[] passwordSpan = passwordSpan(afterSlashes, 0);
        if (passwordSpan != null) {
            requireUnambiguous(afterSlashes, afterSlashes.indexOf('@', passwordSpan[0]), display);
            refuseQueryAtReadAsUserInfo(afterSlashes, display);
            user = afterSlashes.substring(0, passwordSpan[0] - 1);
            password = percentDecode(afterSlashes.substring(passwordSpan[0], passwordSpan[1]));
            hostsStart = passwordSpan[1] + 1;
        } else {
            int at = afterSlashes.lastIndexOf('@', firstOf(afterSlashes, 0, '/', '?') - 1);
            if (at >= 0) {
                requireUnambiguous(afterSlashes, afterSlashes.indexOf('@'), display);
                user = afterSlashes.substring(0, at);
                hostsStart = at + 1;
            } else {
                refuseAtAfterColon(afterSlashes, display);
            }
        }
        user = user == null || user.isEmpty() ? null : percentDecode(user);
        String afterUserInfo = afterSlashes.substring(hostsStart);
        int fragment = afterUserInfo.indexOf('#');
        if (fragment >= 0) {
            afterUserInfo = afterUserInfo.substring(0, fragment);
        }
        int authorityEnd = firstOf(afterUserInfo, 0, '/', '?');
        String hosts = afterUserInfo.substring(0, authorityEnd);
        String pathAndQuery = afterUserInfo.substring(authorityEnd);
        String database = "";
        String query = "";
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        if (q >= 0) {
            query = pathAndQuery.substring(q + 1);
        }
        String[] fromQuery = hostsFromQuery(query, !hosts.isEmpty(), display);
        if (fromQuery != null) {
            hosts = fromQuery[0];
            query = fromQuery[1];
        }
        if (hosts.isEmpty()) {
            hosts = "localhost";
        }
        for (String hostPort : hosts.split(",", -1)) {
            validateHostPort(hostPort, display);
        }
        if (path.startsWith("/")) {
            database = path.substring(1);
        }
        if (database.contains("@")) {
            // said here, as the '@' would otherwise be refused below as user info in the JDBC URL
            throw new IllegalArgumentException("'" + display + "' is malformed: write '@' in the database name as "
                    + "%40");
        }
        if (database.contains("/")) {
            throw new IllegalArgumentException("'" + display + "' is malformed: the database name"
                    + quoted(database, display) + " contains '/'");
        }
        String jdbcQuery = translateQuery(query, display);
        String jdbc = "jdbc:postgresql://" + hosts + "/" + database + (jdbcQuery.isEmpty() ? "" : "?" + jdbcQuery);
        requireValidPgjdbcUrl(jdbc, display);
        return new DatabaseUrl(Backend.POSTGRESQL, jdbc, user, password, null, false,
                scheme + "//" + masked(afterSlashes, passwordSpan));
    }

    private static void validateHostPort(String hostPort, String display) {
        String problem = hostPortProblem(hostPort, display);
        if (problem != null) {
            throw new IllegalArgumentException("'" + display + "' is malformed: " + problem);
        }
    }

    /** What is wrong with one {@code host[:port]} of an authority, or null; parts quoted only as {@link #quoted}. */
    private static String hostPortProblem(String hostPort, String display) {
        String host = hostPort;
        String port = null;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                return "unclosed '[' in the host";
            }
            host = hostPort.substring(0, close + 1);
            String after = hostPort.substring(close + 1);
            if (after.startsWith(":")) {
                port = after.substring(1);
            } else if (!after.isEmpty()) {
                return "unexpected text" + quoted(after, display) + " after the host";
            }
        } else {
            int colon = hostPort.lastIndexOf(':');
            if (colon >= 0) {
                host = hostPort.substring(0, colon);
                port = hostPort.substring(colon + 1);
            }
        }
        if (host.isEmpty() || !host.matches("[A-Za-z0-9._\\-\\[\\]:%]+")) {
            return "bad host" + quoted(host, display);
        }
        if (port != null) {
            if (!PORT.matcher(port).matches() || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
                return "port" + quoted(port, display) + " is not a number from 1 to 65535";
            }
        }
        return null;
    }

    /** The refusal's reason for host parameters that mix the two forms hostsFromQuery reads. */
    private static final String MIXED_HOST_FORMS = "write host=h1:p1&host=h2:p2, or host=h1,h2&port=p1,p2, not a "
            + "mix of the two";

    /**
     * The hosts that the query's {@code host=} and {@code port=} parameters give, as SQLAlchemy's PostgreSQL
     * dialects read them for a URL without a host of its own (the only multi-host form SQLAlchemy parses for
     * asyncpg), and the query without them; null when the query has neither. Two forms, not to be mixed:
     * {@code host=h1:p1&host=h2:p2} (a port may be left out: 5432), and one {@code host=h1,h2} with at most one
     * {@code port=p1,p2} that pairs with it entry by entry. Refused: these parameters beside a host in the URL,
     * {@code pghost}/{@code pgport}, a unix-domain socket ({@code host=/run/postgresql}, which pgjdbc cannot
     * reach), and anything else whose hosts or ports would have to be guessed.
     *
     * @param urlHasHost whether the URL's authority names a host
     */
    private static String[] hostsFromQuery(String query, boolean urlHasHost, String display) {
        List<String> hostValues = new ArrayList<>();
        List<String> portValues = new ArrayList<>();
        StringBuilder rest = new StringBuilder();
        for (String pair : query.isEmpty() ? new String[0] : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String lower = key.toLowerCase(Locale.ROOT);
            if (!HOST_PARAMETERS.contains(lower)) {
                rest.append(rest.length() > 0 ? "&" : "").append(pair);
                continue;
            }
            String value = eq < 0 ? "" : percentDecode(pair.substring(eq + 1));
            if (!key.equals("host") && !key.equals("port") || urlHasHost) {
                throw hostParameterRefused(key, display, urlHasHost ? "beside the host in the URL, which of them "
                        + "is meant cannot be told" : "only host= and port= (lower case) name servers");
            }
            if (value.startsWith("/") || value.contains(",/")) {
                throw hostParameterRefused(key, display, "asyncpg reads a path as a unix-domain socket, which the "
                        + "JDBC driver cannot reach");
            }
            (key.equals("host") ? hostValues : portValues).add(value);
        }
        if (hostValues.isEmpty() && portValues.isEmpty()) {
            return null;
        }
        List<String> hostPorts = new ArrayList<>();
        if (portValues.isEmpty()) {
            // host=h1:p1&host=h2:p2, or one host=h1,h2 (each on the default port)
            boolean commaList = hostValues.size() == 1 && hostValues.get(0).contains(",");
            for (String value : hostValues) {
                for (String hostPort : commaList ? value.split(",", -1) : new String[] {value}) {
                    if (hostPort.contains(",") || (commaList && hostPort.contains(":"))) {
                        throw hostParameterRefused("host", display, MIXED_HOST_FORMS);
                    }
                    hostPorts.add(hostPort);
                }
            }
        } else {
            // host=h1,h2&port=p1,p2: as many ports as hosts, paired in order (SQLAlchemy refuses other counts)
            if (hostValues.size() != 1 || portValues.size() != 1) {
                throw hostParameterRefused("port", display, "it pairs only with one host=h1,h2 list, port=p1,p2");
            }
            String[] hostList = hostValues.get(0).split(",", -1);
            String[] portList = portValues.get(0).split(",", -1);
            if (hostList.length != portList.length) {
                throw hostParameterRefused("port", display, "it gives " + portList.length + " port(s) for "
                        + hostList.length + " host(s); give one per host, in the same order");
            }
            for (int i = 0; i < hostList.length; i++) {
                if (hostList[i].contains(":")) {
                    throw hostParameterRefused("host", display, MIXED_HOST_FORMS);
                }
                hostPorts.add(portList[i].isEmpty() ? hostList[i] : hostList[i] + ":" + portList[i]);
            }
        }
        for (String hostPort : hostPorts) {
            if (hostPort.isEmpty() || hostPort.startsWith(":") || hostPort.startsWith("[")) {
                // SQLAlchemy splits each at ':', so an IPv6 address cannot be written here
                throw hostParameterRefused("host", display, "each host= needs a host name or IPv4 address, "
                        + "host=db1:5432 (an IPv6 address goes in the URL's authority, [::1]:5432)");
            }
        }
        return new String[] {String.join(",", hostPorts), rest.toString()};
    }

    private static IllegalArgumentException hostParameterRefused(String key, String display, String why) {
        return new IllegalArgumentException("'" + display + "': the query parameter " + key + "= is not "
                + "supported here (" + why + "): write the hosts in the URL's authority, "
                + "postgresql://user@host1:5432,host2:5433/db, or, for a URL without a host, as SQLAlchemy reads "
                + "them, postgresql://user@/db?host=host1:5432&host=host2:5433");
    }

    private static String translateQuery(String query, String display) {
        if (query.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        boolean unnamedStatements = false;
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            if (STATEMENT_CACHE_SIZES.contains(key)) {
                // asyncpg's statement cache, which SQLAlchemy's asyncpg dialect adds one of its own to: set to 0
                // for a transaction pooler (PgBouncer), where named statements do not survive; pgjdbc's
                // prepareThreshold=0 keeps its statements unnamed likewise. A size above 0 only bounds the
                // Python driver's cache, and pgjdbc keeps its own (preparedStatementCacheQueries), so it is dropped
                if (isZero(value)) {
                    unnamedStatements = true;
                }
                continue;
            }
            if (key.equals("target_session_attrs")) {
                // libpq's and asyncpg's choice of server among the hosts; an explicit targetServerType stands
                String type = TARGET_SERVER_TYPES.get(value);
                if (type == null) {
                    throw new IllegalArgumentException("'" + display + "': target_session_attrs" + quoted(value, display)
                            + " is not one of any, read-write, primary, read-only, standby, prefer-standby");
                }
                if (hasKey(query, "targetServerType")) {
                    continue;
                }
                key = "targetServerType";
                value = type;
            }
            switch (key) {
                case "ssl":
                    if (SSL_MODES.contains("|" + value.toLowerCase(Locale.ROOT) + "|")) {
                        key = "sslmode"; // asyncpg spells libpq's sslmode as ssl
                    }
                    break;
                case "connect_timeout":
                    key = "connectTimeout";
                    break;
                case "application_name":
                    key = "ApplicationName";
                    break;
                default:
                    break;
            }
            if (out.length() > 0) {
                out.append('&');
            }
            out.append(key);
            if (eq >= 0) {
                out.append('=').append(value);
            }
        }
        if (unnamedStatements && !hasKey(out.toString(), "prepareThreshold")) {
            out.append(out.length() > 0 ? "&" : "").append("prepareThreshold=0");
        }
        return out.toString();
    }

    /** Whether an option's value is the number 0 ({@code 0}, {@code 00}), as Python's {@code int()} reads it. */
    private static boolean isZero(String value) {
        return value.strip().matches("[+-]?0+");
    }

    private static boolean hasKey(String query, String key) {
        for (String pair : query.split("&")) {
            if (pair.equals(key) || pair.startsWith(key + "=")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The query options of the PostgreSQL JDBC URL that the driver does not know (it ignores them without a
     * word), in their order, each once: options of the Python app's driver in a shared {@code .env}, or a typo
     * ({@code preparethreshold}: pgjdbc's names are case-sensitive). Empty for SQLite. Names only: a value may
     * be a secret; a name that the masked URL hides is given as {@code …}.
     */
    public List<String> unknownOptions() {
        if (backend != Backend.POSTGRESQL) {
            return List.of();
        }
        int q = jdbcUrl.indexOf('?');
        List<String> unknown = new ArrayList<>();
        for (String pair : q < 0 ? new String[0] : jdbcUrl.substring(q + 1).split("&")) {
            String key = pair.indexOf('=') < 0 ? pair : pair.substring(0, pair.indexOf('='));
            if (!key.isEmpty() && org.postgresql.PGProperty.forName(key) == null) {
                String named = displayUrl.contains(key) ? key : "…";
                if (!unknown.contains(named)) {
                    unknown.add(named);
                }
            }
        }
        return unknown;
    }

    /**
     * pgjdbc's {@code Driver.parseURL} logs the whole URL (password parameters included) for a bad port, a
     * missing or extra {@code /} and a bad {@code %}-escape, so those are refused here first, masked.
     */
    private static void requireValidPgjdbcUrl(String jdbc, String display) {
        String rest = jdbc.substring("jdbc:postgresql:".length());
        int q = rest.indexOf('?');
        String server = q < 0 ? rest : rest.substring(0, q);
        if (server.indexOf('@') >= 0) {
            throw new IllegalArgumentException("'" + display + "' is malformed: a JDBC URL has no user info "
                    + "(user:password@); pass ?user=…&password=… or use a postgresql:// URL");
        }
        String database = server;
        if (server.startsWith("//") && !server.equals("//") && !server.equals("///")) {
            String hostsAndDatabase = server.substring(2);
            int slash = hostsAndDatabase.indexOf('/');
            if (slash < 0 || hostsAndDatabase.indexOf('/', slash + 1) >= 0) {
                throw new IllegalArgumentException("'" + display + "' is malformed: expected "
                        + "jdbc:postgresql://host:port/database (one '/' after the hosts)");
            }
            String hosts = hostsAndDatabase.substring(0, slash);
            if (!hosts.isEmpty()) {
                for (String hostPort : hosts.split(",", -1)) {
                    validateHostPort(hostPort, display);
                }
            }
            database = hostsAndDatabase.substring(slash + 1);
        }
        requireValidEscapes(database, "the database name", display);
        for (String pair : q < 0 ? new String[0] : rest.substring(q + 1).split("&")) {
            int eq = pair.indexOf('=');
            if (eq >= 0) {
                String key = pair.substring(0, eq);
                requireValidEscapes(pair.substring(eq + 1),
                        "the value of " + (display.contains(key) ? key : "a parameter"), display);
            }
        }
        Properties parsed = org.postgresql.Driver.parseURL(jdbc, null);
        if (parsed == null) {
            throw new IllegalArgumentException("'" + display + "' is malformed: the PostgreSQL driver cannot parse it");
        }
    }

    private static DatabaseUrl memory(String display) {
        return new DatabaseUrl(Backend.SQLITE, "jdbc:sqlite::memory:", null, null, null, true, display);
    }

    private static Path resolve(String path, Path workingDirectory, String display) {
        try {
            return workingDirectory.toAbsolutePath().resolve(path).normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(invalidPath(display, path, e, System.getProperty("sun.jnu.encoding")),
                    e);
        }
    }

    /**
     * Why a path is invalid. The JVM turns file names into bytes in the encoding it took from the locale at
     * start ({@code sun.jnu.encoding}): without a UTF-8 locale (a container with no {@code LANG}) that is
     * ASCII, and a non-ASCII path cannot be named at all, which only the locale fixes.
     */
    static String invalidPath(String display, String path, InvalidPathException e, String fileNameEncoding) {
        // the reason without the input: the URL already names the path
        String message = "'" + display + "' names an invalid path: " + e.getReason();
        Charset charset;
        try {
            charset = fileNameEncoding == null ? null : Charset.forName(fileNameEncoding);
        } catch (IllegalArgumentException unknown) {
            charset = null;
        }
        // only the encoding is to blame when UTF-8 could name the path (a lone surrogate cannot be named at all)
        if (charset != null && !charset.newEncoder().canEncode(path)
                && StandardCharsets.UTF_8.newEncoder().canEncode(path)) {
            message += "; the JVM's file-name encoding is " + fileNameEncoding + ", which cannot represent this path: "
                    + "run Java in a UTF-8 locale (LANG=C.UTF-8)";
        }
        return message;
    }

    /** pgjdbc decodes the database name and parameter values with {@code URLDecoder}, which fails on these. */
    private static void requireValidEscapes(String s, String what, String display) {
        for (int i = s.indexOf('%'); i >= 0; i = s.indexOf('%', i + 1)) {
            if (!isEscape(s, i)) {
                throw new IllegalArgumentException("'" + display + "' is malformed: " + what
                        + " has a '%' that is not followed by two hex digits (write %25 for a '%')");
            }
        }
    }

    private static boolean isEscape(String s, int percent) {
        return percent + 2 < s.length() && Character.digit(s.charAt(percent + 1), 16) >= 0
                && Character.digit(s.charAt(percent + 2), 16) >= 0;
    }

    private static int firstOf(String s, int from, char a, char b) {
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) == a || s.charAt(i) == b) {
                return i;
            }
        }
        return s.length();
    }

    /**
     * RFC 3986 percent-decoding as UTF-8 ({@code +} stays a plus, unlike form decoding). A {@code %} that does
     * not start a valid escape stays as it is, as SQLAlchemy's {@code unquote} and SQLite's URI decoding keep it.
     */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); ) {
            char c = s.charAt(i);
            if (c == '%' && isEscape(s, i)) {
                bytes.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
                i += 3;
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
                    encoded = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                bytes.write(encoded, 0, encoded.length);
                i++;
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    public Backend backend() {
        return backend;
    }

    /** The JDBC URL, without the credentials of a SQLAlchemy URL; {@code jdbc:sqlite::memory:} for memory. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** The user name given in a SQLAlchemy URL's user info, percent-decoded. */
    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    /** The password given in a SQLAlchemy URL's user info, percent-decoded. Never log it. */
    public Optional<String> password() {
        return Optional.ofNullable(password);
    }

    /** The absolute path of the SQLite file; empty for PostgreSQL and in-memory SQLite. */
    public Optional<Path> sqliteFile() {
        return Optional.ofNullable(sqliteFile);
    }

    public boolean inMemory() {
        return inMemory;
    }

    /** The URL as given, with any password masked: safe for messages and logs. */
    public String displayUrl() {
        return displayUrl;
    }

    @Override
    public String toString() {
        return displayUrl;
    }
}
