package org.elibrary.internal.db;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Child process of {@link MigrationLockIT}: takes the migration lock of the SQLite file given, prints
 * {@code LOCKED}, and holds it until its stdin closes or says anything (a migrator that is slow, or stopped).
 */
public final class MigrationLockHolder {
    private MigrationLockHolder() {
    }

    public static void main(String[] args) throws Exception {
        try (MigrationLock lock = MigrationLock.acquire(Path.of(args[0]))) {
            System.out.println("LOCKED");
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
    }
}
