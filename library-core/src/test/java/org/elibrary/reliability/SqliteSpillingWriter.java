package org.elibrary.reliability;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;

/**
 * Child process of {@link CrashDurabilityIT}: in one transaction on a SQLite file in its rollback journal,
 * writes more authors than its one-page cache holds, so that SQLite syncs the journal and writes changed pages
 * into the file before the commit (as a migration's commit does), prints {@code SPILLED} and waits to be
 * killed. Killed, it leaves a hot journal, which the next connection that writes must roll back.
 */
public final class SqliteSpillingWriter {
    private SqliteSpillingWriter() {
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
