package org.elibrary.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.elibrary.Backend;
import org.elibrary.ConfigurationException;
import org.elibrary.DatabaseUnavailableException;
import org.elibrary.ForeignKeyViolationException;
import org.elibrary.LibrarySettings;
import org.elibrary.internal.db.Database;
import org.elibrary.internal.db.Databases;
import org.elibrary.testing.ReadOnlyPath;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteDataSource;

/**
 * On SQLite, verbs that only look (info, validate) and every refusal (of migrate, baseline and opening a
 * Library) leave a Python app's file byte for byte as it was: its journal mode, and no lock file beside it.
 */
class ReadOnlySqliteIT {

    /** A file as the Python app leaves it: rollback journal, foreign keys not enforced. */
    private static Path pythonFile(String... extraStatements) throws SQLException {
        Path file = TestDatabases.newSqliteFile();
        SQLiteDataSource python = new SQLiteDataSource();
        python.setUrl("jdbc:sqlite:" + file);
        Sql.script(python, Sql.resource("reference/ddl-sqlite.sql"));
        Sql.script(python, "INSERT INTO book (id, title) VALUES (1, 'Война и мир');");
        for (String statement : extraStatements) {
            Sql.script(python, statement);
        }
        return file;
    }

    /** The folder's files and the database file's bytes. */
    private static String state(Path file) throws IOException {
        try (Stream<Path> files = Files.list(file.getParent())) {
            return files.map(path -> path.getFileName().toString()).sorted().collect(Collectors.joining(","))
                    + " " + Arrays.hashCode(Files.readAllBytes(file)) + " " + Files.size(file);
        }
    }

    private static Migrations migrations(Path file) {
        return Migrations.from(LibrarySettings.builder().databaseUrl("sqlite:///" + file).build());
    }

    @Test
    void infoAndValidateChangeNoByteOfAPythonFile() throws Exception {
        Path file = pythonFile();
        String before = state(file);
        byte[] bytes = Files.readAllBytes(file);

        assertThat(migrations(file).info().state()).isEqualTo(SchemaState.PYTHON_APP_SCHEMA);
        assertThat(migrations(file).validate().valid()).isFalse();

        assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
        assertThat(state(file)).isEqualTo(before).doesNotContain("migrate-lock");
    }

    @Test
    void aFileThisProcessMayOnlyReadCanBeInspected() throws Exception {
        Path file = pythonFile();
        migrations(file).migrate();
        byte[] bytes = Files.readAllBytes(file);
        try (ReadOnlyPath readOnly = ReadOnlyPath.make(file)) {
            Migrations migrations = migrations(file);
            assertThat(migrations.info().upToDate()).isTrue();
            assertThat(migrations.validate().valid()).isTrue();
            // up to date: nothing to apply, answered by reading (it was "cannot be written: the file is read-only")
            assertThat(migrations.migrate().changed()).isFalse();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrintStream printer = new PrintStream(out, true, StandardCharsets.UTF_8);
            assertThat(MigrationsCommand.run(printer, printer, "info", "--url", "sqlite:///" + file)).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("state: managed");
        }
        assertThat(Files.readAllBytes(file)).isEqualTo(bytes);

        Path python = pythonFile();
        try (ReadOnlyPath readOnly = ReadOnlyPath.make(python)) {
            // something to apply: that needs to write
            assertThatThrownBy(migrations(python)::migrate).isInstanceOf(DatabaseUnavailableException.class)
                    .hasMessageContaining("cannot be written: the file is read-only");
        }
    }

    @Test
    void refusalsChangeNoByteOfTheFile() throws Exception {
        List<Path> refused = List.of(
                pythonFile("CREATE TABLE invoices (id INTEGER PRIMARY KEY);", "DROP TABLE comment;"),
                pythonFile("CREATE INDEX ix_comment_book_id ON comment (book_id);"),
                pythonFile("INSERT INTO comment (text, user_id, book_id) VALUES ('orphan', 7, 1);"));
        for (Path file : refused) {
            String before = state(file);
            Migrations migrations = migrations(file);
            assertThatThrownBy(migrations::migrate)
                    .isInstanceOfAny(ConfigurationException.class, ForeignKeyViolationException.class);
            assertThatThrownBy(migrations::baseline)
                    .isInstanceOfAny(ConfigurationException.class, ForeignKeyViolationException.class);
            LibrarySettings settings = LibrarySettings.builder().databaseUrl("sqlite:///" + file).build();
            assertThatThrownBy(() -> Databases.open(settings).close())
                    .isInstanceOfAny(ConfigurationException.class, ForeignKeyViolationException.class);
            assertThat(state(file)).as(file.toString()).isEqualTo(before).doesNotContain("migrate-lock");
        }
    }

    @Test
    void baselineOfAFileThatDoesNotExistIsRefusedAndDoesNotCreateIt() throws Exception {
        // It once left a new, empty file behind its refusal.
        Path missing = TestDatabases.newSqliteFile().resolveSibling("typo.db");
        assertThatThrownBy(migrations(missing)::baseline).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("is empty: there is nothing to baseline");
        try (Stream<Path> files = Files.list(missing.getParent())) {
            assertThat(files.map(path -> path.getFileName().toString())).noneMatch(name -> name.startsWith("typo"));
        }
    }

    @Test
    void aMigratedFileInWalModeCanStillBeInspected() throws Exception {
        Path file = pythonFile();
        Migrations migrations = migrations(file);
        assertThat(migrations.migrate().adopted()).isTrue();
        LibrarySettings settings = LibrarySettings.builder().databaseUrl("sqlite:///" + file).build();
        try (Database database = Databases.open(settings)) {
            assertThat(migrations.info().upToDate()).isTrue(); // while the Library holds the file in WAL mode
        }
        DataSource plain = Sql.dataSource(Backend.SQLITE, "jdbc:sqlite:" + file);
        assertThat(Sql.strings(plain, "PRAGMA journal_mode")).containsExactly("wal");
        assertThat(migrations.info().upToDate()).isTrue();
        assertThat(migrations.validate().valid()).isTrue();
    }
}
