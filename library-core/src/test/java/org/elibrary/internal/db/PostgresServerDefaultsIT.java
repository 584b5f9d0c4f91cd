package org.elibrary.internal.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.elibrary.Backend;
import org.elibrary.ConfigurationException;
import org.elibrary.Library;
import org.elibrary.LibrarySettings;
import org.elibrary.domain.Book;
import org.elibrary.internal.schema.SchemaMigrator;
import org.elibrary.testing.Stderr;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * What a DBA's defaults for a database or role do to the library: they must not change how its own
 * connections behave (isolation, migrations' statement timeout), and what it cannot work with (an encoding
 * other than UTF8, no right to create its tables, a read-only database, a schema that does not exist) is
 * refused at once, with one line saying what to do, and the database left as it was.
 */
class PostgresServerDefaultsIT {
    private static final AtomicInteger NAMES = new AtomicInteger();

    @Test
    void concurrentCallsSucceedOnADatabaseWhoseDefaultIsSerializable() throws Exception {
        String url = TestDatabases.newPostgresUrl();
        admin("ALTER DATABASE " + databaseName(url) + " SET default_transaction_isolation = 'serializable'");
        int threads = 8;
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(url).poolSize(threads).build())) {
            assertThat(concurrentFindOrCreateAndDelete(library, threads)).isEmpty();
        }
        LibrarySettings settings = LibrarySettings.builder().databaseUrl(url).build();
        try (Database database = Databases.open(settings);
             Connection connection = database.writer().getConnection()) {
            assertThat(show(connection, "transaction_isolation")).isEqualTo("read committed");
        }
        try (Connection connection = Databases.migrationDataSource(settings).getConnection()) {
            assertThat(show(connection, "transaction_isolation")).isEqualTo("read committed");
        }
    }

    /**
     * On a caller's pool (Spring Boot's) whose connections default to a stricter isolation, the pool's
     * {@code transactionIsolation} or the database's default: the library's transactions set READ COMMITTED for
     * themselves. Without that, 11 to 14 of the 320 units here failed under REPEATABLE READ ("transaction conflicted
     * with another one; retry it"; SERIALIZABLE fails more). The connections keep their own default.
     */
    @Test
    void concurrentCallsSucceedOnACallersPoolWhoseDefaultIsStricter() throws Exception {
        int threads = 8;
        String url = TestDatabases.newPostgresUrl();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(threads);
        config.setTransactionIsolation("TRANSACTION_REPEATABLE_READ");
        try (HikariDataSource pool = new HikariDataSource(config)) {
            try (Library library = Library.open(pool)) {
                assertThat(concurrentFindOrCreateAndDelete(library, threads)).isEmpty();
            }
            try (Connection connection = pool.getConnection()) {
                assertThat(show(connection, "transaction_isolation")).isEqualTo("repeatable read");
            }
        }
        url = TestDatabases.newPostgresUrl();
        admin("ALTER DATABASE " + databaseName(url) + " SET default_transaction_isolation = 'serializable'");
        try (HikariDataSource pool = TestDatabases.pool(url, threads)) {
            try (Library library = Library.open(pool)) {
                assertThat(concurrentFindOrCreateAndDelete(library, threads)).isEmpty();
            }
            try (Connection connection = pool.getConnection()) {
                assertThat(show(connection, "transaction_isolation")).isEqualTo("serializable");
            }
        }
    }

    /**
     * From {@code threads} threads, 40 units each: find-or-create of a shared author (a repository call, and a
     * transaction that counts, then finds or creates), and the delete's lock-and-retry; the failures by message.
     */
    private static Map<String, Integer> concurrentFindOrCreateAndDelete(Library library, int threads)
            throws Exception {
        Map<String, Integer> failures = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 40; i++) {
                        int unit = i;
                        try {
                            switch (unit % 3) {
                                case 0 -> library.books().createWithAuthors("Книга " + thread + "-" + unit,
                                        List.of("Общий автор", "Автор " + thread));
                                case 1 -> {
                                    Book book = library.books().create("Черновик " + thread + "-" + unit);
                                    library.books().delete(book.id());
                                }
                                default -> library.inTransaction(tx -> tx.authors().findOrCreateAll(
                                        List.of("Общий автор " + tx.books().count() % 3, "Автор " + thread)));
                            }
                        } catch (RuntimeException e) {
                            failures.merge(e.getClass().getSimpleName() + ": " + e.getMessage(), 1, Integer::sum);
                        }
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        return failures;
    }

    @Test
    void migrationsRunWithoutTheStatementTimeoutOfTheRoleOrDatabase() throws Exception {
        String url = TestDatabases.newPostgresUrl();
        String role = newRole();
        // 5ms: migrations fail under it without the override (11/11; 10ms let some pass), our SETs survive load (1ms: 2/42 not)
        admin("ALTER DATABASE " + databaseName(url) + " OWNER TO " + role,
                "ALTER ROLE " + role + " SET statement_timeout = '5ms'");
        String asRole = asUser(url, role);
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(asRole).build())) {
            assertThat(library.books().create("Война и мир").title()).isEqualTo("Война и мир");
        }
        assertThat(tableCount(url)).isEqualTo(6);
        LibrarySettings settings = LibrarySettings.builder().databaseUrl(asRole).build();
        try (Connection connection = Databases.migrationDataSource(settings).getConnection()) {
            assertThat(show(connection, "statement_timeout")).isEqualTo("0");
            // startup options, not SET: through a transaction pooler a SET stayed on a server connection that
            // went on to serve other clients
            assertThat(settingSources(connection)).isEqualTo("client client client");
        }
        // one given in the URL's own options stands, as its lock_timeout does; the library's others are added
        String withOptions = asRole + "&options=-c%20statement_timeout%3D7s";
        try (Connection connection = Databases.migrationDataSource(LibrarySettings.builder()
                .databaseUrl(withOptions).build()).getConnection()) {
            assertThat(show(connection, "statement_timeout")).isEqualTo("7s");
            assertThat(show(connection, "lock_timeout")).isEqualTo("30s");
            assertThat(show(connection, "transaction_isolation")).isEqualTo("read committed");
        }
    }

    /**
     * Between Flyway's transactions the migration's connection is already in the next one (its settings begin
     * each): a database's idle_in_transaction_session_timeout ended that connection, and the migration with it.
     */
    @Test
    void migrationsRunWhateverIdleInTransactionTimeoutTheDatabaseSets() throws Exception {
        String url = TestDatabases.newPostgresUrl();
        admin("ALTER DATABASE " + databaseName(url) + " SET idle_in_transaction_session_timeout = '1ms'");
        Databases.open(LibrarySettings.builder().databaseUrl(url).build()).close();
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT max(version::int) FROM flyway_schema_history")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(3);
        }
    }

    /**
     * DATABASE_STATEMENT_TIMEOUT=0s is "no limit": the pool sent no SET for it, so a database's default
     * statement_timeout applied to every call (a timeout in the URL's options still stands: PostgresDatabasesIT).
     */
    @Test
    void noStatementTimeoutMeansNoneWhateverTheDatabaseSets() throws Exception {
        String url = TestDatabases.newPostgresUrl();
        Databases.open(LibrarySettings.builder().databaseUrl(url).build()).close(); // migrated before the default
        admin("ALTER DATABASE " + databaseName(url) + " SET statement_timeout = '1ms'");
        LibrarySettings settings = LibrarySettings.builder().databaseUrl(url).statementTimeout(Duration.ZERO).build();
        try (Database database = Databases.open(settings);
             Connection connection = database.writer().getConnection()) {
            assertThat(show(connection, "statement_timeout")).isEqualTo("0");
        }
        try (Library library = Library.open(settings)) {
            assertThat(library.books().createWithAuthors("Война и мир", List.of("Лев Толстой")).title())
                    .isEqualTo("Война и мир");
        }
    }

    @Test
    void aDatabaseNotInUtf8IsRefusedAndLeftUnchanged() throws Exception {
        String url = TestDatabases.newPostgresUrl("ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
        String database = databaseName(url);
        for (boolean migrate : List.of(true, false)) {
            assertThatThrownBy(() -> Library.open(LibrarySettings.builder().databaseUrl(url).migrateOnOpen(migrate)
                    .build()).close())
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("the library needs a UTF8 database; " + database)
                    .hasMessageContaining("is LATIN1")
                    .hasMessageContaining("ENCODING 'UTF8' TEMPLATE template0")
                    .hasMessageNotContaining("\n");
        }
        PGSimpleDataSource borrowed = new PGSimpleDataSource();
        borrowed.setURL(url);
        for (boolean migrate : List.of(true, false)) {
            assertThatThrownBy(() -> Library.open(borrowed, migrate).close())
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("is LATIN1");
        }
        assertThat(tableCount(url)).isZero();
    }

    @Test
    void aUtf8DatabaseWithCtypeCOpensWithAWarningAboutSearch() throws Exception {
        String url = TestDatabases.newPostgresUrl("ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
        String warnings = Stderr.of(() -> Library.open(LibrarySettings.builder().databaseUrl(url).build()).close());
        assertThat(warnings).contains("has LC_CTYPE C").contains("folds ASCII letters only");
        // the test server's own databases fold Cyrillic: no warning there
        String fine = TestDatabases.newPostgresUrl();
        assertThat(Stderr.of(() -> Library.open(LibrarySettings.builder().databaseUrl(fine).build()).close()))
                .doesNotContain("LC_CTYPE");
    }

    @Test
    void aUserWhoMayNotCreateTablesIsToldAtOnce() throws Exception {
        String url = TestDatabases.newPostgresUrl();
        String role = newRole();
        // since PostgreSQL 15 only the database owner may create in public; said explicitly for older ones
        sql(url, "REVOKE CREATE ON SCHEMA public FROM PUBLIC");
        assertRefusedAtOnce(asUser(url, role), "user " + role + " may not create tables in schema public",
                "GRANT CREATE ON SCHEMA public TO " + role);
        assertThat(tableCount(url)).isZero();
    }

    @Test
    void aReadOnlyDatabaseIsToldAtOnce() throws Exception {
        String url = TestDatabases.newPostgresUrl();
        admin("ALTER DATABASE " + databaseName(url) + " SET default_transaction_read_only = on");
        assertRefusedAtOnce(url, "is read-only", "migrate on the primary");
        assertThat(tableCount(url)).isZero();
    }

    @Test
    void aSchemaThatDoesNotExistIsRefusedNotCreated() throws Exception {
        String url = TestDatabases.newPostgresUrl();
        String nosuch = url + (url.contains("?") ? "&" : "?") + "currentSchema=nosuch";
        assertRefusedAtOnce(nosuch, "schema nosuch of", "does not exist: create it first");
        // info and validate say the same, rather than "empty (migrate creates it)"
        DataSource inspection = Databases.inspectionDataSource(LibrarySettings.builder().databaseUrl(nosuch).build());
        for (ThrowingCallable inspect : List.<ThrowingCallable>of(
                () -> SchemaMigrator.status(inspection, Backend.POSTGRESQL),
                () -> SchemaMigrator.validate(inspection, Backend.POSTGRESQL))) {
            assertThatThrownBy(inspect).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("schema nosuch of").hasMessageContaining("does not exist: create it first");
        }
        try (Connection connection = DriverManager.getConnection(url);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM pg_namespace WHERE nspname = 'nosuch'")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
        assertThat(tableCount(url)).isZero();
    }

    @Test
    void aBrokenHistoryTableIsReportedOnOneLine() throws Exception {
        String url = TestDatabases.newPostgresUrl();
        sql(url, "CREATE TABLE flyway_schema_history (x integer)");
        assertThatThrownBy(() -> Library.open(LibrarySettings.builder().databaseUrl(url).build()).close())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("could not be migrated or read: Error while retrieving the list of applied "
                        + "migrations from Schema History table")
                .hasMessageContaining(": ERROR: column \"installed_rank\" does not exist")
                .hasMessageNotContaining("\n").hasMessageNotContaining("SQL State");
    }

    private static void assertRefusedAtOnce(String url, String... phrases) {
        long start = System.nanoTime();
        assertThatThrownBy(() -> Library.open(LibrarySettings.builder().databaseUrl(url).build()).close())
                .isInstanceOf(ConfigurationException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains(phrases).doesNotContain("\n"));
        // Flyway itself would retry creating its history table for ten seconds
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    private static String newRole() throws SQLException {
        String role = "elib_role_" + ProcessHandle.current().pid() + "_" + NAMES.incrementAndGet();
        admin("CREATE ROLE " + role + " LOGIN");
        return role;
    }

    private static String asUser(String url, String role) {
        assumeTrue(url.contains("user=postgres"), "the embedded server's URL, whose user this test swaps");
        return url.replace("user=postgres", "user=" + role);
    }

    private static void admin(String... statements) throws SQLException {
        sql(TestDatabases.postgresAdminUrl(), statements);
    }

    private static void sql(String url, String... statements) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url);
             Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private static String databaseName(String url) {
        return org.postgresql.Driver.parseURL(url, null).getProperty("PGDBNAME");
    }

    /** Tables in any schema but the system's. */
    private static int tableCount(String url) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM information_schema.tables "
                     + "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Where the migration's three settings come from: "client" for startup options, "session" for SET. */
    private static String settingSources(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(
                "SELECT string_agg(source, ' ' ORDER BY name) FROM pg_settings WHERE name IN "
                        + "('default_transaction_isolation', 'lock_timeout', 'statement_timeout')")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String show(Connection connection, String setting) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
