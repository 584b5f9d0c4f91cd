package org.elibrary.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.elibrary.DatabaseUnavailableException;
import org.elibrary.LibrarySettings;
import org.elibrary.reliability.SqliteSpillingWriter;
import org.elibrary.testing.ReadOnlyPath;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * The read-only verbs on a SQLite file that a process killed in a commit's write left with a hot journal:
 * a read-only connection cannot roll it back (SQLITE_READONLY_ROLLBACK), so they roll it back first, as any
 * writer opening the file does, and then look at the file as it was before that transaction.
 */
class HotJournalIT {
    @Test
    void infoAndValidateRollTheHotJournalBack() throws Exception {
        Path file = migratedFileWithAHotJournal();
        Migrations migrations = Migrations.from(settings(file));

        SchemaInfo info = migrations.info();
        assertThat(info.state()).isEqualTo(SchemaState.MANAGED);
        assertThat(info.currentVersion()).contains(info.latestVersion());
        assertThat(SqliteSpillingWriter.journal(file)).doesNotExist();
        assertIntactWithoutAuthors(file);

        file = migratedFileWithAHotJournal();
        assertThat(Migrations.from(settings(file)).validate().valid()).isTrue();
        assertThat(SqliteSpillingWriter.journal(file)).doesNotExist();
        assertIntactWithoutAuthors(file);
    }

    @Test
    void theCommandLinesValidateRollsTheHotJournalBack() throws Exception {
        Path file = migratedFileWithAHotJournal();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = MigrationsCommand.run(() -> LibrarySettings.builder().environment(Map.of())
                        .systemProperties(Map.of()).workingDirectory(file.getParent()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                "validate", "--url", "sqlite:///" + file);
        assertThat(exit).as("stderr: %s", err.toString(StandardCharsets.UTF_8)).isEqualTo(MigrationsCommand.OK);
        assertIntactWithoutAuthors(file);
    }

    @Test
    void aHotJournalThisProcessMayNotRollBackIsATypedErrorSayingWhatToDo() throws Exception {
        Path file = migratedFileWithAHotJournal();
        byte[] before = Files.readAllBytes(file);
        try (ReadOnlyPath readOnly = ReadOnlyPath.make(file)) {
            assertThatThrownBy(() -> Migrations.from(settings(file)).info())
                    .isInstanceOf(DatabaseUnavailableException.class)
                    .hasMessageContaining(file + " cannot be read: a process stopped while writing it left its "
                            + "journal library.db-journal")
                    .hasMessageContaining("open it once with write access");
        }
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThat(SqliteSpillingWriter.journal(file)).exists();
        assertThat(Migrations.from(settings(file)).info().state()).isEqualTo(SchemaState.MANAGED);
        assertIntactWithoutAuthors(file);
    }

    static LibrarySettings settings(Path file) {
        return LibrarySettings.builder().databaseUrl("jdbc:sqlite:" + file).build();
    }

    /**
     * A migrated file in its rollback journal, whose writer was killed after it had synced its journal and
     * written pages of an uncommitted transaction into the file.
     */
    static Path migratedFileWithAHotJournal() throws Exception {
        Path file = TestDatabases.newSqliteFile();
        Migrations.from(settings(file)).migrate();
        SqliteSpillingWriter.killMidCommit(file);
        return file;
    }

    /** The killed transaction's authors are gone and the file is intact. */
    static void assertIntactWithoutAuthors(Path file) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement()) {
            try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM author")) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
            try (ResultSet rs = statement.executeQuery("PRAGMA integrity_check")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("ok");
            }
        }
    }
}
