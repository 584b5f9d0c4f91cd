package org.elibrary.internal.db;

import java.nio.file.Files;
import java.nio.file.Path;
import org.elibrary.LibrarySettings;

/**
 * Run in a child JVM by {@link SqliteConcurrentOpenIT}: waits for a go-file, then opens (and so migrates) the
 * SQLite file and closes it. Prints {@code opened} or the exception, and exits 0 or 1.
 */
public final class OpenAndClose {
    private OpenAndClose() {
    }

    public static void main(String[] args) throws Exception {
        Path database = Path.of(args[0]);
        Path go = Path.of(args[1]);
        System.out.println("ready");
        System.out.flush();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!Files.exists(go) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        try (Database database1 = Databases.open(LibrarySettings.builder().databaseUrl("jdbc:sqlite:" + database).build())) {
            System.out.println("opened");
        } catch (RuntimeException e) {
            System.out.println("failed: " + e);
            System.exit(1);
        }
    }
}
