package org.elibrary.reliability;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * Child process of {@link SettingsFailureIT}: opens a SQLite file with the plain driver (creating a table
 * when asked), takes {@code BEGIN EXCLUSIVE}, prints {@code LOCKED}, and holds the lock until its stdin
 * closes or says anything, or 60 seconds pass.
 */
public final class SqliteLockHolder {
    private SqliteLockHolder() {
    }

    public static void main(String[] args) throws Exception {
        String file = args[0];
        boolean create = args.length > 1 && args[1].equals("create");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement()) {
            if (create) {
                statement.execute("CREATE TABLE IF NOT EXISTS other_program (x INTEGER)");
            }
            statement.execute("BEGIN EXCLUSIVE");
            statement.execute("INSERT INTO " + (create ? "other_program (x)" : "\"user\" (username)")
                    + " VALUES (" + (create ? "1" : "'lock holder'") + ")");
            System.out.println("LOCKED");
            System.out.flush();
            Thread watchdog = new Thread(() -> {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException ignored) {
                    return;
                }
                System.exit(2);
            });
            watchdog.setDaemon(true);
            watchdog.start();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            statement.execute("ROLLBACK");
        }
    }
}
