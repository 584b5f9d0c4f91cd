package org.elibrary.examples.bench;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The PostgreSQL server URL a benchmark is given ({@code --pg-url}, {@code ELIBRARY_BENCH_PG_URL}): checked before
 * anything is started, turned into the JDBC URL pgjdbc gets, and taken out of the messages the bench prints.
 *
 * <p>Why the check matters: pgjdbc answers a URL it cannot parse with an error, and with log lines on stderr,
 * that repeat the whole JDBC URL, and the JDBC URL carries the password as a parameter. So the bench hands
 * pgjdbc only a URL that pgjdbc's own parser accepts, and masks the password in every message it builds from a
 * driver's or pool's error besides ({@link org.elibrary.examples.common.Passwords#mask}).
 */
public final class PgServerUrl {
    private static final String JDBC_PREFIX = "jdbc:postgresql:";
    private static final String ENCODE_HINT = "; percent-encode a '/', '?', '@' or '%' in the user or the password";
    private static final Pattern SCHEME = Pattern.compile("[a-z][a-z0-9+.-]*");

    private PgServerUrl() {
    }

    /**
     * Checks a server URL as {@code bench} takes it.
     *
     * @throws IllegalArgumentException if it is not a PostgreSQL URL pgjdbc can parse; the message never repeats
     *                                  the URL or any part of it after the scheme (a password may be anywhere)
     */
    public static void check(String url) {
        toJdbcUrl(url);
    }

    /**
     * The JDBC URL for a PostgreSQL URL given as JDBC or as SQLAlchemy writes it
     * ({@code postgresql[+driver]://user:pass@host:port/db?params}, {@code postgres://…}); percent-encoded
     * credentials are decoded and passed as parameters.
     *
     * @throws IllegalArgumentException as {@link #check}
     */
    static String toJdbcUrl(String url) {
        String jdbc = url.startsWith(JDBC_PREFIX) ? url : fromSqlAlchemy(url);
        if (jdbc.startsWith(JDBC_PREFIX + "//")) {
            String rest = jdbc.substring(JDBC_PREFIX.length() + 2);
            int query = rest.indexOf('?');
            String server = query >= 0 ? rest.substring(0, query) : rest;
            int slash = server.indexOf('/');
            checkAuthority(slash >= 0 ? server.substring(0, slash) : server);
            if (slash >= 0 && server.indexOf('/', slash + 1) >= 0) {
                throw new IllegalArgumentException("the database name contains a '/'" + ENCODE_HINT);
            }
        }
        if (!pgjdbcParses(jdbc)) {
            throw new IllegalArgumentException("pgjdbc cannot parse it (check the host, the port, the database name "
                    + "and the parameters" + ENCODE_HINT + ")");
        }
        return jdbc;
    }

    private static String fromSqlAlchemy(String url) {
        int schemeEnd = url.indexOf("://");
        if (schemeEnd < 0) {
            throw new IllegalArgumentException("not a PostgreSQL URL (expected jdbc:postgresql://… or postgresql://…)");
        }
        String scheme = url.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        if (!scheme.equals("postgres") && !scheme.equals("postgresql") && !scheme.startsWith("postgresql+")) {
            // a scheme is named only when it looks like one: text before "://" could be someone's password
            throw new IllegalArgumentException("not a PostgreSQL URL"
                    + (SCHEME.matcher(scheme).matches() ? ": scheme '" + scheme + "'" : ""));
        }
        String rest = url.substring(schemeEnd + 3);
        int slash = rest.indexOf('/');
        int question = rest.indexOf('?');
        int authorityEnd = slash >= 0 ? slash : (question >= 0 ? question : rest.length());
        String authority = rest.substring(0, authorityEnd);
        String pathAndQuery = rest.substring(authorityEnd);
        String user = null;
        String password = null;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = userInfo.indexOf(':');
            user = decode(colon >= 0 ? userInfo.substring(0, colon) : userInfo);
            password = colon >= 0 ? decode(userInfo.substring(colon + 1)) : null;
        }
        StringBuilder jdbc = new StringBuilder(JDBC_PREFIX + "//").append(authority);
        int q = pathAndQuery.indexOf('?');
        String path = q >= 0 ? pathAndQuery.substring(0, q) : pathAndQuery;
        String query = q >= 0 ? pathAndQuery.substring(q + 1) : "";
        jdbc.append(path.isEmpty() ? "/" : path);
        StringBuilder params = new StringBuilder(query);
        if (user != null) {
            appendParam(params, "user", user);
        }
        if (password != null) {
            appendParam(params, "password", password);
        }
        if (params.length() > 0) {
            jdbc.append('?').append(params);
        }
        return jdbc.toString();
    }

    /** Hosts and ports, {@code host[:port][,host[:port]…]}: each port a number pgjdbc takes, no user part. */
    private static void checkAuthority(String authority) {
        if (authority.indexOf('@') >= 0) {
            // pgjdbc would take "user:password@host" for a host name, and name it in its errors
            throw new IllegalArgumentException("a JDBC URL names its user and password as parameters "
                    + "(?user=…&password=…), not before the host" + ENCODE_HINT);
        }
        for (String address : authority.split(",", -1)) {
            int colon = address.lastIndexOf(':');
            if (colon < 0 || address.lastIndexOf(']') > colon) {
                continue;
            }
            String port = address.substring(colon + 1);
            boolean valid = !port.isEmpty() && port.length() <= 5 && port.chars().allMatch(c -> c >= '0' && c <= '9')
                    && Integer.parseInt(port) >= 1 && Integer.parseInt(port) <= 65_535;
            if (!valid) {
                // the port's text is not repeated: a '/' in an unencoded password ends the host part early
                throw new IllegalArgumentException("the port is not a number within 1..65535" + ENCODE_HINT);
            }
        }
    }

    /** Whether pgjdbc's own parser takes the URL, asked with its logger silenced: it logs some URLs whole. */
    private static boolean pgjdbcParses(String jdbcUrl) {
        Logger pgjdbc = Logger.getLogger("org.postgresql");
        Level level = pgjdbc.getLevel();
        pgjdbc.setLevel(Level.OFF);
        try {
            return org.postgresql.Driver.parseURL(jdbcUrl, null) != null;
        } finally {
            pgjdbc.setLevel(level);
        }
    }

    private static void appendParam(StringBuilder params, String key, String value) {
        if (params.length() > 0) {
            params.append('&');
        }
        params.append(key).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // URLDecoder's message repeats the broken escape, which is part of the user or the password
            throw new IllegalArgumentException("the user or the password has a '%' that starts no escape" + ENCODE_HINT);
        }
    }
}
