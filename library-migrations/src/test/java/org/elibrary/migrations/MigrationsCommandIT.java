package org.elibrary.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;
import org.elibrary.Backend;
import org.elibrary.ConfigurationException;
import org.elibrary.LibrarySettings;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/** The command line, run in-process against real databases. */
class MigrationsCommandIT {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        err.reset();
        return MigrationsCommand.run(
                () -> LibrarySettings.builder().environment(Map.of()).systemProperties(Map.of()).workingDirectory(dir),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void migrateInfoValidateOnSqliteWithAnEnvFile() throws Exception {
        Path envFile = dir.resolve("app.env");
        Files.writeString(envFile, "# the Python app's .env\nAPP_TITLE=Электронная библиотека\n"
                + "DATABASE_URL=sqlite+aiosqlite:///./library.db\n", StandardCharsets.UTF_8);

        assertThat(run("info", "--env-file", envFile.toString())).isZero();
        assertThat(out()).contains("database: sqlite+aiosqlite:///./library.db (sqlite)")
                .contains("state: empty").contains("current version: none").contains("V3 unicode search");

        assertThat(run("validate", "--env-file=" + envFile)).isEqualTo(MigrationsCommand.INVALID);
        assertThat(out()).contains("invalid:").contains("empty");

        assertThat(run("migrate", "--env-file", envFile.toString())).isZero();
        assertThat(out()).contains("applied 3 migrations:").contains("V1 seed schema").contains("now at version 3");
        assertThat(dir.resolve("library.db")).exists();

        assertThat(run("migrate", "--env-file", envFile.toString())).isZero();
        assertThat(out()).contains("up to date at version 3");

        assertThat(run("validate", "--env-file", envFile.toString())).isZero();
        assertThat(out()).contains("valid");

        assertThat(run("info", "--env-file", envFile.toString())).isZero();
        assertThat(out()).contains("state: managed").contains("current version: 3").contains("pending: none");
    }

    @Test
    void aSchemaMigratedByANewerLibraryIsValidAndSaidToBeAhead() throws Exception {
        // validate once said "matches the library's migrations" of a schema with a V4 this library does not know
        assertThat(run("migrate", "--url", "sqlite:///./new.db")).isZero();
        Sql.script(Sql.dataSource(Backend.SQLITE, "jdbc:sqlite:" + dir.resolve("new.db")), MigrationsIT.FUTURE_MIGRATION);

        assertThat(run("validate", "--url", "sqlite:///./new.db")).isZero();
        assertThat(out()).contains("valid: schema at version 4 is ahead of this library's migrations (latest 3): "
                + "V4 future thing applied by a newer library version").doesNotContain("matches");
        assertThat(run("migrate", "--url", "sqlite:///./new.db")).isZero();
        assertThat(out()).contains("schema is at version 4, ahead of this library's migrations (latest 3)")
                .doesNotContain("up to date");
        assertThat(run("info", "--url", "sqlite:///./new.db")).isZero();
        assertThat(out()).contains("ahead of this library (applied by a newer version): V4 future thing");
    }

    /**
     * validate printed each problem as a sentence only, the same exit 3 for all; info showed a failed V3 as
     * "current version: 3 … pending: none". Now each problem line starts with its kind, and info names the
     * failed migration with what to do.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void validateGivesEachProblemItsKindAndInfoNamesAFailedMigration(Backend backend) throws SQLException {
        String url = TestDatabases.newDatabaseUrl(backend);
        assertThat(run("validate", "--url", url)).isEqualTo(MigrationsCommand.INVALID);
        assertThat(out().lines()).contains("  [EMPTY] the database is empty: run migrate to create the schema");
        assertThat(run("validate", "--url", url, "--json")).isEqualTo(MigrationsCommand.INVALID);
        assertThat(out()).isEqualTo("{\"valid\":false,\"version\":null,\"latest_version\":\"3\",\"problems\":[\"the "
                + "database is empty: run migrate to create the schema\"],\"ahead\":[],\"problem_kinds\":[\"EMPTY\"]}"
                + System.lineSeparator());

        assertThat(run("migrate", "--url", url)).isZero();
        DataSource dataSource = Sql.dataSource(backend, url);
        Sql.script(dataSource, MigrationsIT.REMOVED_MIGRATION);
        assertThat(run("validate", "--url", url)).isEqualTo(MigrationsCommand.INVALID);
        assertThat(out().lines()).contains("  [MISSING] V2.5 removed thing: Detected applied migration not resolved "
                + "locally: 2.5.");

        Sql.script(dataSource, "DELETE FROM flyway_schema_history WHERE version = '2.5';\n" + MigrationsIT.FAILED_V3);
        String failed = "V3 unicode search failed (its row in flyway_schema_history says so) and may be half applied; "
                + "migrate refuses to run until you fix what made it fail, undo what it applied and delete that row "
                + "(DELETE FROM flyway_schema_history WHERE version = '3' AND NOT success), then run migrate";
        assertThat(run("info", "--url", url)).isZero();
        assertThat(out().lines()).contains("current version: 3", "failed: " + failed)
                .anySatisfy(line -> assertThat(line).startsWith("  V3 unicode search [Failed]"));
        assertThat(run("validate", "--url", url)).isEqualTo(MigrationsCommand.INVALID);
        assertThat(out().lines()).containsSubsequence("invalid:", "  [FAILED] " + failed);
        assertThat(run("--json", "validate", "--url", url)).isEqualTo(MigrationsCommand.INVALID);
        assertThat(out()).contains("\"problems\":[\"" + failed + "\"]").contains("\"problem_kinds\":[\"FAILED\"]");
        assertThat(run("info", "--json", "--url", url)).isZero();
        assertThat(out()).contains("\"version\":\"3\"").contains("\"pending\":[]").contains("\"failed\":[\"3\"]");
        assertThat(run("migrate", "--url", url)).isEqualTo(MigrationsCommand.UNAVAILABLE);
        assertThat(err()).contains(failed);
    }

    /** {@code --json}: one object on one line per command, with library-cli.jar's field names, and nothing else. */
    @Test
    void jsonReportsOfEveryCommand() throws SQLException {
        Path file = dir.resolve("python.db");
        Sql.script(Sql.dataSource(Backend.SQLITE, "jdbc:sqlite:" + file), Sql.resource("reference/ddl-sqlite.sql"));
        String url = "sqlite:///./python.db";
        String n = System.lineSeparator();

        assertThat(run("--json", "info", "--url", url)).isZero();
        assertThat(out()).isEqualTo("{\"backend\":\"sqlite\",\"database\":\"" + url + "\",\"state\":\"PYTHON_APP_SCHEMA\","
                + "\"version\":null,\"latest_version\":\"3\",\"pending\":[\"2\",\"3\"],\"adopted\":false,\"ahead\":[],"
                + "\"failed\":[]}" + n);
        assertThat(run("--json", "baseline", "--url", url)).isZero();
        assertThat(out()).isEqualTo("{\"backend\":\"sqlite\",\"state_before\":\"PYTHON_APP_SCHEMA\",\"version_before\":null,"
                + "\"version\":\"1\",\"applied\":[],\"adopted\":true,\"ahead\":false,\"repairs\":[]}" + n);
        assertThat(run("--json", "validate", "--url", url)).isEqualTo(MigrationsCommand.INVALID);
        assertThat(out()).startsWith("{\"valid\":false,\"version\":\"1\",\"latest_version\":\"3\",\"problems\":[\"V2 ")
                .endsWith("],\"ahead\":[],\"problem_kinds\":[\"PENDING\",\"PENDING\"]}" + n);
        assertThat(run("--json", "migrate", "--url", url)).isZero();
        assertThat(out()).isEqualTo("{\"backend\":\"sqlite\",\"state_before\":\"MANAGED\",\"version_before\":\"1\","
                + "\"version\":\"3\",\"applied\":[\"2\",\"3\"],\"adopted\":false,\"ahead\":false,\"repairs\":[]}" + n);
        assertThat(run("--json", "validate", "--url", url)).isZero();
        assertThat(out()).isEqualTo("{\"valid\":true,\"version\":\"3\",\"latest_version\":\"3\",\"problems\":[],"
                + "\"ahead\":[],\"problem_kinds\":[]}" + n);
        assertThat(err()).isEmpty();
    }

    @Test
    void aNamedEnvFileMustExist() {
        Path typo = dir.resolve("prod.evn");
        assertThat(run("migrate", "--env-file", typo.toString(), "--url", "sqlite:///./library.db"))
                .isEqualTo(MigrationsCommand.UNAVAILABLE);
        assertThat(err()).contains("--env-file " + typo + ": no such file");
        assertThat(dir.resolve("library.db")).doesNotExist();
        assertThat(run("info", "--env-file", dir.toString())).isEqualTo(MigrationsCommand.UNAVAILABLE);
        assertThat(err()).contains("is a directory");
    }

    @Test
    void urlOptionOverridesTheEnvFile() throws Exception {
        Path envFile = dir.resolve(".env");
        Files.writeString(envFile, "DATABASE_URL=sqlite:///./from-env.db\n");
        assertThat(run("migrate", "--env-file", envFile.toString(), "--url", "sqlite:///./from-url.db")).isZero();
        assertThat(dir.resolve("from-url.db")).exists();
        assertThat(dir.resolve("from-env.db")).doesNotExist();
    }

    @Test
    void aPythonAppDatabaseNotInUtf8IsRefusedAndLeftUnchanged() throws SQLException {
        String url = TestDatabases.newPostgresUrl("ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
        DataSource dataSource = Sql.dataSource(Backend.POSTGRESQL, url);
        Sql.script(dataSource, Sql.resource("reference/ddl-postgresql.sql"));
        Sql.script(dataSource, "INSERT INTO book (title) VALUES ('War and Peace');");

        for (String command : new String[] {"migrate", "baseline"}) {
            assertThat(run(command, "--url", url)).as(command).isEqualTo(MigrationsCommand.UNAVAILABLE);
            assertThat(err()).contains("the library needs a UTF8 database;").contains("is LATIN1")
                    .contains("ENCODING 'UTF8' TEMPLATE template0");
            assertThat(err().strip()).doesNotContain("\n");
        }
        assertThatThrownBy(() -> Migrations.from(LibrarySettings.builder().databaseUrl(url).build()).migrate())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("is LATIN1");
        assertThat(Sql.strings(dataSource, "SELECT table_name FROM information_schema.tables "
                + "WHERE table_schema = 'public' ORDER BY 1"))
                .containsExactly("author", "author_book", "book", "comment", "user");
        assertThat(Sql.strings(dataSource, "SELECT title FROM book")).containsExactly("War and Peace");
    }

    @Test
    void baselineThenMigrateAdoptsAPythonAppDatabaseOnPostgres() throws SQLException {
        String url = TestDatabases.newPostgresUrl();
        DataSource dataSource = Sql.dataSource(Backend.POSTGRESQL, url);
        Sql.script(dataSource, Sql.resource("reference/ddl-postgresql.sql"));

        assertThat(run("info", "--url", url)).isZero();
        assertThat(out()).contains("made by the Python app");

        assertThat(run("baseline", "--url", url)).isZero();
        assertThat(out()).contains("baselined at version 1");

        assertThat(run("validate", "--url", url)).isEqualTo(MigrationsCommand.INVALID);

        assertThat(run("migrate", "--url", url)).isZero();
        assertThat(out()).contains("applied 2 migrations:");

        assertThat(run("info", "--url", url)).isZero();
        assertThat(out()).contains("adopted from the Python app: yes").contains("[Baseline]");
        assertThat(run("baseline", "--url", url)).isZero();
        assertThat(out()).contains("already managed at version 3");
    }

    @Test
    void foreignKeyViolationsExitInvalid() throws SQLException {
        pythonAppDatabase("INSERT INTO author_book (author_id, book_id) VALUES (7, 8);");
        assertThat(run("migrate", "--url", "sqlite:///./python.db")).isEqualTo(MigrationsCommand.INVALID);
        assertThat(err()).contains("author_book: 1 row");
    }

    @Test
    void rowsWithIdsOfZeroOrLessExitInvalid() throws SQLException {
        pythonAppDatabase("INSERT INTO user (id, username) VALUES (0, 'root');");
        assertThat(run("migrate", "--url", "sqlite:///./python.db")).isEqualTo(MigrationsCommand.INVALID);
        assertThat(err()).startsWith("error: user.id: must be a positive id: 1 row of table user");
    }

    /** python.db in the working folder, with the Python app's schema and {@code rows}, foreign keys not enforced. */
    private void pythonAppDatabase(String rows) throws SQLException {
        org.sqlite.SQLiteDataSource python = new org.sqlite.SQLiteDataSource();
        python.setUrl("jdbc:sqlite:" + dir.resolve("python.db"));
        Sql.script(python, Sql.resource("reference/ddl-sqlite.sql"));
        Sql.script(python, rows);
    }

    @Test
    void foreignSchemaExitsWithConfigurationError() throws SQLException {
        Path file = dir.resolve("other.db");
        DataSource other = Sql.dataSource(Backend.SQLITE, "jdbc:sqlite:" + file);
        Sql.script(other, "CREATE TABLE invoices (id INTEGER PRIMARY KEY);");
        assertThat(run("migrate", "--url", "jdbc:sqlite:" + file)).isEqualTo(MigrationsCommand.UNAVAILABLE);
        assertThat(err()).contains("not the library's");
    }

    @Test
    void unreachableDatabaseExitsUnavailable() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        assertThat(run("info", "--url", "postgresql://anna:Sekr3t@127.0.0.1:" + port + "/lib"))
                .isEqualTo(MigrationsCommand.UNAVAILABLE);
        assertThat(err()).contains("anna:***@").doesNotContain("Sekr3t");
        assertThat(out()).doesNotContain("Sekr3t");
    }
}
