package org.elibrary.internal.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.elibrary.DatabaseUnavailableException;
import org.elibrary.Library;
import org.elibrary.LibrarySettings;
import org.elibrary.testing.ChildJvm;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * The wait for another thread's or process's migration of the same SQLite file: as long as the migration
 * takes, but bounded, so that a holder that never ends (a stopped process) is reported instead of hanging
 * every opener. Here with a bound of a second instead of {@link MigrationLock#MAX_WAIT}.
 */
class MigrationLockIT {
    private static final Duration BOUND = Duration.ofSeconds(1);
    /** Entries that other tests of this JVM may hold for a moment. */
    private static final int TOLERATED_OTHERS = 3;

    @Test
    void waitForAnotherThreadEndsAtTheBound() throws Exception {
        Path file = TestDatabases.newSqliteFile();
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService holder = Executors.newSingleThreadExecutor();
        try {
            Future<?> held = holder.submit(() -> {
                try (MigrationLock lock = MigrationLock.acquire(file)) {
                    locked.countDown();
                    release.await();
                }
                return null;
            });
            assertThat(locked.await(30, TimeUnit.SECONDS)).isTrue();
            assertBoundedWait(file, "another thread of this process");
            release.countDown();
            held.get(30, TimeUnit.SECONDS);
            // released: the next one gets it at once
            MigrationLock.acquire(file, BOUND).close();
        } finally {
            holder.shutdownNow();
        }
    }

    @Test
    void waitForAnotherProcessEndsAtTheBoundAndLastsWhileItHoldsTheLock() throws Exception {
        Path file = TestDatabases.newSqliteFile();
        Process child = ChildJvm.builder(MigrationLockHolder.class, List.of(), file.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("LOCKED");
            assertBoundedWait(file, "another process");

            // a holder that ends within the bound is waited for
            ExecutorService releaser = Executors.newSingleThreadExecutor();
            try {
                releaser.submit(() -> {
                    Thread.sleep(300);
                    child.getOutputStream().close();
                    return null;
                });
                long started = System.nanoTime();
                try (MigrationLock lock = MigrationLock.acquire(file, Duration.ofSeconds(30))) {
                    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isGreaterThanOrEqualTo(250);
                }
            } finally {
                releaser.shutdownNow();
            }
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
    }

    /**
     * A process that opens SQLite file after SQLite file (one per test, one per document) keeps no lock entry for a
     * file once nobody holds or waits for its migration lock: they used to pile up, one per file ever opened.
     */
    @Test
    void releasedLocksLeaveNoEntriesBehind() throws Exception {
        int before = MigrationLock.inProcessEntries();
        for (int i = 0; i < 30; i++) {
            String url = TestDatabases.newSqliteUrl();
            try (Library library = Library.open(LibrarySettings.builder().databaseUrl(url).build())) {
                library.authors().count();
            }
        }
        Path file = TestDatabases.newSqliteFile();
        try (MigrationLock outer = MigrationLock.acquire(file); MigrationLock nested = MigrationLock.acquire(file)) {
            // re-entrant: two closes, one entry
        }
        MigrationLock.acquireIfPresent(TestDatabases.newSqliteFile()).close(); // no lock file: the in-process lock only
        waitForAnotherThreadEndsAtTheBound(); // a wait that ran out, then a release

        assertThat(MigrationLock.inProcessEntries()).as("lock entries, %d before", before)
                .isLessThanOrEqualTo(before + TOLERATED_OTHERS);
    }

    private static void assertBoundedWait(Path file, String holder) {
        long started = System.nanoTime();
        assertThatThrownBy(() -> MigrationLock.acquire(file, BOUND))
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessageContaining(holder + " has been migrating " + file)
                .hasMessageContaining(MigrationLock.lockFileOf(file).getFileName().toString());
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(waited).isBetween(900L, 20_000L);
    }
}
