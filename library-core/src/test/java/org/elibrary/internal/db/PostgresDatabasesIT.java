package org.elibrary.internal.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.elibrary.testing.SecretAssertions.assertNoPartOf;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.elibrary.Backend;
import org.elibrary.ConfigurationException;
import org.elibrary.DatabaseUnavailableException;
import org.elibrary.Library;
import org.elibrary.LibrarySettings;
import org.elibrary.testing.Stderr;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.postgresql.jdbc.PgConnection;

class PostgresDatabasesIT {
    private static final String ROLE = "elib_pw_test";
    private static final String PASSWORD = "p@ss:w/rd%Ü";
    private static final String PASSWORD_ENCODED = "p%40ss%3Aw%2Frd%25%C3%9C";

    @Test
    void onePoolServesReadsAndWritesWithBatchRewriting() throws Exception {
        LibrarySettings settings = LibrarySettings.builder().databaseUrl(TestDatabases.newPostgresUrl())
                .poolSize(3).build();
        try (Database database = Databases.open(settings)) {
            assertThat(database.backend()).isEqualTo(Backend.POSTGRESQL);
            assertThat(database.writer()).isSameAs(database.reader());
            assertThat(database.readConcurrency()).isEqualTo(3);
            try (Connection connection = database.writer().getConnection();
                 Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery(
                         "SELECT count(*) FROM information_schema.tables WHERE table_name IN ('author','book','user',"
                                 + "'author_book','comment','flyway_schema_history')")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(6);
                assertThat(connection.unwrap(PgConnection.class).getQueryExecutor().isReWriteBatchedInsertsEnabled())
                        .isTrue();
            }
        }
    }

    @Test
    void theServerStopsStatementsPastTheStatementTimeoutOnPoolConnections() throws Exception {
        LibrarySettings settings = LibrarySettings.builder().databaseUrl(TestDatabases.newPostgresUrl())
                .statementTimeout(Duration.ofMillis(1500)).build();
        try (Database database = Databases.open(settings);
             Connection connection = database.writer().getConnection();
             Statement statement = connection.createStatement()) {
            assertThat(database.serverTimesStatements()).isTrue();
            assertThat(show(statement, "statement_timeout")).isEqualTo("1500ms");
            long start = System.nanoTime();
            assertThatThrownBy(() -> statement.execute("SELECT pg_sleep(30)"))
                    .isInstanceOf(java.sql.SQLException.class)
                    .satisfies(e -> assertThat(((java.sql.SQLException) e).getSQLState()).isEqualTo("57014"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void aStatementTimeoutInTheUrlOptionsStandsAndNoneMeansNone() throws Exception {
        String url = TestDatabases.newPostgresUrl();
        String withOptions = url + (url.contains("?") ? "&" : "?") + "options=-c%20statement_timeout%3D7s";
        try (Database database = Databases.open(LibrarySettings.builder().databaseUrl(withOptions)
                .statementTimeout(Duration.ofSeconds(2)).build());
             Connection connection = database.writer().getConnection();
             Statement statement = connection.createStatement()) {
            assertThat(show(statement, "statement_timeout")).isEqualTo("7s");
            // not the library's 2 s: sessions then time statements on the client instead
            assertThat(database.serverTimesStatements()).isFalse();
        }
        try (Database database = Databases.open(LibrarySettings.builder().databaseUrl(url)
                .statementTimeout(Duration.ZERO).build());
             Connection connection = database.writer().getConnection();
             Statement statement = connection.createStatement()) {
            assertThat(show(statement, "statement_timeout")).isEqualTo("0");
            assertThat(database.serverTimesStatements()).isFalse();
        }
    }

    private static String show(Statement statement, String setting) throws java.sql.SQLException {
        try (ResultSet rs = statement.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void sqlalchemyUrlWithPercentEncodedCredentialsConnects() throws Exception {
        String url = passwordProtectedDatabase();
        Properties admin = org.postgresql.Driver.parseURL(TestDatabases.postgresAdminUrl(), null);
        String database = org.postgresql.Driver.parseURL(url, null).getProperty("PGDBNAME");
        String sqlalchemy = "postgresql+asyncpg://" + ROLE + ":" + PASSWORD_ENCODED + "@" + admin.getProperty("PGHOST")
                + ":" + admin.getProperty("PGPORT") + "/" + database + "?ssl=disable";
        LibrarySettings settings = LibrarySettings.builder().databaseUrl(sqlalchemy).build();
        assertThat(settings.toString()).doesNotContain("p%40ss").doesNotContain(PASSWORD);
        try (Database opened = Databases.open(settings);
             Connection connection = opened.reader().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT current_user")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(ROLE);
        }
    }

    /**
     * The Python app's shared .env turns asyncpg's statement caches off for PgBouncer's transaction pooling
     * ({@code prepared_statement_cache_size=0}, {@code statement_cache_size=0}): that was passed to pgjdbc, which
     * ignored it, and kept naming statements. Now pgjdbc's prepareThreshold is 0; a size above 0 changes nothing.
     * Options pgjdbc does not know were ignored without a word; one WARN at open names them, not their values,
     * and the open goes on (the Python app may need them).
     */
    @Test
    void asyncpgStatementCacheSizeZeroTurnsNamedStatementsOffAndUnknownOptionsAreNamedInOneWarning() throws Exception {
        Properties server = org.postgresql.Driver.parseURL(TestDatabases.newPostgresUrl(), null);
        String password = server.getProperty("password");
        String base = "postgresql+asyncpg://" + server.getProperty("user") + (password == null ? "" : ":" + password)
                + "@" + server.getProperty("PGHOST") + ":" + server.getProperty("PGPORT") + "/"
                + server.getProperty("PGDBNAME") + "?";
        assertThat(prepareThreshold(base + "prepared_statement_cache_size=0")).isZero();
        assertThat(prepareThreshold(base + "statement_cache_size=0&ssl=disable")).isZero();
        assertThat(prepareThreshold(base + "prepared_statement_cache_size=100")).isEqualTo(5);

        String[] threshold = new String[1];
        String warned = Stderr.of(() -> threshold[0] = String.valueOf(prepareThreshold(base
                + "prepared_statement_cache_size=0&bogus_param=hidden-1&command_timeout=hidden-2&PrepareThreshold=7")));
        assertThat(threshold[0]).isEqualTo("0");
        assertThat(warned).containsOnlyOnce("WARN").contains("WARN org.elibrary.internal.db.Databases - DATABASE_URL: "
                + "the PostgreSQL JDBC driver does not know the query options bogus_param, command_timeout, "
                + "PrepareThreshold and ignores them").doesNotContain("hidden-");
        // a jdbc: URL passes as it is (no mapping) and is warned about alike
        String jdbc = TestDatabases.newPostgresUrl() + "&bogus_param=1";
        assertThat(Stderr.of(() -> prepareThreshold(jdbc))).containsOnlyOnce("WARN")
                .contains("does not know the query option bogus_param and ignores it");
        assertThat(Stderr.of(() -> prepareThreshold(base + "ssl=disable&prepareThreshold=3"))).doesNotContain("WARN");
    }

    /**
     * The multi-host form SQLAlchemy parses for asyncpg ({@code @/db?host=h1:p1&host=h2:p2}) was refused, and
     * libpq's {@code target_session_attrs} ignored (a standby-only URL opened on the primary). The hosts are
     * tried in order (the first here has nothing listening) and the server type is pgjdbc's targetServerType.
     */
    @Test
    void queryHostsAreTriedInOrderAndTargetSessionAttrsChoosesTheServer() throws Exception {
        Properties server = org.postgresql.Driver.parseURL(TestDatabases.newPostgresUrl(), null);
        String password = server.getProperty("password");
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        String base = "postgresql+asyncpg://" + server.getProperty("user") + (password == null ? "" : ":" + password)
                + "@/" + server.getProperty("PGDBNAME") + "?host=127.0.0.1:" + closed + "&host="
                + server.getProperty("PGHOST") + ":" + server.getProperty("PGPORT") + "&target_session_attrs=";
        for (String primary : List.of("read-write", "primary", "any", "prefer-standby")) {
            assertThat(prepareThreshold(base + primary)).as(primary).isEqualTo(5);
        }
        for (String standby : List.of("standby", "read-only")) {
            assertThatThrownBy(() -> prepareThreshold(base + standby)).as(standby)
                    .isInstanceOf(DatabaseUnavailableException.class)
                    .hasMessageContaining("secondary");
        }
    }

    private static int prepareThreshold(String url) {
        try (Database opened = Databases.open(LibrarySettings.builder().databaseUrl(url).build());
             Connection connection = opened.reader().getConnection()) {
            return connection.unwrap(PgConnection.class).getPrepareThreshold();
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * The role's password given raw: its '@' has a '/' after it, so the URL reads as well as password "p" for host
     * "ss" (as SQLAlchemy reads it). It used to connect; now it is refused before any connection, with the rule
     * and none of the password. Written with %40 it connects (above).
     */
    @Test
    void aRawAtFollowedByASlashInThePasswordIsRefusedBeforeConnecting() throws Exception {
        String url = passwordProtectedDatabase();
        Properties admin = org.postgresql.Driver.parseURL(TestDatabases.postgresAdminUrl(), null);
        String server = admin.getProperty("PGHOST") + ":" + admin.getProperty("PGPORT") + "/"
                + org.postgresql.Driver.parseURL(url, null).getProperty("PGDBNAME");
        String raw = "postgresql://" + ROLE + ":" + PASSWORD + "@" + server;
        assertThatThrownBy(() -> Library.open(LibrarySettings.builder().databaseUrl(raw).build()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'postgresql://" + ROLE + ":***@" + server + "' is ambiguous")
                .hasMessageContaining("Write '@' as %40")
                .satisfies(e -> assertNoPartOf(PASSWORD, e.getMessage()));
    }

    @Test
    void wrongPasswordIsAConfigurationErrorWithoutThePassword() throws Exception {
        String url = passwordProtectedDatabase();
        Properties admin = org.postgresql.Driver.parseURL(TestDatabases.postgresAdminUrl(), null);
        String database = org.postgresql.Driver.parseURL(url, null).getProperty("PGDBNAME");
        for (boolean migrate : List.of(true, false)) {
            String wrong = "postgresql://" + ROLE + ":not-the-Secret-42@" + admin.getProperty("PGHOST") + ":"
                    + admin.getProperty("PGPORT") + "/" + database;
            long start = System.nanoTime();
            assertThatThrownBy(() -> Databases.open(LibrarySettings.builder().databaseUrl(wrong)
                    .migrateOnOpen(migrate).build()))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("authentication failed")
                    .hasMessageContaining(ROLE + ":***@")
                    .satisfies(e -> {
                        for (Throwable t = e; t != null; t = t.getCause()) {
                            assertThat(String.valueOf(t.getMessage())).doesNotContain("not-the-Secret-42");
                        }
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }

    /** A caller's DataSource that cannot log in fails {@code Library.open} as the same URL in the settings does. */
    @Test
    void aBorrowedDataSourceWithAWrongPasswordOrNoDatabaseIsAConfigurationError() throws Exception {
        String url = passwordProtectedDatabase();
        Properties admin = org.postgresql.Driver.parseURL(TestDatabases.postgresAdminUrl(), null);
        String database = org.postgresql.Driver.parseURL(url, null).getProperty("PGDBNAME");
        PGSimpleDataSource wrongPassword = dataSource(admin, database, ROLE, "not-the-Secret-42");
        PGSimpleDataSource noDatabase = dataSource(admin, "elib_no_such_database", ROLE, PASSWORD);
        for (boolean migrate : List.of(true, false)) {
            assertThatThrownBy(() -> Library.open(wrongPassword, migrate))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("authentication failed")
                    .satisfies(e -> {
                        for (Throwable t = e; t != null; t = t.getCause()) {
                            assertThat(String.valueOf(t.getMessage())).doesNotContain("not-the-Secret-42");
                        }
                    });
            assertThatThrownBy(() -> Library.open(noDatabase, migrate))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("the database does not exist")
                    .satisfies(e -> {
                        for (Throwable t = e; t != null; t = t.getCause()) {
                            assertThat(String.valueOf(t.getMessage())).doesNotContain(PASSWORD);
                        }
                    });
        }
    }

    private static PGSimpleDataSource dataSource(Properties server, String database, String user, String password) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setServerNames(new String[] {server.getProperty("PGHOST")});
        dataSource.setPortNumbers(new int[] {Integer.parseInt(server.getProperty("PGPORT"))});
        dataSource.setDatabaseName(database);
        dataSource.setUser(user);
        dataSource.setPassword(password);
        return dataSource;
    }

    @Test
    void unreachableServerFailsFastAsUnavailable() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort(); // nothing listens once closed
        }
        for (boolean migrate : List.of(true, false)) {
            String url = "postgresql://anna:Sekr3t@127.0.0.1:" + port + "/library";
            long start = System.nanoTime();
            assertThatThrownBy(() -> Databases.open(LibrarySettings.builder().databaseUrl(url)
                    .migrateOnOpen(migrate).build()))
                    .isInstanceOf(DatabaseUnavailableException.class)
                    .hasMessageContaining("postgresql://anna:***@127.0.0.1:" + port + "/library")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("Sekr3t"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }

    /** pgjdbc says only "The connection attempt failed"; the name that did not resolve is what helps. */
    @Test
    void anUnknownHostIsNamedInTheMessageWithoutThePassword() {
        for (boolean migrate : List.of(true, false)) {
            String url = "postgresql://anna:Sekr3t@no-such-host.invalid:5432/library";
            assertThatThrownBy(() -> Databases.open(LibrarySettings.builder().databaseUrl(url)
                    .migrateOnOpen(migrate).build()))
                    .isInstanceOf(DatabaseUnavailableException.class)
                    .hasMessageContaining("postgresql://anna:***@no-such-host.invalid:5432/library failed: unknown "
                            + "host no-such-host.invalid; check the host in DATABASE_URL, or the DNS")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("Sekr3t"));
        }
    }

    @Test
    void unknownDatabaseIsAConfigurationError() {
        Properties admin = org.postgresql.Driver.parseURL(TestDatabases.postgresAdminUrl(), null);
        String url = TestDatabases.postgresAdminUrl().replace("/" + admin.getProperty("PGDBNAME"), "/no_such_db_elib");
        assertThatThrownBy(() -> Databases.open(LibrarySettings.builder().databaseUrl(url).build()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void borrowedDataSourceIsMigratedAndNeverClosed() throws Exception {
        org.postgresql.ds.PGSimpleDataSource dataSource = new org.postgresql.ds.PGSimpleDataSource();
        dataSource.setURL(TestDatabases.newPostgresUrl());
        com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource();
        pool.setDataSource(dataSource);
        pool.setMaximumPoolSize(1); // one connection is enough to migrate
        try {
            Database database = Databases.borrow(pool, Backend.POSTGRESQL, true, false, LibrarySettings.DEFAULT_STATEMENT_TIMEOUT, 1);
            database.close();
            assertThat(pool.isClosed()).isFalse();
            try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT count(*) FROM flyway_schema_history")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(3);
            }
        } finally {
            pool.close();
        }
    }

    /**
     * A database owned by a role that must log in with a password. The embedded server trusts local
     * connections, so a rule for this one role is put first in its pg_hba.conf.
     */
    private static synchronized String passwordProtectedDatabase() throws Exception {
        assumeTrue(TestDatabases.embeddedPostgres() != null, "needs the embedded server to require a password");
        String url = TestDatabases.newPostgresUrl();
        String database = org.postgresql.Driver.parseURL(url, null).getProperty("PGDBNAME");
        try (Connection connection = DriverManager.getConnection(TestDatabases.postgresAdminUrl());
             Statement statement = connection.createStatement()) {
            try (ResultSet rs = statement.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + ROLE + "'")) {
                if (!rs.next()) {
                    statement.execute("SET password_encryption = 'scram-sha-256'");
                    statement.execute("CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + PASSWORD + "'");
                }
            }
            statement.execute("ALTER DATABASE " + database + " OWNER TO " + ROLE);
            String hbaFile;
            try (ResultSet rs = statement.executeQuery("SHOW hba_file")) {
                rs.next();
                hbaFile = rs.getString(1);
            }
            Path hba = Path.of(hbaFile);
            String rules = Files.readString(hba);
            if (!rules.contains(ROLE)) {
                String ours = "host all " + ROLE + " 127.0.0.1/32 scram-sha-256\n"
                        + "host all " + ROLE + " ::1/128 scram-sha-256\n"
                        + "local all " + ROLE + " scram-sha-256\n";
                Files.writeString(hba, ours + rules);
                statement.execute("SELECT pg_reload_conf()");
            }
        }
        return url;
    }
}
