package org.elibrary.internal.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.elibrary.Backend;
import org.elibrary.LibrarySettings;
import org.elibrary.internal.schema.SchemaMigrator;
import org.elibrary.testing.ChildJvm;
import org.elibrary.testing.Sleep;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * Several openers of one new SQLite file at once: one schema, no corruption, no obscure failure; and an opener
 * of a file in its rollback journal (migrated separately) while another connection writes it.
 */
class SqliteConcurrentOpenIT {

    @Test
    void threadsOpeningOneNewFileAtOnceAllSucceed() throws Exception {
        Path file = TestDatabases.newSqliteFile();
        int openers = 4;
        ExecutorService pool = Executors.newFixedThreadPool(openers);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < openers; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    try (Database database = Databases.open(
                            LibrarySettings.builder().databaseUrl("jdbc:sqlite:" + file).build())) {
                        return database.backend();
                    }
                }));
            }
            start.countDown();
            for (Future<?> result : results) {
                result.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertOneIntactSchema(file);
    }

    @Test
    void processesOpeningOneNewFileAtOnceAllSucceed() throws Exception {
        Path file = TestDatabases.newSqliteFile();
        Path go = file.resolveSibling("go");
        List<Process> children = new ArrayList<>();
        List<BufferedReader> outputs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Process child = ChildJvm.builder(OpenAndClose.class, List.of(), file.toString(), go.toString())
                    .redirectErrorStream(true).start();
            children.add(child);
            BufferedReader output = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            outputs.add(output);
        }
        for (BufferedReader output : outputs) {
            String line;
            while ((line = output.readLine()) != null && !line.equals("ready")) {
                // JVM warnings before the child's first line
            }
        }
        Files.createFile(go);
        // This JVM opens at the same moment as the two children.
        try (Database database = Databases.open(LibrarySettings.builder().databaseUrl("jdbc:sqlite:" + file).build())) {
            assertThat(database.backend()).isNotNull();
        }
        for (int i = 0; i < children.size(); i++) {
            Process child = children.get(i);
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            StringBuilder rest = new StringBuilder();
            String line;
            while ((line = outputs.get(i).readLine()) != null) {
                rest.append(line).append('\n');
            }
            assertThat(child.exitValue()).as(rest.toString()).isZero();
            assertThat(rest.toString()).contains("opened");
        }
        assertOneIntactSchema(file);
    }

    /**
     * An opener switching the file to WAL while another migrator (here: the migrate command of a deploy) holds
     * the migration lock and a write transaction waits for it, longer than the busy timeout. Switching a
     * rollback-journal file to WAL is a write that SQLite refuses at once while another connection writes; the
     * pools did it outside the lock and failed with SQLITE_BUSY without waiting at all.
     */
    @Test
    void openerWaitsForAMigratorHoldingTheLockLongerThanTheBusyTimeout() throws Exception {
        Path file = migratedFileInRollbackJournal();
        long waited = openWhileAnotherWrites(file, true, 1500, LibrarySettings.builder()
                .databaseUrl("jdbc:sqlite:" + file)
                .set(LibrarySettings.DATABASE_MIGRATE_ON_OPEN, "false")
                .set(LibrarySettings.SQLITE_BUSY_TIMEOUT, "200ms").build());
        assertThat(waited).isGreaterThan(1000);
        assertJournalMode(file, "wal");
    }

    /**
     * Another program writing the file in its rollback journal (the Python app) when a Library first opens it:
     * the switch to WAL, which SQLite refuses at once rather than waiting, is retried for up to the busy timeout
     * as any other wait for another process's lock.
     */
    @Test
    void openerWaitsForAnotherProgramsWriteTransactionUpToTheBusyTimeout() throws Exception {
        Path file = migratedFileInRollbackJournal();
        openWhileAnotherWrites(file, false, 1000, LibrarySettings.builder().databaseUrl("jdbc:sqlite:" + file)
                .set(LibrarySettings.SQLITE_BUSY_TIMEOUT, "20s").build());
        assertJournalMode(file, "wal");
    }

    /**
     * Opens (and closes) a Database while another thread holds a write transaction on a plain connection for
     * {@code holdMillis}, under the migration lock when {@code underLock}; the milliseconds the open took.
     */
    private static long openWhileAnotherWrites(Path file, boolean underLock, long holdMillis,
                                               LibrarySettings settings) throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            Future<?> held = other.submit(() -> {
                try (MigrationLock lock = underLock ? MigrationLock.acquire(file) : null) {
                    holdWriteTransaction(file, holding, holdMillis);
                }
                return null;
            });
            assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();
            long started = System.nanoTime();
            try (Database database = Databases.open(settings)) {
                assertThat(database.backend()).isEqualTo(Backend.SQLITE);
            }
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            held.get(30, TimeUnit.SECONDS);
            return took;
        } finally {
            other.shutdownNow();
        }
    }

    /** A file with the library's schema, migrated as the migrate command does: still in its rollback journal. */
    private static Path migratedFileInRollbackJournal() throws Exception {
        Path file = TestDatabases.newSqliteFile();
        SchemaMigrator.migrate(Databases.migrationDataSource(
                LibrarySettings.builder().databaseUrl("jdbc:sqlite:" + file).build()), Backend.SQLITE);
        assertJournalMode(file, "delete");
        return file;
    }

    /** Writes in one transaction on a plain connection, counts down, holds it {@code millis}, commits. */
    private static void holdWriteTransaction(Path file, CountDownLatch holding, long millis) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement()) {
            statement.execute("BEGIN IMMEDIATE");
            statement.execute("INSERT INTO author (name) VALUES ('Николай Гоголь')");
            holding.countDown();
            Sleep.millis(millis);
            statement.execute("COMMIT");
        }
    }

    private static void assertJournalMode(Path file, String expected) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("PRAGMA journal_mode")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualToIgnoringCase(expected);
        }
    }

    private static void assertOneIntactSchema(Path file) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement()) {
            try (ResultSet rs = statement.executeQuery("PRAGMA integrity_check")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("ok");
            }
            List<String> versions = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery(
                    "SELECT version FROM flyway_schema_history ORDER BY installed_rank")) {
                while (rs.next()) {
                    versions.add(rs.getString(1));
                }
            }
            assertThat(versions).containsExactly("1", "2", "3");
        }
    }
}
