package org.elibrary;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.lang.ref.WeakReference;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Many Library lifetimes in one JVM, on one calling thread, as a test suite that opens a Library per test or an
 * application that opens one per request does: each closed Library leaves nothing behind, neither threads nor
 * server connections nor its pools. HikariCP keeps, per thread that used a pool, a thread-local list of the pool's
 * connections that (with its strong references, its default on the application class path) refers back to the
 * thread-local itself, so each closed pool the thread had used stayed reachable for the thread's whole life:
 * some 9 KB per Library per calling thread, without end.
 */
class LibraryLifetimesIT {
    private static final int CYCLES = 30;
    /** Pools a collection may leave reachable for a moment (none are expected). */
    private static final int TOLERANCE = 2;

    @ParameterizedTest
    @EnumSource(Backend.class)
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void closedLibrariesLeaveNoPoolsThreadsOrConnectionsBehind(Backend backend) throws Exception {
        String url = TestDatabases.newDatabaseUrl(backend);
        LibrarySettings settings = LibrarySettings.builder().databaseUrl(url).build();
        try (Library first = Library.open(settings)) {
            first.authors().count(); // migrated once
        }
        long threadsBefore = libraryThreads();
        long connectionsBefore = serverConnections(backend, url);
        List<WeakReference<HikariDataSource>> pools = new ArrayList<>();
        for (int i = 0; i < CYCLES; i++) {
            Library library = Library.open(settings);
            pools.add(new WeakReference<>(library.database().writer().unwrap(HikariDataSource.class)));
            pools.add(new WeakReference<>(library.database().reader().unwrap(HikariDataSource.class)));
            // on this thread: sync calls and a transaction; then asynchronous ones on the library's threads
            String name = "author " + i;
            library.authors().create(name);
            library.authors().count();
            library.inTransaction(tx -> tx.authors().findByName(name));
            library.async().authors().count().get(30, TimeUnit.SECONDS);
            library.close();
        }

        assertThat(awaitCollected(pools)).as("pools of closed Libraries still reachable, of %d", pools.size())
                .isLessThanOrEqualTo(TOLERANCE);
        assertThat(settled(LibraryLifetimesIT::libraryThreads, threadsBefore)).as("elibrary-* threads")
                .isLessThanOrEqualTo(threadsBefore);
        assertThat(settled(() -> serverConnections(backend, url), connectionsBefore)).as("server connections")
                .isLessThanOrEqualTo(connectionsBefore);
    }

    /** How many of {@code pools} stay reachable after a few collections. */
    private static long awaitCollected(List<WeakReference<HikariDataSource>> pools) throws InterruptedException {
        long reachable = Long.MAX_VALUE;
        for (int attempt = 0; attempt < 10 && reachable > 0; attempt++) {
            System.gc();
            Thread.sleep(50);
            reachable = pools.stream().filter(pool -> pool.get() != null).count();
        }
        return reachable;
    }

    @FunctionalInterface
    private interface Count {
        long get() throws Exception;
    }

    /**
     * The count once it is back to {@code baseline}, or its value after a few seconds: a server process ends a moment
     * after its connection was closed.
     */
    private static long settled(Count count, long baseline) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        long value = count.get();
        while (value > baseline && System.nanoTime() < deadline) {
            Thread.sleep(50);
            value = count.get();
        }
        return value;
    }

    private static long libraryThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("elibrary-")).count();
    }

    /** The PostgreSQL server's connections to the test's database; 0 on SQLite. */
    private static long serverConnections(Backend backend, String url) throws SQLException {
        if (backend != Backend.POSTGRESQL) {
            return 0;
        }
        String database = url.substring(url.lastIndexOf('/') + 1, url.indexOf('?'));
        try (Connection admin = DriverManager.getConnection(TestDatabases.postgresAdminUrl());
             Statement statement = admin.createStatement();
             ResultSet rs = statement.executeQuery(
                     "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + database + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
