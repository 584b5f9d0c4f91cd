package org.elibrary.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.elibrary.ConfigurationException;
import org.elibrary.DatabaseUnavailableException;
import org.elibrary.Library;
import org.elibrary.LibraryException;
import org.elibrary.LibrarySettings;
import org.elibrary.testing.ChildJvm;
import org.elibrary.testing.ReadOnlyPath;
import org.elibrary.testing.SecretAssertions;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * Settings failures: a wrong password, an unreachable host (only ever 127.0.0.1), a missing or
 * read-only SQLite directory, a read-only SQLite file, a SQLite file locked by another process. Each must
 * fail with one typed exception whose message is one clear line without the password, within a time bound
 * (a hang fails the test instead of blocking the build).
 */
class SettingsFailureIT {
    private static final String ROLE = "elib_reliability_login";
    private static final String RIGHT_PASSWORD = "R1ght-Secret-42";
    private static final String WRONG_PASSWORD = "Wr0ng-S3cret-Zz";
    private static final Duration BOUND = Duration.ofSeconds(20);

    // ------------------------------------------------------------------------------------------ PostgreSQL

    @Test
    void wrongPasswordIsOneConfigurationErrorWithoutThePassword() throws Exception {
        String database = passwordProtectedDatabase();
        int port = embeddedPort();
        List<String> urls = List.of(
                "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + ROLE + "&password=" + WRONG_PASSWORD,
                "postgresql+asyncpg://" + ROLE + ":" + WRONG_PASSWORD + "@127.0.0.1:" + port + "/" + database,
                "postgresql://" + ROLE + ":" + WRONG_PASSWORD + "@127.0.0.1:" + port + "/" + database);
        for (String url : urls) {
            LibraryException error = failsClearly(settings(url), ConfigurationException.class);
            assertThat(error.getMessage()).containsIgnoringCase("authentication");
        }
        // the right password opens it: the failure above was the password, nothing else
        try (Library library = Library.open(settings("jdbc:postgresql://127.0.0.1:" + port + "/" + database
                + "?user=" + ROLE + "&password=" + RIGHT_PASSWORD))) {
            assertThat(library.authors().count()).isZero();
        }
    }

    /**
     * Wrong passwords of many shapes (raw {@code / ? # : @ %} between two markers, and percent-encoded), in every
     * URL form that takes one: each open fails on the password alone, and no part of it is in the failure.
     */
    @Test
    void aWrongPasswordOfAnyShapeIsNotInTheFailure() throws Exception {
        String database = passwordProtectedDatabase();
        int port = embeddedPort();
        String marker = "Zq7ä";
        for (String separator : List.of("", "/", "?", "#", ":", "@", "%", "/?#:", "%40", "%2F%3F")) {
            String password = marker + separator + marker;
            String encoded = URLEncoder.encode(password, StandardCharsets.UTF_8);
            List<String> urls = new ArrayList<>(List.of(
                    "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + ROLE + "&password=" + encoded,
                    "postgresql+asyncpg://" + ROLE + ":" + encoded + "@127.0.0.1:" + port + "/" + database));
            if (!separator.contains("@") && !separator.equals("%")) {
                urls.add("postgresql://" + ROLE + ":" + password + "@127.0.0.1:" + port + "/" + database);
            }
            for (String url : urls) {
                LibraryException error = failsClearly(settings(url), ConfigurationException.class);
                assertThat(error.getMessage()).as(url).containsIgnoringCase("authentication");
                for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
                    SecretAssertions.assertNoPartOf(password, String.valueOf(t.getMessage()));
                    SecretAssertions.assertNoPartOf(encoded, t.toString());
                    assertThat(t.toString()).as(url).doesNotContain("Zq").doesNotContain("ä");
                }
            }
        }
    }

    /**
     * The server refusing the connection for how it was asked (SQLState 08004): no password where it wants
     * one, SSL it does not offer. Retrying cannot help, so it is no outage.
     */
    @Test
    void aConnectionTheServerRejectsForItsSettingsIsOneConfigurationError() throws Exception {
        String database = passwordProtectedDatabase();
        int port = embeddedPort();
        LibraryException noPassword = failsClearly(settings("jdbc:postgresql://127.0.0.1:" + port + "/" + database
                + "?user=" + ROLE), ConfigurationException.class);
        assertThat(noPassword.getMessage()).contains("no password was provided").endsWith("(SQLState 08004)");
        // the embedded server has no SSL
        LibraryException noSsl = failsClearly(settings("postgresql://" + ROLE + ":" + RIGHT_PASSWORD + "@127.0.0.1:"
                + port + "/" + database + "?sslmode=require"), ConfigurationException.class);
        assertThat(noSsl.getMessage()).contains("does not support SSL").endsWith("(SQLState 08004)");
    }

    @Test
    void closedPortIsOneUnavailableErrorQuickly() throws Exception {
        int port = closedPort();
        LibraryException error = failsClearly(settings("jdbc:postgresql://127.0.0.1:" + port
                + "/library?user=app&password=" + WRONG_PASSWORD), DatabaseUnavailableException.class);
        assertThat(error.getMessage()).contains("127.0.0.1");
        failsClearly(settings("postgresql://app:" + WRONG_PASSWORD + "@127.0.0.1:" + port + "/library"),
                DatabaseUnavailableException.class);
    }

    /**
     * A host that accepts the TCP connection and then never answers (a hung server, a firewall that
     * swallows packets after the handshake): opening must still give up within the connection timeout.
     */
    @Test
    void silentServerIsOneUnavailableErrorWithinTheTimeout() throws Exception {
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Thread acceptor = new Thread(() -> {
                while (!silent.isClosed()) {
                    try {
                        Socket socket = silent.accept();
                        synchronized (accepted) {
                            accepted.add(socket);
                        }
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "silent-server");
            acceptor.setDaemon(true);
            acceptor.start();
            failsClearly(settings("jdbc:postgresql://127.0.0.1:" + silent.getLocalPort()
                    + "/library?user=app&password=" + WRONG_PASSWORD), DatabaseUnavailableException.class);
        } finally {
            synchronized (accepted) {
                for (Socket socket : accepted) {
                    socket.close();
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- SQLite

    /**
     * A JVM started without a locale (a container with no LANG) names files in ASCII, so a non-ASCII SQLite
     * path cannot be opened at all: the message says which encoding it is and how to start the JVM.
     */
    @Test
    void aNonAsciiSqlitePathInAJvmWithoutAUtf8LocaleSaysToSetOne() throws Exception {
        ProcessBuilder child = ChildJvm.builder(SettingsWithoutUtf8Locale.class, List.of("-Xmx64m"),
                Files.createTempDirectory("elibrary-locale-").toString()).redirectErrorStream(true);
        for (String variable : List.of("LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE")) {
            child.environment().remove(variable);
        }
        Process process = child.start();
        List<String> lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)
                .lines().toList();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(lines).hasSizeGreaterThanOrEqualTo(2);
        assumeTrue(!lines.get(0).contains("UTF-8"), "this platform names files in UTF-8 without a locale");
        assertThat(lines.get(lines.size() - 1)).startsWith("ConfigurationException: ")
                .contains("/library.db' names an invalid path: Malformed input or input contains unmappable "
                        + "characters; the JVM's file-name encoding is " + lines.get(0).substring("ENCODING ".length())
                        + ", which cannot represent this path: run Java in a UTF-8 locale (LANG=C.UTF-8)");
    }

    @Test
    void missingSqliteDirectoryIsOneConfigurationError() throws Exception {
        Path missing = Files.createTempDirectory("elibrary-rel-").resolve("no/such/dir/library.db");
        LibraryException error = failsClearly(settings("jdbc:sqlite:" + missing), ConfigurationException.class);
        assertThat(error.getMessage()).contains("does not exist");
        failsClearly(settings("sqlite+aiosqlite:///" + missing), ConfigurationException.class);
        assertThat(missing.getParent()).doesNotExist();
    }

    @Test
    void readOnlySqliteDirectoryIsOneUnavailableError() throws Exception {
        Path directory = Files.createTempDirectory("elibrary-rel-ro-");
        try (ReadOnlyPath ignored = ReadOnlyPath.make(directory)) {
            LibraryException error = failsClearly(settings("jdbc:sqlite:" + directory.resolve("library.db")),
                    DatabaseUnavailableException.class);
            assertThat(error.getMessage()).containsIgnoringCase("read-only");
        }
        assertThat(directory.resolve("library.db")).doesNotExist();
    }

    @Test
    void readOnlySqliteFileIsOneUnavailableError() throws Exception {
        Path file = TestDatabases.newSqliteFile();
        try (Library library = Library.open(settings("jdbc:sqlite:" + file))) {
            library.authors().create("Пушкин");
        }
        try (ReadOnlyPath ignored = ReadOnlyPath.make(file)) {
            failsClearly(settings("jdbc:sqlite:" + file), DatabaseUnavailableException.class);
        }
        try (Library library = Library.open(settings("jdbc:sqlite:" + file))) {
            assertThat(library.authors().count()).isEqualTo(1);
        }
    }

    /** The library's own (WAL) file, write-locked by another process: it opens and reads; a write fails after the busy timeout. */
    @Test
    void sqliteFileLockedByAnotherProcessFailsWritesWithOneUnavailableError() throws Exception {
        Path file = TestDatabases.newSqliteFile();
        try (Library library = Library.open(settings("jdbc:sqlite:" + file))) {
            library.authors().create("Гоголь");
        }
        Process holder = startLockHolder(file, false);
        try {
            LibraryException error = assertTimeoutPreemptively(BOUND, () -> {
                // Opening an up-to-date file only reads, so it succeeds; reads work under WAL while another
                // process writes.
                try (Library library = Library.open(settings("jdbc:sqlite:" + file))) {
                    assertThat(library.authors().count()).isEqualTo(1);
                    return catchLibraryException(() -> library.authors().create("Чехов"));
                }
            });
            assertClear(error, DatabaseUnavailableException.class);
            assertThat(error.getMessage()).containsAnyOf("busy", "locked");
        } finally {
            release(holder);
        }
        try (Library library = Library.open(settings("jdbc:sqlite:" + file))) {
            library.authors().create("Чехов");
            assertThat(library.authors().count()).isEqualTo(2);
        }
    }

    /** A rollback-journal file held EXCLUSIVE by another program: even opening it cannot read, and says so. */
    @Test
    void sqliteFileExclusivelyLockedByAnotherProgramFailsToOpenWithOneUnavailableError() throws Exception {
        Path file = TestDatabases.newSqliteFile();
        Process holder = startLockHolder(file, true);
        try {
            LibraryException error = failsClearly(settings("jdbc:sqlite:" + file), DatabaseUnavailableException.class);
            assertThat(error.getMessage()).containsAnyOf("busy", "locked");
        } finally {
            release(holder);
        }
    }

    // --------------------------------------------------------------------------------------------- helpers

    private static LibrarySettings settings(String url) {
        return LibrarySettings.builder()
                .databaseUrl(url)
                .connectionTimeout(Duration.ofSeconds(2))
                .sqliteBusyTimeout(Duration.ofSeconds(1))
                .build();
    }

    /** Opening fails, within the bound, with exactly {@code type} and a clear message. */
    private static LibraryException failsClearly(LibrarySettings settings, Class<? extends LibraryException> type) {
        LibraryException error = assertTimeoutPreemptively(BOUND, () -> catchLibraryException(() -> {
            Library.open(settings).close();
        }), () -> "opening " + settings.displayUrl() + " hung for " + BOUND);
        assertClear(error, type);
        return error;
    }

    private static LibraryException catchLibraryException(Runnable action) {
        try {
            action.run();
        } catch (LibraryException e) {
            return e;
        } catch (RuntimeException e) {
            throw new AssertionError("untyped failure: " + e, e);
        }
        throw new AssertionError("expected a failure, but the call succeeded");
    }

    private static void assertClear(LibraryException error, Class<? extends LibraryException> type) {
        assertThat(error).as("the failure").isNotNull().isExactlyInstanceOf(type);
        String message = error.getMessage();
        assertThat(message).as("message").isNotBlank().doesNotContain("\n").hasSizeLessThan(600);
        for (Throwable t = error; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).as("message of %s", t.getClass().getName())
                    .doesNotContain(WRONG_PASSWORD).doesNotContain(RIGHT_PASSWORD);
            assertThat(t.toString()).doesNotContain(WRONG_PASSWORD).doesNotContain(RIGHT_PASSWORD);
            if (t.getCause() == t) {
                break;
            }
        }
    }

    private static Process startLockHolder(Path file, boolean create) throws Exception {
        Process holder = ChildJvm.start(SqliteLockHolder.class, file.toString(), create ? "create" : "existing");
        BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertThat(line).as("lock holder started").isEqualTo("LOCKED");
        return holder;
    }

    private static void release(Process holder) throws Exception {
        try (OutputStream in = holder.getOutputStream()) {
            in.write("release\n".getBytes(StandardCharsets.UTF_8));
        } catch (IOException alreadyGone) {
            // it exited on its own
        }
        if (!holder.waitFor(10, TimeUnit.SECONDS)) {
            holder.destroyForcibly();
        }
    }

    static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    private static int embeddedPort() {
        EmbeddedPostgres embedded = TestDatabases.embeddedPostgres();
        assumeTrue(embedded != null, "needs the embedded PostgreSQL (its pg_hba.conf is changed)");
        return embedded.getPort();
    }

    /**
     * A database owned by a role that must log in with a password. The embedded server trusts local
     * connections, so a scram rule for this one role goes first in its pg_hba.conf.
     */
    private static synchronized String passwordProtectedDatabase() throws Exception {
        embeddedPort();
        String database = "elib_reliability_pw";
        try (Connection admin = DriverManager.getConnection(TestDatabases.postgresAdminUrl());
             Statement statement = admin.createStatement()) {
            boolean exists;
            try (ResultSet rs = statement.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + ROLE + "'")) {
                exists = rs.next();
            }
            if (!exists) {
                statement.execute("SET password_encryption = 'scram-sha-256'");
                statement.execute("CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + RIGHT_PASSWORD + "'");
                statement.execute("CREATE DATABASE " + database + " OWNER " + ROLE + " ENCODING 'UTF8'");
                String hbaFile;
                try (ResultSet rs = statement.executeQuery("SHOW hba_file")) {
                    rs.next();
                    hbaFile = rs.getString(1);
                }
                Path hba = Path.of(hbaFile);
                String ours = "host all " + ROLE + " 127.0.0.1/32 scram-sha-256\n"
                        + "host all " + ROLE + " ::1/128 scram-sha-256\n"
                        + "local all " + ROLE + " scram-sha-256\n";
                Files.writeString(hba, ours + Files.readString(hba));
                try (ResultSet rs = statement.executeQuery("SELECT pg_reload_conf()")) {
                    rs.next();
                }
            }
        }
        return database;
    }
}
