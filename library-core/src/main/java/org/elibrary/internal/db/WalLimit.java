package org.elibrary.internal.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.sqlite.SQLiteConnection;

/**
 * Keeps the {@code -wal} file of the library's own SQLite file bounded under sustained reads and writes. SQLite's
 * automatic checkpoint (every commit once the WAL holds 1000 pages) copies the WAL into the file, but starts the
 * WAL over only when, at the next write, no reader still reads from it; with reads overlapping all the time that
 * moment never comes, and the WAL grows by every write, though nothing pins it (measured: 676 MB after 150 s of
 * two writers and three readers, every frame checkpointed, and TRUNCATE at once once the reads stopped). So after a
 * commit on the writer, once the WAL file has grown past {@link #LIMIT_BYTES}, a {@code TRUNCATE} checkpoint
 * waits (briefly, in Java) for the readers of older snapshots to end, as new reads then come from the file only,
 * and empties the WAL. Used by one thread at a time, like its connection.
 */
public final class WalLimit {
    /** Four times SQLite's automatic checkpoint (1000 pages of 4 KiB). */
    static final long LIMIT_BYTES = 16L << 20;
    /** How often the size of the WAL file is looked at, at most. */
    private static final long LOOK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /**
     * After a checkpoint the readers kept from emptying the WAL: when to try again. Soon, as the WAL grows by
     * every write meanwhile (on a loaded machine reads are slow and one try in three may fail), but not at every
     * commit, whose writes would then spend most of their time waiting.
     */
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    /** The longest the writer (and with it every write) waits for readers; reads are one statement each. */
    private static final long WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final int[] PAUSES_MS = {1, 2, 5, 10, 20};

    private final SQLiteConnection connection;
    private final Path wal;
    private long nextLook;

    private WalLimit(SQLiteConnection connection, Path wal) {
        this.connection = connection;
        this.wal = wal;
        this.nextLook = System.nanoTime();
    }

    /**
     * The limit of {@code connection}'s main database; one that does nothing for a database in memory, or when
     * the file cannot be named (asked after a commit, which must not fail for it).
     */
    public static WalLimit of(SQLiteConnection connection) {
        String file = "";
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("PRAGMA database_list")) {
            while (rs.next()) {
                if ("main".equals(rs.getString("name"))) {
                    file = rs.getString("file");
                }
            }
        } catch (SQLException | RuntimeException e) {
            file = "";
        }
        return new WalLimit(connection, file == null || file.isEmpty() ? null : Path.of(file + "-wal"));
    }

    /**
     * After a commit on the writer, outside a transaction: empties the WAL if it has grown past the limit. Never
     * fails the call whose commit is done: a checkpoint that fails (a full disk, say) is tried again later.
     */
    public void afterCommit() {
        long now = System.nanoTime();
        if (wal == null || now - nextLook < 0) {
            return;
        }
        nextLook = now + LOOK_NANOS;
        long size;
        try {
            size = Files.size(wal);
        } catch (IOException | RuntimeException e) {
            return; // no WAL file (yet)
        }
        if (size <= LIMIT_BYTES) {
            return;
        }
        boolean emptied;
        try {
            emptied = SqliteBusyWait.atOnce(connection, this::truncate);
        } catch (SQLException | RuntimeException e) {
            emptied = false;
        }
        if (!emptied) {
            nextLook = System.nanoTime() + RETRY_NANOS;
        }
    }

    /** TRUNCATE checkpoints until one empties the WAL or the wait is over; whether one did. */
    private boolean truncate() throws SQLException {
        long start = System.nanoTime();
        for (int attempt = 0; ; attempt++) {
            try (Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                if (rs.next() && rs.getInt(1) == 0) {
                    return true;
                }
            }
            if (System.nanoTime() - start > WAIT_NANOS) {
                return false;
            }
            try {
                Thread.sleep(PAUSES_MS[Math.min(attempt, PAUSES_MS.length - 1)]);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
