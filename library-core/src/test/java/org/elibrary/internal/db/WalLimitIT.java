package org.elibrary.internal.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.elibrary.Library;
import org.elibrary.LibrarySettings;
import org.elibrary.domain.NewBook;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * The {@code -wal} file of the library's own SQLite file under writes that never stop while reads overlap all
 * the time: SQLite's automatic checkpoints copy every frame, but never find the moment without a reader to
 * start the WAL over, so without {@link WalLimit} it grew by every write (past 64 MB within seconds here).
 */
class WalLimitIT {
    private static final long BOUND = 8 * WalLimit.LIMIT_BYTES;
    /** Long enough for a slow or busy machine to fill the -wal past the limit twice; a fast one stops sooner. */
    private static final long RUN_MILLIS = 60_000;

    @Test
    void walStaysBoundedUnderOverlappingReadsAndWritesAndAnIdlePoolPinsNothing() throws Exception {
        Path file = TestDatabases.newSqliteFile();
        Path wal = Path.of(file + "-wal");
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl("sqlite:///" + file)
                .set(LibrarySettings.SQLITE_SYNCHRONOUS, "OFF").build())) {
            long author = library.authors().create("Author").id();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            threads.add(new Thread(() -> {
                for (int n = 0; !stop.get(); n++) {
                    List<NewBook> books = new ArrayList<>();
                    for (int i = 0; i < 200; i++) {
                        books.add(new NewBook("Book " + n + "-" + i + " " + "x".repeat(100), List.of(author)));
                    }
                    library.books().createAll(books);
                }
            }));
            for (int r = 0; r < 3; r++) {
                int reader = r;
                threads.add(new Thread(() -> {
                    for (int n = 0; !stop.get(); n++) {
                        // short reads (an application's lookups and list pages), overlapping: one always runs
                        library.books().findWithAuthors(n % 1000 + reader + 1);
                        library.authors().page(0, 10);
                    }
                }));
            }
            threads.forEach(thread -> {
                thread.setUncaughtExceptionHandler((t, e) -> failure.compareAndSet(null, e));
                thread.start();
            });
            // SQLite alone never makes the -wal file smaller while the Library is open: it only grows, and it is
            // emptied only by a TRUNCATE checkpoint. How large it gets before one depends on the machine's load,
            // so the bound is generous; the emptying itself is what shows the limit working.
            long previous = 0;
            long largest = 0;
            int emptied = 0;
            long end = System.currentTimeMillis() + RUN_MILLIS;
            while (System.currentTimeMillis() < end && largest <= BOUND && failure.get() == null && emptied < 2) {
                Thread.sleep(50);
                long size = Files.exists(wal) ? Files.size(wal) : 0;
                emptied += size < previous && previous > WalLimit.LIMIT_BYTES ? 1 : 0;
                previous = size;
                largest = Math.max(largest, size);
            }
            stop.set(true);
            for (Thread thread : threads) {
                thread.join();
            }
            assertThat(failure.get()).isNull();
            assertThat(library.books().count()).isGreaterThan(200); // the load did write
            assertThat(emptied).as("times the -wal file, past the limit, was emptied (largest: %d bytes)", largest)
                    .isPositive();
            assertThat(largest).as("largest -wal file (bytes)").isLessThanOrEqualTo(BOUND);

            // idle, still open: no pooled connection holds a snapshot, so a checkpoint from outside copies all
            try (Connection outside = DriverManager.getConnection("jdbc:sqlite:" + file)) {
                int[] passive = checkpoint(outside, "PASSIVE");
                assertThat(passive[0]).as("busy").isZero();
                assertThat(passive[2]).as("frames checkpointed").isEqualTo(passive[1]);
                assertThat(checkpoint(outside, "TRUNCATE")[0]).as("busy").isZero();
                assertThat(Files.size(wal)).isZero();
            }
        }
    }

    private static int[] checkpoint(Connection connection, String mode) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("PRAGMA wal_checkpoint(" + mode + ")")) {
            rs.next();
            return new int[] {rs.getInt(1), rs.getInt(2), rs.getInt(3)};
        }
    }
}
