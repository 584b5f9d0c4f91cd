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
import org.elibrary.migrations.ValidationReport.Kind;
import org.elibrary.testing.TestDatabases;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;

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
    void fromASpringTransactionAwareProxyIsRefusedUnchanged(Backend backend) throws SQLException {
        DataSource dataSource = Sql.newDatabase(backend);
        // its connection inside a Spring transaction is Spring's: migrating would commit that transaction
        assertThatThrownBy(() -> Migrations.from(new TransactionAwareDataSourceProxy(dataSource), backend))
                .isExactlyInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("the DataSource is a TransactionAwareDataSourceProxy");
        assertThat(Migrations.from(dataSource).info().state()).isEqualTo(SchemaState.EMPTY);
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
        assertThat(validation.kinds()).containsExactly(Kind.SEQUENCE_BEHIND);
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

    // --------------------------------------------------------------------------------- kinds of problem

    /** A history row for a migration this library does not ship, older than its latest: "Missing" to Flyway. */
    static final String REMOVED_MIGRATION = "INSERT INTO flyway_schema_history (installed_rank, version, "
            + "description, type, script, checksum, installed_by, execution_time, success) "
            + "VALUES (4, '2.5', 'removed thing', 'SQL', 'V2_5__removed_thing.sql', 12345, 'someone', 5, true);";
    /**
     * What a failed V3 leaves: its row with success = false. Flyway writes one when a migration that runs
     * outside a transaction fails (on PostgreSQL, say, CREATE INDEX CONCURRENTLY), or another tool left it;
     * the library's own migrations run in one transaction, so the test marks the row as such a failure would.
     */
    static final String FAILED_V3 = "UPDATE flyway_schema_history SET success = false WHERE version = '3';";
    /** What V3 creates, dropped again: the undo the advice for a failed V3 asks for. */
    static String undoV3(Backend backend) {
        if (backend == Backend.POSTGRESQL) {
            return "DROP INDEX ix_book_title_lower_trgm;\nDROP INDEX ix_author_name_lower_trgm;";
        }
        StringBuilder script = new StringBuilder();
        for (String table : new String[] {"book_title_search", "author_name_search"}) {
            for (String event : new String[] {"insert", "delete", "update"}) {
                script.append("DROP TRIGGER ").append(table).append("_after_").append(event).append(";\n");
            }
            script.append("DROP TABLE ").append(table).append(";\n");
        }
        return script.toString();
    }

    /**
     * Each kind of problem, made for real on both databases: a deploy step tells "run migrate" from what a
     * person must look at by its kind, where it had only sentences (Flyway's words, some of them).
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void everyProblemHasItsKind(Backend backend) throws SQLException {
        DataSource empty = Sql.newDatabase(backend);
        assertThat(Migrations.from(empty, backend).validate().kinds()).containsExactly(Kind.EMPTY);

        DataSource python = Sql.newDatabase(backend);
        Sql.script(python, seed(backend));
        Migrations adopting = Migrations.from(python, backend);
        assertThat(adopting.validate().kinds()).containsExactly(Kind.NOT_ADOPTED);
        adopting.baseline();
        ValidationReport pending = adopting.validate();
        assertThat(pending.kinds()).containsExactly(Kind.PENDING, Kind.PENDING);
        assertThat(pending.problemDetails()).extracting(ValidationReport.Problem::message)
                .containsExactlyElementsOf(pending.problems())
                .satisfiesExactly(v2 -> assertThat(v2).startsWith("V2 "), v3 -> assertThat(v3).startsWith("V3 "));

        DataSource foreign = Sql.newDatabase(backend);
        Sql.script(foreign, "CREATE TABLE invoices (id INTEGER PRIMARY KEY);");
        ValidationReport refused = Migrations.from(foreign, backend).validate();
        assertThat(refused.kinds()).containsExactly(Kind.FOREIGN_SCHEMA);
        assertThat(refused.problems()).singleElement().asString().contains("invoices");

        DataSource edited = LaterMigrationsIT.migrated(backend);
        Sql.script(edited, "UPDATE flyway_schema_history SET checksum = 1 WHERE version = '2';");
        ValidationReport changed = Migrations.from(edited, backend).validate();
        assertThat(changed.kinds()).containsExactly(Kind.CHANGED);
        assertThat(changed.problems()).singleElement().asString().startsWith("V2 foreign key indexes: ")
                .contains("checksum");

        DataSource removed = LaterMigrationsIT.migrated(backend);
        Sql.script(removed, REMOVED_MIGRATION);
        ValidationReport missing = Migrations.from(removed, backend).validate();
        assertThat(missing.kinds()).containsExactly(Kind.MISSING);
        assertThat(missing.problems()).singleElement().asString().startsWith("V2.5 removed thing: ");

        // ahead is no problem: a newer library's V4
        DataSource newer = LaterMigrationsIT.migrated(backend);
        Sql.script(newer, FUTURE_MIGRATION);
        assertThat(Migrations.from(newer, backend).validate().problemDetails()).isEmpty();
    }

    /**
     * A failed migration in the history showed as "current version 3, pending none" in info, and validate said
     * only Flyway's "Detected failed migration to version 3 (unicode search)." (its advice, for Flyway's own
     * command line, cut off). Now info names it with what to do, validate gives it the kind FAILED and the same
     * sentence, and the advice, followed, gives a valid database.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void aFailedMigrationIsNamedWithWhatToDo(Backend backend) throws SQLException {
        DataSource dataSource = LaterMigrationsIT.migrated(backend);
        Migrations migrations = Migrations.from(dataSource, backend);
        Sql.script(dataSource, FAILED_V3);
        String sentence = "V3 unicode search failed (its row in flyway_schema_history says so) and may be half "
                + "applied; migrate refuses to run until you fix what made it fail, undo what it applied and delete "
                + "that row (DELETE FROM flyway_schema_history WHERE version = '3' AND NOT success), then run migrate";

        SchemaInfo info = migrations.info();
        assertThat(info.failed()).extracting(Migration::version).containsExactly("3");
        assertThat(info.upToDate()).as("a failed migration may be half applied").isFalse();
        assertThat(info.failures()).containsExactly(sentence);
        ValidationReport report = migrations.validate();
        assertThat(report.valid()).isFalse();
        assertThat(report.kinds()).containsExactly(Kind.FAILED);
        assertThat(report.problems()).containsExactly(sentence);
        assertThatThrownBy(migrations::migrate).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(sentence);

        Sql.script(dataSource, undoV3(backend));
        Sql.script(dataSource, "DELETE FROM flyway_schema_history WHERE version = '3' AND NOT success;");
        assertThat(migrations.info().failed()).isEmpty();
        assertThat(migrations.validate().kinds()).containsExactly(Kind.PENDING);
        assertThat(migrations.migrate().applied()).extracting(Migration::version).containsExactly("3");
        assertThat(migrations.validate().valid()).isTrue();
        assertThat(migrations.info().upToDate()).isTrue();
    }
}
