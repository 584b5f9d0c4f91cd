package org.elibrary.internal.db;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilderException;
import java.sql.SQLException;
import javax.net.ssl.SSLException;
import org.elibrary.ConfigurationException;
import org.elibrary.DatabaseUnavailableException;
import org.elibrary.LibraryException;
import org.elibrary.LibrarySettings;

/**
 * Turns a failure to connect into the library's exceptions. Failures that retrying cannot fix (wrong or
 * missing password, unknown database or role, SSL the server does not offer or whose certificates do not
 * work, a file that is not a SQLite database or is corrupt) become {@link ConfigurationException}; the rest
 * (server down or unreachable, too many connections, a locked or unopenable file) become
 * {@link DatabaseUnavailableException}. Messages name the database by its masked
 * URL and never carry the password, even if a driver message were to.
 */
public final class ConnectionErrors {
    /**
     * pgjdbc's 08004 for a SCRAM login whose server messages could not be read: the connection dropped
     * during the login (a restart, a proxy's reset), not a refusal; it carries no cause to tell by.
     */
    private static final String SCRAM_CUT_SHORT = "Invalid SCRAM client initialization";

    private ConnectionErrors() {
    }

    /**
     * {@return what the user changes to name another database, as advice names it} {@code DATABASE_URL} for a
     * Library opened from settings; a caller's {@code DataSource} (Spring's pool, say) has none: its JDBC URL
     * ({@code spring.datasource.url}, {@code HikariConfig.setJdbcUrl}) instead.
     *
     * @param borrowed whether the database is reached through a caller's {@code DataSource}
     */
    public static String urlSetting(boolean borrowed) {
        return borrowed ? "the DataSource's JDBC URL" : LibrarySettings.DATABASE_URL;
    }

    /**
     * @param what       what was being done, for example {@code opening the database}
     * @param displayUrl the masked URL
     * @param secret     the password to scrub from driver messages, or null
     * @param borrowed   whether the connection came from a caller's {@code DataSource} (its advice then names
     *                   the DataSource's JDBC URL, not {@code DATABASE_URL}: {@link #urlSetting})
     */
    public static LibraryException translate(String what, String displayUrl, Throwable failure, String secret,
                                             boolean borrowed) {
        if (failure instanceof LibraryException) {
            return (LibraryException) failure;
        }
        SQLException sql = findSqlException(failure);
        String detail = scrub(sql != null ? sql.getMessage() : String.valueOf(failure.getMessage()), secret);
        String state = sql == null ? null : sql.getSQLState();
        // The cause is attached for diagnosis only when it cannot carry the secret.
        Throwable cause = secret == null || secret.isEmpty() ? failure : null;
        int sqliteCode = SqliteCodes.of(sql);
        if (sqliteCode >= 0) {
            int code = SqliteCodes.primary(sqliteCode);
            if (code == SqliteCodes.NOTADB) {
                return new ConfigurationException(what + " " + displayUrl + " failed: the file is not a SQLite database",
                        cause);
            }
            if (code == SqliteCodes.CORRUPT) {
                return new ConfigurationException(what + " " + displayUrl + " failed: " + SqliteCodes.corrupt(null),
                        cause);
            }
            if (code == SqliteCodes.READONLY || code == SqliteCodes.CANTOPEN || code == SqliteCodes.PERM) {
                return new DatabaseUnavailableException(what + " " + displayUrl + " failed: the file cannot be "
                        + "opened, or in WAL mode its -wal and -shm files cannot be opened or made beside it ("
                        + detail + ")", cause);
            }
        }
        String failed = what + " " + displayUrl + " failed: " + detail
                + (state == null ? "" : " (SQLState " + state + ")");
        String unknownHost = unknownHost(failure);
        if (unknownHost != null) {
            // pgjdbc says only "The connection attempt failed"; the name that did not resolve is causes below.
            // Still an outage by type: DNS may be down, though a mistyped host is the likelier cause.
            return new DatabaseUnavailableException(what + " " + displayUrl + " failed: unknown host "
                    + scrub(unknownHost, secret) + "; check the host in " + urlSetting(borrowed)
                    + ", or the DNS" + (state == null ? "" : " (SQLState " + state + ")"), cause);
        }
        if (sslSetupFailed(failure) && causedBy(failure, CertPathBuilderException.class)) {
            // the JDK's "PKIX path building failed: …SunCertPathBuilderException: unable to find valid
            // certification path to requested target" says this in its own terms, which the cause keeps
            return new ConfigurationException(what + " " + displayUrl + " failed: the server's certificate is not "
                    + "signed by a CA in " + trustedCas(displayUrl) + "; give the CA that signed it, or check that "
                    + urlSetting(borrowed) + " names the right server"
                    + (state == null ? "" : " (SQLState " + state + ")"), cause);
        }
        if (("08004".equals(state) && !detail.startsWith(SCRAM_CUT_SHORT)) || sslSetupFailed(failure)) {
            // the server refused the connection for how it was asked (no password for SCRAM, SSL it does not
            // offer), or the client's SSL setup is unusable: asking again fails the same way
            return new ConfigurationException(failed, cause);
        }
        if (state != null && (state.startsWith("28") || state.equals("3D000"))) {
            String problem = state.equals("3D000") ? "the database does not exist" : "authentication failed";
            return new ConfigurationException(what + " " + displayUrl + " failed: " + problem + " (" + detail
                    + ", SQLState " + state + ")", cause);
        }
        if ("55P03".equals(state)) {
            return new DatabaseUnavailableException(what + " " + displayUrl + " failed: another session holds a lock "
                    + "it needs, and did not release it within the lock timeout (" + (borrowed
                    ? "the connections' lock_timeout, or the statementTimeout of Library.builder(dataSource)"
                    : "DATABASE_STATEMENT_TIMEOUT, or lock_timeout in the URL's options")
                    + "); retry once that session's transaction has ended (" + detail
                    + ", SQLState " + state + ")", cause);
        }
        return new DatabaseUnavailableException(failed, cause);
    }

    /**
     * Whether the failure's causes show an SSL setup that cannot work: a certificate or key file that is
     * missing, a certificate that does not verify, a handshake the two sides cannot agree on. A failure with
     * the network under it (end of stream, reset, timeout; also while a certificate's revocation was being
     * checked) is an outage instead, wherever it sits in the chain.
     */
    static boolean sslSetupFailed(Throwable failure) {
        boolean setup = false;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof FileNotFoundException || t instanceof GeneralSecurityException
                    || t instanceof SSLException) {
                setup = true;
            } else if (t instanceof IOException) {
                return false;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return setup;
    }

    /**
     * Where pgjdbc looked for the CA certificates that sign the server's, as the URL shown says: its
     * {@code sslrootcert} (a name shared by libpq, asyncpg and pgjdbc, so both URL forms carry it as is), else
     * pgjdbc's default file; or the SSL factory the URL names instead, whose trust pgjdbc does not choose.
     */
    static String trustedCas(String displayUrl) {
        String factory = parameter(displayUrl, "sslfactory");
        if (factory != null && !factory.equals("org.postgresql.ssl.LibPQFactory")) {
            return "what sslfactory=" + factory + " trusts";
        }
        String rootCert = parameter(displayUrl, "sslrootcert");
        if (rootCert != null) {
            return "sslrootcert=" + rootCert;
        }
        // pgjdbc's LibPQFactory default, as libpq's
        String folder = System.getProperty("os.name", "").startsWith("Windows")
                ? System.getenv("APPDATA") + "\\postgresql\\" : System.getProperty("user.home") + "/.postgresql/";
        return "the default sslrootcert, " + folder + "root.crt (no sslrootcert= in the URL)";
    }

    /** The percent-decoded value of a query parameter of the URL, or null. */
    private static String parameter(String url, String name) {
        int query = url.indexOf('?');
        for (String pair : query < 0 ? new String[0] : url.substring(query + 1).split("&")) {
            if (pair.startsWith(name + "=")) {
                try {
                    return URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException badEscape) {
                    return pair.substring(name.length() + 1);
                }
            }
        }
        return null;
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** The host name of an {@link UnknownHostException} among the causes of {@code failure}, else null. */
    static String unknownHost(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException unknown) {
                String message = String.valueOf(unknown.getMessage());
                // the JDK's message is the name, sometimes followed by ": Name or service not known"
                int colon = message.indexOf(": ");
                return colon < 0 ? message : message.substring(0, colon);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    static SQLException findSqlException(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException) {
                return (SQLException) t;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    /** The text with every occurrence of the secret replaced by {@code ***}. */
    public static String scrub(String text, String secret) {
        if (text == null || secret == null || secret.isEmpty()) {
            return text;
        }
        return text.replace(secret, "***");
    }
}
