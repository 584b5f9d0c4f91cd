package org.elibrary.internal.async;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.elibrary.Backend;
import org.elibrary.DatabaseUnavailableException;
import org.elibrary.internal.schema.SchemaMigrator;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A timeout or a cancel reaches the statement a call is running, on a real database: the statement stops
 * within a bounded time, the call's transaction is rolled back, and its connection goes back to the pool in a
 * usable state. The pool has one connection, so the check after the timeout runs on the very same one.
 */
class StatementCancellationIT {
    private static final Duration BOUND = Duration.ofSeconds(15);

    /** Runs for minutes unless cancelled. */
    private static String longQuery(Backend backend) {
        return backend == Backend.POSTGRESQL
                ? "SELECT pg_sleep(60)"
                : "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000000000)"
                        + " SELECT count(*) FROM c";
    }

    private static HikariDataSource onePool(Backend backend) {
        return pool(backend, 1);
    }

    private static HikariDataSource pool(Backend backend, int size) {
        String url = TestDatabases.newDatabaseUrl(backend);
        HikariConfig migration = new HikariConfig();
        migration.setJdbcUrl(url);
        migration.setMaximumPoolSize(2); // Flyway holds a second connection for its lock on PostgreSQL
        try (HikariDataSource migrator = new HikariDataSource(migration)) {
            SchemaMigrator.migrate(migrator, backend);
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(size);
        return new HikariDataSource(config);
    }

    /** What the catalog's funnel does with a connection: one transaction, rolled back on any failure. */
    private static <T> T inTransaction(CancellableDataSource dataSource, SqlWork<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("database error: " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    private static int insertAuthor(Connection connection, String name) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO author (name) VALUES (?)")) {
            insert.setString(1, name);
            return insert.executeUpdate();
        }
    }

    private static long count(Connection connection, String name) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT count(*) FROM author WHERE name = ?")) {
            select.setString(1, name);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static long runLong(Connection connection, Backend backend) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(longQuery(backend))) {
            rows.next();
            return 1;
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aTimeoutCancelsTheRunningStatementRollsBackAndLeavesTheConnectionUsable(Backend backend) {
        try (HikariDataSource pool = onePool(backend);
             AsyncEngine engine = AsyncEngine.builder().readPermits(2).build()) {
            CancellableDataSource dataSource = new CancellableDataSource(pool);
            long start = System.nanoTime();

            CompletableFuture<Long> slow = engine.write(() -> inTransaction(dataSource, connection -> {
                insertAuthor(connection, "Timeout Victim");
                return runLong(connection, backend);
            }), Duration.ofSeconds(1));

            assertThat(slow).failsWithin(BOUND).withThrowableThat()
                    .havingCause().isInstanceOf(DatabaseUnavailableException.class)
                    .withMessageStartingWith("statement timed out after 1s");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            // same (only) connection: usable, and the insert of the timed-out call is gone
            assertThat(engine.read(() -> inTransaction(dataSource, c -> count(c, "Timeout Victim")), null))
                    .succeedsWithin(BOUND).isEqualTo(0L);
            assertThat(engine.write(() -> inTransaction(dataSource, c -> insertAuthor(c, "After Timeout")), null))
                    .succeedsWithin(BOUND).isEqualTo(1);
            assertThat(engine.read(() -> inTransaction(dataSource, c -> count(c, "After Timeout")), null))
                    .succeedsWithin(BOUND).isEqualTo(1L);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aShortTimeoutCancelsItsStatementWhileAStatementWithALongerOneRunsOn(Backend backend)
            throws InterruptedException {
        // the sweeper checks every running call's deadline: one that starts later and ends sooner than another
        // call's is not missed, and cancelling it leaves the other statement alone
        try (HikariDataSource pool = pool(backend, 2);
             AsyncEngine engine = AsyncEngine.builder().readPermits(2).build()) {
            CancellableDataSource dataSource = new CancellableDataSource(pool);
            CountDownLatch patientRunning = new CountDownLatch(1);
            CompletableFuture<Long> patient = engine.read(() -> inTransaction(dataSource, connection -> {
                patientRunning.countDown();
                return runLong(connection, backend);
            }), Duration.ofMinutes(5));
            assertThat(patientRunning.await(15, TimeUnit.SECONDS)).isTrue();
            long start = System.nanoTime();

            CompletableFuture<Long> hasty = engine.read(
                    () -> inTransaction(dataSource, connection -> runLong(connection, backend)), Duration.ofMillis(500));

            assertThat(hasty).failsWithin(BOUND).withThrowableThat()
                    .havingCause().isInstanceOf(DatabaseUnavailableException.class)
                    .withMessageStartingWith("statement timed out after 500ms");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(patient).isNotDone();
            patient.cancel(true);
            // both connections back in the pool, usable
            assertThat(engine.read(() -> inTransaction(dataSource, c -> count(c, "nobody")), null))
                    .succeedsWithin(BOUND).isEqualTo(0L);
            assertThat(engine.read(() -> inTransaction(dataSource, c -> count(c, "nobody")), null))
                    .succeedsWithin(BOUND).isEqualTo(0L);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void cancellingARunningFutureStopsItsStatement(Backend backend) throws InterruptedException {
        try (HikariDataSource pool = onePool(backend);
             AsyncEngine engine = AsyncEngine.builder().readPermits(2).build()) {
            CancellableDataSource dataSource = new CancellableDataSource(pool);
            CountDownLatch running = new CountDownLatch(1);
            CompletableFuture<Long> slow = engine.read(() -> inTransaction(dataSource, connection -> {
                running.countDown();
                return runLong(connection, backend);
            }), Duration.ofMinutes(5));
            assertThat(running.await(15, TimeUnit.SECONDS)).isTrue();

            slow.cancel(true);

            // the only connection is released well before the 5-minute timeout
            assertThat(engine.read(() -> inTransaction(dataSource, c -> count(c, "nobody")), null))
                    .succeedsWithin(BOUND).isEqualTo(0L);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void theSynchronousPathIsNotTouched(Backend backend) throws SQLException {
        try (HikariDataSource pool = onePool(backend)) {
            CancellableDataSource dataSource = new CancellableDataSource(pool);
            try (Connection connection = dataSource.getConnection()) {
                assertThat(connection.isWrapperFor(Connection.class)).isTrue();
                assertThat(java.lang.reflect.Proxy.isProxyClass(connection.getClass())).isFalse();
            }
            assertThat(dataSource.unwrap(HikariDataSource.class)).isSameAs(pool);
        }
    }
}
