package org.elibrary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The synchronous API called from virtual threads (Spring Boot's {@code spring.threads.virtual.enabled=true}) on
 * SQLite, JDK 21 and later: writes waiting for another connection's write lock do not hold the scheduler's carrier
 * threads, so the lock's holder and readers, virtual threads too, still run. Before, they waited in SQLite's busy
 * handler, in native code, where a virtual thread cannot unmount: as many waiting writes as carriers stopped every
 * other virtual thread until they gave up.
 */
class VirtualThreadsIT {
    /** The busy timeout of the caller's pools here. */
    private static final int BUSY_TIMEOUT_MS = 5000;

    /**
     * A library transaction on a virtual thread parks while it holds the lock (as a log append, an HTTP call or any
     * lock in the callback can); more writes than carriers wait for it. Before: every one of them failed "database is
     * busy" after the busy timeout, and the transaction waited as long to commit (2 carriers, 6 writes: 15 s).
     */
    @ParameterizedTest(name = "auto-commit {0}")
    @ValueSource(booleans = {true, false})
    void writesWaitingForATransactionThatParksOnACallersPoolAllCommit(boolean autoCommit) throws Exception {
        int writers = moreThanCarriers();
        String url = TestDatabases.newSqliteUrl();
        try (HikariDataSource pool = callersPool(url, writers + 2, autoCommit, BUSY_TIMEOUT_MS);
             Library library = Library.open(pool)) {
            CountDownLatch holding = new CountDownLatch(1);
            CompletableFuture<Void> holder = onVirtualThread(() -> library.useTransaction(tx -> {
                tx.books().create("holder");
                holding.countDown();
                sleep(1000); // parks: the virtual thread leaves its carrier, holding SQLite's write lock
            }));
            assertThat(holding.await(20, TimeUnit.SECONDS)).isTrue();
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            for (int i = 0; i < writers; i++) {
                String title = "writer " + i;
                writes.add(onVirtualThread(() -> {
                    library.books().create(title);
                }).whenComplete((ok, failure) -> {
                    if (failure != null) {
                        failures.add(failure);
                    }
                }));
            }
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).handle((ok, e) -> null)
                    .get(60, TimeUnit.SECONDS);
            holder.get(60, TimeUnit.SECONDS);
            assertThat(failures).isEmpty();
            assertThat(library.books().count()).isEqualTo(writers + 1);
            // the busy timeout the library replaced for its wait is back on every connection of the caller's pool
            List<Connection> connections = new ArrayList<>();
            try {
                for (int i = 0; i < writers + 2; i++) {
                    Connection connection = pool.getConnection();
                    connections.add(connection);
                    try (Statement statement = connection.createStatement();
                         ResultSet rs = statement.executeQuery("PRAGMA busy_timeout")) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getInt(1)).isEqualTo(BUSY_TIMEOUT_MS);
                    }
                }
            } finally {
                for (Connection connection : connections) {
                    connection.close();
                }
            }
        }
    }

    /**
     * Another program holds the write lock; more writes than carriers wait for it, on a caller's pool or on the
     * library's own pools (one per Library, several Libraries on one file). A read on a virtual thread, which under
     * WAL needs no lock, completes while the lock is held. Before: it could not even start until the writes gave up.
     */
    @ParameterizedTest(name = "caller''s pool {0}")
    @ValueSource(booleans = {true, false})
    void aReadIsNotHeldUpByWritesWaitingForAnotherProgramsLock(boolean callersPool) throws Exception {
        int writers = moreThanCarriers();
        Path file = TestDatabases.newSqliteFile();
        List<AutoCloseable> resources = new ArrayList<>();
        List<Library> libraries = new ArrayList<>();
        try {
            if (callersPool) {
                // a busy timeout longer than the lock is held: waiting in native code, the writes held their carriers
                // until the lock was released
                HikariDataSource pool = callersPool("jdbc:sqlite:" + file, writers + 2, true, 20_000);
                resources.add(pool);
                libraries.add(Library.open(pool));
            } else {
                for (int i = 0; i < writers; i++) {
                    libraries.add(Library.open(LibrarySettings.builder().databaseUrl("sqlite:///" + file)
                            .sqliteBusyTimeout(Duration.ofSeconds(20)).build()));
                }
            }
            resources.addAll(0, libraries);
            Library reader = libraries.get(0);
            reader.books().create("before");
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            CompletableFuture<Long> read;
            try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file);
                 Statement statement = other.createStatement()) {
                statement.execute("BEGIN IMMEDIATE");
                for (int i = 0; i < writers; i++) {
                    Library library = libraries.get(i % libraries.size());
                    String title = "writer " + i;
                    writes.add(onVirtualThread(() -> {
                        library.books().create(title);
                    }));
                }
                sleep(500); // the writes reach the lock
                read = callOnVirtualThread(() -> reader.books().count());
                try {
                    // the read's result, while the lock is still held (before, not until the writes gave up)
                    assertThat(read.get(4, TimeUnit.SECONDS)).isEqualTo(1L);
                } finally {
                    statement.execute("COMMIT");
                }
            }
            for (CompletableFuture<Void> write : writes) {
                write.get(60, TimeUnit.SECONDS);
            }
            assertThat(reader.books().count()).isEqualTo(writers + 1);
        } finally {
            for (AutoCloseable resource : resources) {
                resource.close();
            }
        }
    }

    /** A library on a caller's HikariCP SQLite pool set up as README's "With Spring Boot" says. */
    private static HikariDataSource callersPool(String url, int size, boolean autoCommit, int busyTimeoutMs) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(size);
        config.setAutoCommit(autoCommit);
        config.addDataSourceProperty("foreign_keys", "true");
        config.addDataSourceProperty("journal_mode", "WAL");
        config.addDataSourceProperty("busy_timeout", Integer.toString(busyTimeoutMs));
        return new HikariDataSource(config);
    }

    /**
     * One more than the carrier threads of the virtual-thread scheduler (its parallelism): enough waiting writes to
     * hold every carrier. Skips the test before JDK 21.
     */
    private static int moreThanCarriers() {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21");
        return Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
                Runtime.getRuntime().availableProcessors()) + 1;
    }

    private static CompletableFuture<Void> onVirtualThread(Runnable work) {
        return callOnVirtualThread(() -> {
            work.run();
            return null;
        });
    }

    private static <T> CompletableFuture<T> callOnVirtualThread(Supplier<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        virtualThreads().newThread(() -> {
            try {
                result.complete(work.get());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }).start();
        return result;
    }

    /** {@code Thread.ofVirtual().factory()}, by reflection: the tests compile for Java 17. */
    private static ThreadFactory virtualThreads() {
        try {
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            return (ThreadFactory) Class.forName("java.lang.Thread$Builder").getMethod("factory").invoke(builder);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
