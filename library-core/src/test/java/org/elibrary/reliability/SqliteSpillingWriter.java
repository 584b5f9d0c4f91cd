package org.elibrary.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.elibrary.testing.ChildJvm;

/**
 * Child process of {@link CrashDurabilityIT}: in one transaction on a SQLite file in its rollback journal,
 * writes more authors than its one-page cache holds, so that SQLite syncs the journal and writes changed pages
 * into the file before the commit (as a migration's commit does), prints {@code SPILLED} and waits to be
 * killed. Killed, it leaves a hot journal, which the next connection that writes must roll back;
 * {@link #killMidCommit} does that to a file (also for the tests of the other modules).
 */
public final class SqliteSpillingWriter {
    private SqliteSpillingWriter() {
    }

    /**
     * Runs this writer on a SQLite file that has the library's schema, in its rollback journal, and kills it
     * once it has spilled: the file is left with a hot journal and pages of an uncommitted transaction.
     */
    public static void killMidCommit(Path file) throws Exception {
        Process child = ChildJvm.builder(SqliteSpillingWriter.class, List.of("-Xmx128m", "-XX:TieredStopAtLevel=1"),
                file.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("SPILLED");
        }
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        byte[] header = Files.readAllBytes(journal(file));
        // a journal is hot once its header is synced with SQLite's magic number (before that it starts with zeros)
        assertThat(Arrays.copyOf(header, 4)).containsExactly(0xd9, 0xd5, 0x05, 0xf9);
    }

    /** {@return the rollback journal of a SQLite file} */
    public static Path journal(Path file) {
        return file.resolveSibling(file.getFileName() + "-journal");
    }

    public static void main(String[] args) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + args[0]);
             Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA cache_size = 1");
            statement.execute("BEGIN IMMEDIATE");
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO author (name) VALUES (?)")) {
                for (int i = 0; i < 2000; i++) {
                    insert.setString(1, "автор " + i + " " + "ж".repeat(200));
                    insert.executeUpdate();
                }
            }
            System.out.println("SPILLED");
            System.out.flush();
            Thread.sleep(60_000);
        }
    }
}
