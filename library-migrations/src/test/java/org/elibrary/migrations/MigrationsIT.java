package org.elibrary.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.elibrary.Backend;
import org.elibrary.ConfigurationException;
import org.elibrary.ForeignKeyViolationException;
import org.elibrary.LibrarySettings;
import org.elibrary.testing.TestDatabases;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

class MigrationsIT {
    @TempDir
    Path dir;

    private static String seed(Backend backend) {
        return Sql.resource("reference/ddl-" + backend.name().toLowerCase(Locale.ROOT) + ".sql");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void migrateInfoValidateOnAnEmptyDatabase(Backend backend) {
        String url = TestDatabases.newDatabaseUrl(backend);
        Migrations migrations = Migrations.from(LibrarySettings.builder().databaseUrl(url).build());
        assertThat(migrations.backend()).isEqualTo(backend);

        SchemaInfo before = migrations.info();
        assertThat(before.state()).isEqualTo(SchemaState.EMPTY);
        assertThat(before.currentVersion()).isEmpty();
        assertThat(before.pending()).extracting(Migration::version).containsExactly("1", "2", "3");
        assertThat(migrations.validate().valid()).isFalse();

        MigrationReport report = migrations.migrate();
        assertThat(report.stateBefore()).isEqualTo(SchemaState.EMPTY);
        assertThat(report.applied()).extracting(Migration::version).containsExactly("1", "2", "3");
        assertThat(report.changed()).isTrue();
        assertThat(report.versionAfter()).isEqualTo("3");

        SchemaInfo after = migrations.info();
        assertThat(after.upToDate()).isTrue();
        assertThat(after.latestVersion()).isEqualTo("3");
        assertThat(after.applied()).allSatisfy(migration -> assertThat(migration.installedOn()).isPresent());
        // the report's install times are those the history recorded, not the time the report was made
        assertThat(report.applied()).extracting(Migration::installedOn)
                .containsExactlyElementsOf(after.applied().stream().map(Migration::installedOn).toList());
        ValidationReport validation = migrations.validate();
        assertThat(validation.valid()).isTrue();
        assertThat(validation.problems()).isEmpty();

        MigrationReport again = migrations.migrate();
        assertThat(again.changed()).isFalse();
        assertThat(again.versionBefore()).contains("3");
    }

    /**
     * A deploy step that runs migrate while the application writes: Flyway's migrate takes SQLite's write lock
     * even with nothing to apply, so it waited out the busy timeout and failed with "database is locked". An
     * up-to-date file is now answered by reading; a file with something pending still waits for the lock.
     */
    @Test
    void migrateOfAnUpToDateSqliteFileNeedsNoWriteLock() throws Exception {
        Path file = dir.resolve("busy.db");
        Migrations migrations = Migrations.from(LibrarySettings.builder().databaseUrl("sqlite:///" + file)
                .set(LibrarySettings.SQLITE_BUSY_TIMEOUT, "200ms").build());
        migrations.migrate();
        try (Connection writer = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = writer.createStatement()) {
            statement.execute("BEGIN IMMEDIATE");
            MigrationReport report = migrations.migrate();
            assertThat(report.changed()).isFalse();
            assertThat(report.versionBefore()).contains("3");
            assertThat(report.versionAfter()).isEqualTo("3");
            statement.execute("ROLLBACK");
        }
    }

    /** A history row as a newer library version would leave it: a V4 this library does not ship. */
    static final String FUTURE_MIGRATION = "INSERT INTO flyway_schema_history (installed_rank, version, description, "
            + "type, script, checksum, installed_by, execution_time, success) "
            + "VALUES (4, '4', 'future thing', 'SQL', 'V4__future_thing.sql', 12345, 'newer', 5, true);";

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aSchemaMigratedByANewerLibraryIsValidButSaidToBeAhead(Backend backend) throws SQLException {
        DataSource dataSource = Sql.newDatabase(backend);
        Migrations migrations = Migrations.from(dataSource, backend);
        assertThat(migrations.migrate().ahead()).isFalse();
        assertThat(migrations.info().ahead()).isEmpty();

        Sql.script(dataSource, FUTURE_MIGRATION);
        SchemaInfo info = migrations.info();
        assertThat(info.currentVersion()).contains("4");
        assertThat(info.ahead()).extracting(Migration::version).containsExactly("4");
        ValidationReport validation = migrations.validate();
        assertThat(validation.valid()).isTrue();
        assertThat(validation.info().ahead()).extracting(Migration::description).containsExactly("future thing");
        MigrationReport report = migrations.migrate();
        assertThat(report.changed()).isFalse();
        assertThat(report.ahead()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void fromADataSourceDetectsItsBackend(Backend backend) throws SQLException {
        // SQLite: a real file; PostgreSQL: the embedded server
        DataSource dataSource = Sql.newDatabase(backend);
        Migrations migrations = Migrations.from(dataSource);
        assertThat(migrations.backend()).isEqualTo(backend);
        assertThat(migrations.migrate().versionAfter()).isEqualTo("3");
        assertThat(migrations.validate().valid()).isTrue();
        assertThat(Sql.count(dataSource, "SELECT count(*) FROM flyway_schema_history")).isEqualTo(3);
    }

    @Test
    void fromADataSourceOfAnotherDatabaseIsRefusedUnchanged() throws SQLException {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:migrations-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        assertThatThrownBy(() -> Migrations.from(h2)).isInstanceOf(ConfigurationException.class)
                .hasMessage("unsupported database product: H2 (supported: SQLite, PostgreSQL)");
        assertThat(Sql.count(h2, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'PUBLIC'"))
                .isZero();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void pythonAppDatabaseIsAdoptedThroughTheApi(Backend backend) throws SQLException {
        DataSource dataSource = Sql.newDatabase(backend);
        Sql.script(dataSource, seed(backend));
        Sql.script(dataSource, "INSERT INTO book (title) VALUES ('Emma');");
        Migrations migrations = Migrations.from(dataSource, backend);
        assertThat(migrations.info().state()).isEqualTo(SchemaState.PYTHON_APP_SCHEMA);

        MigrationReport baseline = migrations.baseline();
        assertThat(baseline.adopted()).isTrue();
        assertThat(migrations.info().pending()).extracting(Migration::version).containsExactly("2", "3");

        MigrationReport report = migrations.migrate();
        assertThat(report.adopted()).isFalse();
        assertThat(report.applied()).extracting(Migration::version).containsExactly("2", "3");
        SchemaInfo info = migrations.info();
        assertThat(info.adopted()).isTrue();
        assertThat(info.applied().get(0).state()).isEqualTo("Baseline");
        assertThat(Sql.strings(dataSource, "SELECT title FROM book")).containsExactly("Emma");
    }

    /**
     * Rows the Python app's database got with explicit ids (a catalog copied from SQLite) leave PostgreSQL's id
     * sequences behind: the adoption moves them past the largest ids and says so in its report; a sequence that
     * falls behind again later makes validate() invalid, with the command that repairs it. SQLite has none.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void idSequencesBehindExplicitIdsAreRepairedOnAdoptionAndReportedByValidate(Backend backend) throws SQLException {
        DataSource dataSource = Sql.newDatabase(backend);
        Sql.script(dataSource, seed(backend));
        Sql.script(dataSource, "INSERT INTO book (id, title) VALUES (1, 'Emma'), (7, 'Persuasion');");
        Migrations migrations = Migrations.from(dataSource, backend);

        MigrationReport report = migrations.migrate();

        assertThat(report.adopted()).isTrue();
        if (backend == Backend.SQLITE) {
            assertThat(report.repairs()).isEmpty();
        } else {
            assertThat(report.repairs()).containsExactly("moved the id sequence public.book_id_seq of table book from "
                    + "next value 1 to 8, past the largest id 7 (rows had been inserted with explicit ids)");
        }
        assertThat(migrations.validate().valid()).isTrue();

        Sql.script(dataSource, "INSERT INTO book (id, title) VALUES (20, 'Sanditon');");
        ValidationReport validation = migrations.validate();
        if (backend == Backend.SQLITE) {
            assertThat(validation.valid()).isTrue();
            return;
        }
        assertThat(validation.valid()).isFalse();
        assertThat(validation.problems()).containsExactly("the id sequence public.book_id_seq of table book is behind "
                + "its rows (next value 8, largest id 20), so inserting a row fails with a duplicate id: run "
                + "SELECT setval(pg_get_serial_sequence('book','id'), (SELECT max(id) FROM book))");
        Sql.strings(dataSource, "SELECT setval(pg_get_serial_sequence('book','id'), (SELECT max(id) FROM book))");
        assertThat(migrations.validate().valid()).isTrue();
    }

    @Test
    void brokenForeignKeysAreReportedBeforeAnythingChanges() throws SQLException {
        Path file = TestDatabases.newSqliteFile();
        DataSource withoutForeignKeys = new org.sqlite.SQLiteDataSource();
        ((org.sqlite.SQLiteDataSource) withoutForeignKeys).setUrl("jdbc:sqlite:" + file);
        Sql.script(withoutForeignKeys, seed(Backend.SQLITE));
        Sql.script(withoutForeignKeys, "INSERT INTO comment (text, user_id, book_id) VALUES ('orphan', 1, 1);");
        Migrations migrations = Migrations.from(LibrarySettings.builder().databaseUrl("sqlite:///" + file).build());
        assertThatThrownBy(migrations::migrate)
                .isInstanceOfSatisfying(ForeignKeyViolationException.class, e -> assertThat(e.violations())
                        .containsOnly(Map.entry("comment.book_id -> book", 1L), Map.entry("comment.user_id -> user", 1L)));
        assertThat(migrations.info().state()).isEqualTo(SchemaState.PYTHON_APP_SCHEMA);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void foreignSchemaIsRefused(Backend backend) throws SQLException {
        DataSource dataSource = Sql.newDatabase(backend);
        Sql.script(dataSource, "CREATE TABLE invoices (id INTEGER PRIMARY KEY);");
        Migrations migrations = Migrations.from(dataSource, backend);
        assertThat(migrations.info().state()).isEqualTo(SchemaState.FOREIGN);
        assertThat(migrations.info().pending()).isEmpty();
        assertThatThrownBy(migrations::migrate).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("invoices");
        assertThat(Sql.strings(dataSource, backend == Backend.SQLITE
                ? "SELECT count(*) FROM sqlite_master"
                : "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"))
                .containsExactly("1");
    }

    /**
     * A currentSchema that does not exist: info said "empty (migrate creates it)" and validate "run migrate",
     * which then refused the schema. All three now refuse it alike, and nothing is created.
     */
    @Test
    void aPostgresSchemaThatDoesNotExistIsRefusedByEveryVerb() throws SQLException {
        String url = TestDatabases.newPostgresUrl();
        Migrations migrations = Migrations.from(LibrarySettings.builder()
                .databaseUrl(url + (url.contains("?") ? "&" : "?") + "currentSchema=nope").build());
        for (ThrowingCallable verb : List.<ThrowingCallable>of(migrations::info, migrations::validate,
                migrations::migrate)) {
            assertThatThrownBy(verb).isInstanceOf(ConfigurationException.class)
                    .hasMessageStartingWith("schema nope of ")
                    .hasMessageEndingWith(" does not exist: create it first (CREATE SCHEMA), or fix "
                            + "currentSchema/search_path in DATABASE_URL");
        }
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM pg_namespace WHERE nspname = 'nope'")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
    }

    @Test
    void inMemoryDatabaseCannotBeMigratedSeparately() {
        assertThatThrownBy(() -> Migrations.from(LibrarySettings.builder().databaseUrl("sqlite://").build()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("in-memory");
    }

    @Test
    void infoAndValidateOfAMissingSqliteFileCreateNothing() throws Exception {
        Path file = dir.resolve("not-yet.db");
        Migrations migrations = Migrations.from(LibrarySettings.builder().databaseUrl("jdbc:sqlite:" + file).build());

        SchemaInfo info = migrations.info();
        ValidationReport validation = migrations.validate();

        assertThat(info.state()).isEqualTo(SchemaState.EMPTY);
        assertThat(info.pending()).isNotEmpty();
        assertThat(validation.valid()).isFalse();
        try (var left = java.nio.file.Files.list(dir)) {
            assertThat(left).isEmpty();
        }
        assertThat(migrations.migrate().versionAfter()).isEqualTo(info.latestVersion());
        assertThat(file).exists();
    }

    @Test
    void missingDirectoryIsNamed() {
        Path missing = dir.resolve("nope/library.db");
        assertThatThrownBy(() -> Migrations.from(LibrarySettings.builder().databaseUrl("sqlite:///" + missing).build()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(missing.getParent().toString());
    }

    @Test
    void noFlywayExceptionAtTheSurface() throws SQLException {
        DataSource dataSource = Sql.newDatabase(Backend.SQLITE);
        Migrations migrations = Migrations.from(dataSource, Backend.SQLITE);
        migrations.migrate();
        Sql.script(dataSource, "UPDATE flyway_schema_history SET checksum = 1 WHERE version = '3';");
        ValidationReport report = migrations.validate();
        assertThat(report.valid()).isFalse();
        assertThat(report.problems()).hasSize(1).first().asString().contains("V3");
        assertThatThrownBy(migrations::migrate).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("does not match");
    }
}
