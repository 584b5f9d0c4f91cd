package org.elibrary.internal.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.net.SocketTimeoutException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import javax.net.ssl.SSLHandshakeException;
import org.elibrary.ConfigurationException;
import org.elibrary.DatabaseUnavailableException;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** The connection failures a retry cannot fix, told apart from outages (what the PostgreSQL ITs cannot stage). */
class ConnectionErrorsTest {
    private static final String URL = "postgresql://app:***@db/library";

    @Test
    void sslSetupFailuresAreConfigurationErrors() {
        PSQLException noRootCertificate = new PSQLException("Could not open SSL root certificate file "
                + "/nonexistent/root.crt.", PSQLState.CONNECTION_FAILURE,
                new FileNotFoundException("/nonexistent/root.crt (No such file or directory)"));
        assertThat(ConnectionErrors.translate("opening", URL, noRootCertificate, "s3cret", false))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("opening " + URL + " failed: Could not open SSL root certificate file "
                        + "/nonexistent/root.crt. (SQLState 08006)");
        SSLHandshakeException untrusted = new SSLHandshakeException("PKIX path building failed");
        untrusted.initCause(new CertPathBuilderException("unable to find valid certification path"));
        assertThat(ConnectionErrors.translate("opening", URL,
                new PSQLException("SSL error: PKIX path building failed", PSQLState.CONNECTION_FAILURE, untrusted),
                null, false)).isInstanceOf(ConfigurationException.class);
    }

    /**
     * sslmode=verify-full with a CA that did not sign the server's certificate: the message was the JDK's "SSL
     * error: PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to
     * find valid certification path to requested target". It says which CA file was used instead.
     */
    @Test
    void aServerCertificateNoTrustedCaSignedNamesTheCaFile() {
        SSLHandshakeException untrusted = new SSLHandshakeException("PKIX path building failed: "
                + "sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification "
                + "path to requested target");
        untrusted.initCause(new CertPathBuilderException("unable to find valid certification path to requested "
                + "target"));
        PSQLException failure = new PSQLException("SSL error: " + untrusted.getMessage(), PSQLState.CONNECTION_FAILURE,
                untrusted);
        String url = "postgresql+asyncpg://app:***@db/library?ssl=verify-full&sslrootcert=/etc/my%20certs/ca.crt";
        assertThat(ConnectionErrors.translate("opening", url, failure, "s3cret", false))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("opening " + url + " failed: the server's certificate is not signed by a CA in "
                        + "sslrootcert=/etc/my certs/ca.crt; give the CA that signed it, or check that DATABASE_URL "
                        + "names the right server (SQLState 08006)");
        assertThat(ConnectionErrors.translate("opening", URL + "?sslmode=verify-ca", failure, null, false))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("not signed by a CA in the default sslrootcert, "
                        + System.getProperty("user.home") + "/.postgresql/root.crt (no sslrootcert= in the URL)")
                .hasMessageNotContaining("PKIX").hasCause(failure);
        assertThat(ConnectionErrors.translate("opening", URL + "?sslmode=verify-full&sslfactory=org.postgresql.ssl"
                + ".DefaultJavaSSLFactory&sslrootcert=/ignored.crt", failure, null, false))
                .hasMessageContaining("not signed by a CA in what sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory "
                        + "trusts;");
        // a caller's DataSource has no DATABASE_URL: its JDBC URL names the server
        assertThat(ConnectionErrors.translate("opening the database of", "the given DataSource", failure, null, true))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("; give the CA that signed it, or check that the DataSource's JDBC URL names the "
                        + "right server (SQLState 08006)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("DATABASE_URL"));
    }

    @Test
    void anSslHandshakeCutShortByTheNetworkIsAnOutage() {
        SSLHandshakeException cut = new SSLHandshakeException("Remote host terminated the handshake");
        cut.initCause(new EOFException("SSL peer shut down incorrectly"));
        assertThat(ConnectionErrors.translate("opening", URL,
                new PSQLException("SSL error: Remote host terminated the handshake", PSQLState.CONNECTION_FAILURE,
                        cut), null, false)).isInstanceOf(DatabaseUnavailableException.class);
        // a certificate check that needed the network (revocation) and could not reach it
        SSLHandshakeException unchecked = new SSLHandshakeException("PKIX path validation failed");
        unchecked.initCause(new CertPathValidatorException("Unable to determine revocation status due to network "
                + "error", new SocketTimeoutException("connect timed out")));
        assertThat(ConnectionErrors.translate("opening", URL,
                new PSQLException("SSL error: PKIX path validation failed", PSQLState.CONNECTION_FAILURE,
                        unchecked), null, false)).isInstanceOf(DatabaseUnavailableException.class);
    }

    @Test
    void aConnectionTheServerRejectsForHowItWasAskedIsAConfigurationError() {
        PSQLException noPassword = new PSQLException("The server requested SCRAM-based authentication, but no "
                + "password was provided.", PSQLState.CONNECTION_REJECTED);
        assertThat(ConnectionErrors.translate("opening", URL, noPassword, null, false))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageEndingWith("but no password was provided. (SQLState 08004)");
        // pgjdbc's 08004 for a SCRAM login cut short by the connection dropping (no cause): an outage
        assertThat(ConnectionErrors.translate("opening", URL, new PSQLException("Invalid SCRAM client "
                + "initialization", PSQLState.CONNECTION_REJECTED), null, false))
                .isInstanceOf(DatabaseUnavailableException.class);
        assertThat(ConnectionErrors.translate("opening", URL, new PSQLException("Connection to db:5432 refused.",
                PSQLState.CONNECTION_UNABLE_TO_CONNECT), null, false)).isInstanceOf(DatabaseUnavailableException.class);
    }

    @Test
    void aCorruptSqliteFileIsAConfigurationError() {
        assertThat(ConnectionErrors.translate("opening SQLite database", "sqlite:///x.db",
                new SQLiteException("[SQLITE_CORRUPT] The database disk image is malformed",
                        SQLiteErrorCode.SQLITE_CORRUPT), null, false))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("opening SQLite database sqlite:///x.db failed: the database file is corrupt (the disk "
                        + "image is malformed): PRAGMA integrity_check tells what is damaged; restore the file from a backup (a "
                        + "damaged full-text search index alone can be rebuilt with FTS5's 'rebuild' command)");
    }
}
