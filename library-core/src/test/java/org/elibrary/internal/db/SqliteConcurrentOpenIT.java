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
import org.elibrary.LibrarySettings;
import org.elibrary.testing.ChildJvm;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/** Several openers of one new SQLite file at once: one schema, no corruption, no obscure failure. */
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
