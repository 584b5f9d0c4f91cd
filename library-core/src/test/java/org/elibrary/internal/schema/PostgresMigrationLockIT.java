package org.elibrary.internal.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.elibrary.internal.schema.SchemaMigratorIT.dataSource;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.elibrary.Backend;
import org.elibrary.ConfigurationException;
import org.elibrary.DatabaseUnavailableException;
import org.elibrary.Library;
import org.elibrary.LibrarySettings;
import org.elibrary.internal.db.Databases;
import org.elibrary.internal.db.SingleConnectionDataSource;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The PostgreSQL migration lock cannot outlive the migration. It was a session lock on the migration's
 * connection: through a transaction pooler (PgBouncer's pool_mode=transaction) the lock and the unlock ran on
 * different server connections, and the lock stayed with one serving other clients, so that every later
 * migration failed or hung. It is now a transaction's lock, in a transaction left open on a connection of
 * its own and rolled back at the end: a pooler keeps that transaction on one server connection, and the lock
 * ends with it.
 */
class PostgresMigrationLockIT {
    /** The lock's key as pg_locks shows a bigint advisory key. */
    private static final String OUR_LOCK = "locktype = 'advisory' AND objsubid = 1 AND classid = "
            + (SchemaMigrator.ADVISORY_LOCK_KEY >>> 32) + " AND objid = " + (SchemaMigrator.ADVISORY_LOCK_KEY & 0xFFFFFFFFL);

    @Test
    @Timeout(120)
    void theLockIsHeldByAnOpenTransactionOfItsOwnAndEndsWithTheMigrationOrItsConnection() throws Exception {
        String url = TestDatabases.newPostgresUrl();
        DataSource migration = Databases.migrationDataSource(LibrarySettings.builder().databaseUrl(url)
                .statementTimeout(Duration.ofSeconds(60)).build());
        SchemaMigrator.migrate(migration, Backend.POSTGRESQL);
        assertThat(holders(url)).as("no lock left after a migration").isZero();
        DataSource admin = dataSource(Backend.POSTGRESQL, url);
        try (Connection blocker = admin.getConnection(); Statement statement = blocker.createStatement()) {
            // the next migration's look at the id sequences waits for this lock, with the migration lock held
            blocker.setAutoCommit(false);
            statement.execute("LOCK TABLE author IN ACCESS EXCLUSIVE MODE");
            CompletableFuture<MigrationOutcome> waiting = CompletableFuture.supplyAsync(
                    () -> SchemaMigrator.migrate(migration, Backend.POSTGRESQL));
            long holder = -1;
            long waiter = -1;
            for (int i = 0; i < 600 && waiter < 0; i++) {
                Thread.sleep(100);
                waiter = number(admin, "SELECT coalesce(min(pid), -1) FROM pg_locks WHERE NOT granted "
                        + "AND relation = 'author'::regclass");
            }
            assertThat(waiter).as("the migration waits for the table").isPositive();
            holder = number(admin, "SELECT pid FROM pg_locks WHERE granted AND " + OUR_LOCK);
            assertThat(holder).as("the lock is not held by the connection that migrates").isNotEqualTo(waiter);
            assertThat(strings(admin, "SELECT state FROM pg_stat_activity WHERE pid = " + holder))
                    .isEqualTo("idle in transaction");

            // a holder whose connection dies releases the lock: another migrator gets it
            number(admin, "SELECT count(pg_terminate_backend(" + holder + "))");
            assertThat(SchemaMigrator.status(migration, Backend.POSTGRESQL).state()).isEqualTo(SchemaState.MANAGED);
            blocker.rollback();
            assertThat(waiting.get(60, TimeUnit.SECONDS).versionAfter()).isEqualTo("3");
        }
        assertThat(holders(url)).isZero();
    }

    @Test
    @Timeout(120)
    void aMigratorWaitsForTheLockAtMostTheLockTimeout() throws Exception {
        String url = TestDatabases.newPostgresUrl();
        LibrarySettings settings = LibrarySettings.builder().databaseUrl(url)
                .statementTimeout(Duration.ofSeconds(1)).build();
        DataSource admin = dataSource(Backend.POSTGRESQL, url);
        try (Connection other = admin.getConnection(); Statement statement = other.createStatement()) {
            other.setAutoCommit(false);
            statement.execute("SELECT pg_advisory_xact_lock(" + SchemaMigrator.ADVISORY_LOCK_KEY + ")");
            assertThatThrownBy(() -> Databases.open(settings).close())
                    .isInstanceOf(DatabaseUnavailableException.class)
                    .hasMessageContaining("another session holds a lock").hasMessageContaining("55P03")
                    .hasMessageContaining("within the lock timeout (DATABASE_STATEMENT_TIMEOUT, or lock_timeout in "
                            + "the URL's options)");
            other.rollback();
        }
        Databases.open(settings).close();
        assertThat(holders(url)).isZero();
    }

    /**
     * A caller's data source waits for the session lock at most its connection's lock_timeout, or the default
     * DATABASE_STATEMENT_TIMEOUT (30 s) where that is 0: a lock left behind (on a pooler's server connection)
     * made it wait for ever. The bound is transaction-local: the caller's session keeps its own lock_timeout.
     */
    @Test
    @Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // without the bound: a wait for ever
    void aCallersDataSourceWaitsForTheLockAtMostTheDefaultStatementTimeout() throws Exception {
        String url = TestDatabases.newPostgresUrl();
        DataSource admin = dataSource(Backend.POSTGRESQL, url);
        try (Connection other = admin.getConnection(); Statement statement = other.createStatement();
             Connection callers = admin.getConnection()) {
            statement.execute("SELECT pg_advisory_lock(" + SchemaMigrator.ADVISORY_LOCK_KEY + ")");
            long start = System.nanoTime();
            assertThatThrownBy(() -> SchemaMigrator.migrate(new SingleConnectionDataSource(callers),
                    Backend.POSTGRESQL))
                    .isInstanceOf(DatabaseUnavailableException.class)
                    .hasMessageContaining("another session holds a lock").hasMessageContaining("55P03");
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isBetween(LibrarySettings.DEFAULT_STATEMENT_TIMEOUT, Duration.ofSeconds(60));
            try (Statement own = callers.createStatement(); ResultSet rs = own.executeQuery("SHOW lock_timeout")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("0");
            }
            statement.execute("SELECT pg_advisory_unlock(" + SchemaMigrator.ADVISORY_LOCK_KEY + ")");
            assertThat(SchemaMigrator.migrate(new SingleConnectionDataSource(callers), Backend.POSTGRESQL)
                    .versionAfter()).isEqualTo("3");
        }
        assertThat(holders(url)).isZero();
    }

    /**
     * {@code Library.builder(dataSource).statementTimeout} bounds that wait as {@code DATABASE_STATEMENT_TIMEOUT}
     * bounds an open by settings: 1 s here, where the default would wait 30 s.
     */
    @Test
    @Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aCallersDataSourceOpenedByTheBuilderWaitsForTheLockAtMostItsStatementTimeout() throws Exception {
        String url = TestDatabases.newPostgresUrl();
        DataSource admin = dataSource(Backend.POSTGRESQL, url);
        try (Connection other = admin.getConnection(); Statement statement = other.createStatement()) {
            statement.execute("SELECT pg_advisory_lock(" + SchemaMigrator.ADVISORY_LOCK_KEY + ")");
            long start = System.nanoTime();
            assertThatThrownBy(() -> Library.builder(admin).statementTimeout(Duration.ofSeconds(1)).open())
                    .isInstanceOf(DatabaseUnavailableException.class)
                    .hasMessageContaining("another session holds a lock").hasMessageContaining("55P03")
                    // a caller's DataSource has neither DATABASE_STATEMENT_TIMEOUT nor a URL of the library's
                    .hasMessageContaining("within the lock timeout (the connections' lock_timeout, or the "
                            + "statementTimeout of Library.builder(dataSource))")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("DATABASE_"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            statement.execute("SELECT pg_advisory_unlock(" + SchemaMigrator.ADVISORY_LOCK_KEY + ")");
        }
        try (Library library = Library.builder(admin).statementTimeout(Duration.ofSeconds(1)).open()) {
            assertThat(library.authors().count()).isZero();
        }
        assertThat(holders(url)).isZero();
    }

    /**
     * A caller's data source keeps the session lock on its one connection (its pool may have no other). Behind
     * a transaction pooler, whose consecutive statements may reach different server connections (here: two,
     * in turn), the lock outlived the migration; now the migration is refused and the lock given back.
     */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // without the refusal: a wait for the lock
    void aCallersDataSourceBehindATransactionPoolerIsRefusedAndLeavesNoLock() throws Exception {
        String url = TestDatabases.newPostgresUrl();
        DataSource direct = dataSource(Backend.POSTGRESQL, url);
        DataSource pooled = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("getConnection")) {
                        return method.invoke(direct, args);
                    }
                    Connection[] servers = {direct.getConnection(), direct.getConnection()};
                    AtomicInteger next = new AtomicInteger();
                    return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                            (connection, call, callArgs) -> {
                                switch (call.getName()) {
                                    case "createStatement":
                                        return servers[next.getAndIncrement() % 2].createStatement();
                                    case "close":
                                        servers[0].close();
                                        servers[1].close();
                                        return null;
                                    default:
                                        return call.invoke(servers[0], callArgs);
                                }
                            });
                });
        assertThatThrownBy(() -> SchemaMigrator.migrate(pooled, Backend.POSTGRESQL))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("is held by another server connection than the next statement ran on")
                .hasMessageEndingWith("migrate through a direct or session-pooled URL");
        assertThat(holders(url)).isZero();
        assertThat(SchemaMigrator.migrate(direct, Backend.POSTGRESQL).versionAfter()).isEqualTo("3");
    }

    private static long holders(String url) throws SQLException {
        return number(dataSource(Backend.POSTGRESQL, url), "SELECT count(*) FROM pg_locks WHERE " + OUR_LOCK);
    }

    private static long number(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String strings(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
