package org.elibrary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.elibrary.testing.TestDatabases.asUser;
import static org.elibrary.testing.TestDatabases.dataSource;
import static org.elibrary.testing.TestDatabases.execute;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A Library opened over a caller's DataSource (Spring Boot's pool, say) has no DATABASE_URL: its user sets the
 * pool's JDBC URL. Refusals told such a user to change DATABASE_URL; they now name the DataSource's JDBC URL (or
 * what else of the DataSource the advice is about), while a Library opened from settings still names
 * DATABASE_URL.
 */
class CallersDataSourceAdviceIT {
    private static final String CALLERS_URL = "the DataSource's JDBC URL";

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aForeignDatabaseIsToldToPointTheUrlTheUserSetsElsewhere(Backend backend) throws SQLException {
        String url = TestDatabases.newDatabaseUrl(backend);
        execute(url, "CREATE TABLE invoices (id INTEGER PRIMARY KEY)");
        DataSource dataSource = dataSource(backend, url);
        String advice = " at an empty database, one made by the Python app, or one made by this library";
        assertThatThrownBy(() -> Library.open(dataSource).close())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("it was left unchanged. Point " + CALLERS_URL + advice)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("DATABASE_URL"));
        assertThatThrownBy(() -> Library.open(LibrarySettings.builder().databaseUrl(url).build()).close())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("it was left unchanged. Point DATABASE_URL" + advice);
    }

    /**
     * A currentSchema that does not exist: over a caller's DataSource both opens now say so, naming its URL; the
     * open without migrating said "has no migration history", on either path.
     */
    @Test
    void aSchemaThatDoesNotExistIsRefusedNamingWhereItIsSet() {
        String url = withParameter(TestDatabases.newPostgresUrl(), "currentSchema=nope");
        String refused = " does not exist: create it first (CREATE SCHEMA), or fix currentSchema/search_path in ";
        for (boolean migrate : List.of(true, false)) {
            assertThatThrownBy(() -> Library.open(dataSource(Backend.POSTGRESQL, url), migrate).close())
                    .as("migrate " + migrate).isInstanceOf(ConfigurationException.class)
                    .hasMessageStartingWith("schema nope of jdbc:postgresql://")
                    .hasMessageEndingWith(refused + CALLERS_URL + " (or the pool's schema setting)")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("DATABASE_URL"));
            assertThatThrownBy(() -> Library.open(LibrarySettings.builder().databaseUrl(url).migrateOnOpen(migrate)
                    .build()).close())
                    .as("migrate " + migrate).isInstanceOf(ConfigurationException.class)
                    .hasMessageStartingWith("schema nope of ")
                    .hasMessageEndingWith(refused + "DATABASE_URL");
        }
    }

    /**
     * A currentSchema that exists but is empty: an open without migrating said "… has no migration history"
     * without naming where it looked; it names the schema now, on both paths. A migrating open creates the
     * tables there, as Flyway does.
     */
    @Test
    void anEmptySchemaIsNamedWhereTheHistoryWasLookedFor() throws SQLException {
        String database = TestDatabases.newPostgresUrl();
        execute(database, "CREATE SCHEMA app");
        String url = withParameter(database, "currentSchema=app");
        String history = " has no migration history (flyway_schema_history): it is empty";
        assertThatThrownBy(() -> Library.open(dataSource(Backend.POSTGRESQL, url), false).close())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("schema app of jdbc:postgresql://")
                .hasMessageContaining(history);
        assertThatThrownBy(() -> Library.open(LibrarySettings.builder().databaseUrl(url).migrateOnOpen(false)
                .build()).close())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("schema app of ")
                .hasMessageContaining(history);
        try (Library library = Library.open(dataSource(Backend.POSTGRESQL, url))) {
            assertThat(library.books().create("Война и мир").title()).isEqualTo("Война и мир");
        }
        assertThat(strings(database, "SELECT table_schema FROM information_schema.tables WHERE table_name = "
                + "'flyway_schema_history'")).containsExactly("app");
    }

    @Test
    void aUserWhoMayNotCreateTheSchemaIsToldToMigrateAsItsOwner() throws SQLException {
        String url = postgresWithRoles();
        String role = role("elib_adv_nocreate_");
        execute(url, "CREATE ROLE " + role + " LOGIN", "REVOKE CREATE ON SCHEMA public FROM PUBLIC");
        String refused = "user " + role + " may not create tables in schema public of ";
        String grant = "), or have the owner GRANT CREATE ON SCHEMA public TO " + role;
        assertThatThrownBy(() -> Library.open(dataSource(Backend.POSTGRESQL, asUser(url, role))).close())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith(refused)
                .hasMessageEndingWith(": run the migrations as the schema's owner (through a DataSource that logs in "
                        + "as the owner" + grant)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("DATABASE_URL"));
        assertThatThrownBy(() -> Library.open(LibrarySettings.builder().databaseUrl(asUser(url, role)).build())
                .close())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith(refused)
                .hasMessageEndingWith(": run the migrations as the schema's owner (migrate with another DATABASE_URL"
                        + grant);
    }

    /** Its alternative to the grant was DATABASE_MIGRATE_ON_OPEN=false, a setting a caller's DataSource has not. */
    @Test
    void aUserWhoMayNotReadTheHistoryIsToldToOpenWithoutMigrating() throws SQLException {
        String url = migratedDatabase();
        String role = role("elib_adv_nohist_");
        execute(url, "CREATE ROLE " + role + " LOGIN",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON author, book, \"user\", author_book, comment TO " + role,
                "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO " + role);
        DataSource asRole = dataSource(Backend.POSTGRESQL, asUser(url, role));
        assertThatThrownBy(() -> Library.open(asRole).close())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("user " + role + " may not read the migration history")
                .hasMessageEndingWith(", or open the Library without migrating (Library.open(dataSource, false)) and "
                        + "migrate as the schema's owner")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("DATABASE_MIGRATE_ON_OPEN"));
        try (Library library = Library.open(asRole, false)) {
            assertThat(library.books().create("Анна Каренина").title()).isEqualTo("Анна Каренина");
        }
        assertThatThrownBy(() -> Library.open(LibrarySettings.builder().databaseUrl(asUser(url, role)).build())
                .close())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageEndingWith(", or set DATABASE_MIGRATE_ON_OPEN=false in the application and migrate as "
                        + "the schema's owner");
    }

    @Test
    void aRoleThatMayOnlyReadIsToldToUseAnotherRoleWhereItIsSet() throws SQLException {
        String url = migratedDatabase();
        String role = role("elib_adv_ro_");
        execute(url, "CREATE ROLE " + role + " LOGIN", "GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + role);
        String grant = ": the database role " + role + " may not read or write that table (or use its id "
                + "sequence); grant it SELECT, INSERT, UPDATE and DELETE on the library's tables and USAGE on their "
                + "sequences, or ";
        try (Library library = Library.open(dataSource(Backend.POSTGRESQL, asUser(url, role)), false)) {
            assertThatThrownBy(() -> library.books().create("Анна Каренина"))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageEndingWith(grant + "give the library a DataSource that logs in as a role that may")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("DATABASE_URL"));
        }
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(asUser(url, role))
                .migrateOnOpen(false).build())) {
            assertThatThrownBy(() -> library.books().create("Анна Каренина"))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageEndingWith(grant + "use another DATABASE_URL");
        }
    }

    /** A standby, or default_transaction_read_only: retry, or point what names the database at the primary. */
    @Test
    void aReadOnlyDatabaseIsToldToPointTheUrlTheUserSetsAtThePrimary() throws SQLException {
        String url = migratedDatabase();
        execute(url, "ALTER DATABASE " + strings(url, "SELECT current_database()").get(0)
                + " SET default_transaction_read_only = on");
        String readOnly = "the database is read-only for now (a standby, a failover under way, or "
                + "default_transaction_read_only is on); retry later, or point ";
        try (Library library = Library.open(dataSource(Backend.POSTGRESQL, url), false)) {
            assertThatThrownBy(() -> library.books().create("Анна Каренина"))
                    .isInstanceOf(DatabaseUnavailableException.class)
                    .hasMessageEndingWith(readOnly + CALLERS_URL + " at the primary if this one is a replica")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("DATABASE_URL"));
        }
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(url).migrateOnOpen(false)
                .build())) {
            assertThatThrownBy(() -> library.books().create("Анна Каренина"))
                    .isInstanceOf(DatabaseUnavailableException.class)
                    .hasMessageEndingWith(readOnly + "DATABASE_URL at the primary if this one is a replica");
        }
    }

    /**
     * PgBouncer's transaction pooling, done as SqlErrorsIT does it: a trigger deallocates the statements pgjdbc
     * prepared, as another server connection would not have them. The caller's pool is told to add
     * prepareThreshold=0 to its URL, with no SQLAlchemy URL to mention.
     */
    @Test
    void preparedStatementsLostBehindATransactionPoolerAreToldWhereToTurnThemOff() throws SQLException {
        String url = TestDatabases.newPostgresUrl();
        try (HikariDataSource pool = TestDatabases.pool(url, 1); Library library = Library.open(pool)) {
            execute(url, "CREATE FUNCTION forget() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    + "EXECUTE 'DEALLOCATE ALL'; RETURN NEW; END $$",
                    "CREATE TRIGGER forget AFTER INSERT ON author FOR EACH ROW WHEN (NEW.name LIKE 'forget%') "
                    + "EXECUTE FUNCTION forget()");
            // a statement run often enough for pgjdbc to prepare it by name (prepareThreshold, 5 by default)
            for (int i = 0; i < 6; i++) {
                library.authors().create("warm " + i);
            }
            assertThatThrownBy(() -> library.authors().create("forget"))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("the connection goes through a pooler in transaction mode")
                    .hasMessageEndingWith("; add prepareThreshold=0 to " + CALLERS_URL + " (or its connection "
                            + "properties), or use session pooling")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("DATABASE_URL", "SQLAlchemy"));
        }
    }

    /** A SQLite URL the library checks when the driver says "unable to open": sqlite-jdbc's own, or a pool's. */
    @Test
    void aSqliteFileThatCannotBeOpenedIsNamedByWhereItIsSet() throws IOException {
        Path folder = Files.createTempDirectory("elibrary-test-");
        Path inMissingFolder = folder.resolve("no-such-dir").resolve("library.db");
        Path directory = Files.createDirectory(folder.resolve("library.db"));
        for (Path file : List.of(inMissingFolder, directory)) {
            String url = "jdbc:sqlite:" + file;
            String refusal = file == directory ? ": " + file + " is a directory, not a SQLite file"
                    : ": the directory " + file.getParent() + " of the SQLite file " + file + " does not exist";
            try (HikariDataSource pool = lazyPool(url)) {
                for (DataSource dataSource : List.of(dataSource(Backend.SQLITE, url), pool)) {
                    assertThatThrownBy(() -> Library.open(dataSource).close())
                            .isInstanceOf(ConfigurationException.class)
                            .hasMessage(CALLERS_URL + " " + url + refusal);
                }
            }
            assertThatThrownBy(() -> Library.open(LibrarySettings.builder().databaseUrl(url).build()).close())
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessage("DATABASE_URL " + url + refusal);
        }
    }

    /** pgjdbc's "The connection attempt failed": the host that did not resolve, and where the user set it. */
    @Test
    void anUnknownHostIsToldToBeCheckedWhereTheUserSetsIt() {
        PGSimpleDataSource unknown = new PGSimpleDataSource();
        unknown.setURL("jdbc:postgresql://no-such-host.invalid:5432/library?user=anna&password=Sekr3t");
        Throwable error = catchThrowable(() -> Library.open(unknown).close());
        assertThat(error).isInstanceOf(DatabaseUnavailableException.class)
                .hasMessageContaining("failed: unknown host no-such-host.invalid; check the host in " + CALLERS_URL
                        + ", or the DNS")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("DATABASE_URL", "Sekr3t"));
    }

    // ------------------------------------------------------------------------------------------------- helpers

    /** A new database with the library's schema, migrated by the superuser. */
    private static String migratedDatabase() {
        String url = postgresWithRoles();
        Library.open(LibrarySettings.builder().databaseUrl(url).build()).close();
        return url;
    }

    private static String postgresWithRoles() {
        assumeTrue(TestDatabases.embeddedPostgres() != null,
                "needs the embedded PostgreSQL, whose new roles log in without a password");
        return TestDatabases.newPostgresUrl();
    }

    private static String role(String prefix) {
        return prefix + ProcessHandle.current().pid();
    }

    private static List<String> strings(String url, String query) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(query)) {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        }
    }

    /** A caller's HikariCP pool that connects only when asked for a connection, as one made by its setters does. */
    private static HikariDataSource lazyPool(String url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setInitializationFailTimeout(-1);
        config.setConnectionTimeout(1000);
        return new HikariDataSource(config);
    }

    private static String withParameter(String url, String parameter) {
        return url + (url.contains("?") ? "&" : "?") + parameter;
    }
}
