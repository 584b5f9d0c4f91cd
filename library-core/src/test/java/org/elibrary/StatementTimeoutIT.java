package org.elibrary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.elibrary.domain.Author;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * {@code DATABASE_STATEMENT_TIMEOUT} bounds synchronous PostgreSQL calls: on the library's own pool the server
 * stops the statement (no client-side timer per statement), the call fails with the typed error, and the
 * connection serves the next call. On a caller's PostgreSQL pool {@code Library.builder(ds).statementTimeout}
 * does the same through the driver's query timeout, leaving the pool's connections as they were. On SQLite an
 * asynchronous call's timeout also ends its wait for another connection's lock.
 */
class StatementTimeoutIT {

    @Test
    void aSynchronousPostgresCallPastTheTimeoutFailsTypedAndTheLibraryCarriesOn() {
        LibrarySettings settings = LibrarySettings.builder().databaseUrl(TestDatabases.newPostgresUrl())
                .statementTimeout(Duration.ofSeconds(1)).poolSize(1).build();
        try (Library library = Library.open(settings)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> library.sessions().read(null, uow -> {
                try (Statement statement = uow.connection().createStatement();
                     ResultSet rows = statement.executeQuery("SELECT 1 FROM pg_sleep(30)")) {
                    return rows.next();
                }
            })).isInstanceOf(DatabaseUnavailableException.class).hasMessageContaining("timed out")
                    // the server's words, as for every other server error
                    .hasMessageEndingWith(": canceling statement due to statement timeout (SQLState 57014)");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));

            // the one pool connection is fine afterwards
            assertThat(library.authors().create("After The Timeout").name()).isEqualTo("After The Timeout");
            assertThat(library.authors().count()).isEqualTo(1);
        }
    }

    /**
     * A caller's pool gets no server-side {@code statement_timeout}: the builder's timeout stops the library's
     * statements through the driver (a slow trigger makes the library's own INSERT the long statement), sync and
     * async alike, and commits nothing of them. With the default of 30 s instead, each call would run 30 s.
     */
    @Test
    void onACallersPostgresPoolTheBuildersTimeoutStopsALongStatementSyncAndAsync() throws Exception {
        String url = TestDatabases.newPostgresUrl();
        try (HikariDataSource pool = TestDatabases.pool(url, 2);
             Library library = Library.builder(pool).statementTimeout(Duration.ofSeconds(1)).open();
             Connection admin = DriverManager.getConnection(url);
             Statement statement = admin.createStatement()) {
            statement.execute("CREATE FUNCTION slow_insert() RETURNS trigger LANGUAGE plpgsql AS "
                    + "$$ BEGIN PERFORM pg_sleep(30); RETURN NEW; END $$");
            statement.execute("CREATE TRIGGER slow BEFORE INSERT ON author FOR EACH ROW "
                    + "EXECUTE FUNCTION slow_insert()");

            long start = System.nanoTime();
            assertThatThrownBy(() -> library.authors().create("slow sync"))
                    .isInstanceOf(DatabaseUnavailableException.class).hasMessageContaining("timed out");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));

            start = System.nanoTime();
            assertThat(library.async().authors().create("slow async")).failsWithin(Duration.ofSeconds(60))
                    .withThrowableThat().havingCause().isInstanceOf(DatabaseUnavailableException.class)
                    .withMessageContaining("timed out");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));

            statement.execute("DROP TRIGGER slow ON author");
            assertThat(library.authors().create("after").name()).isEqualTo("after");
            assertThat(library.authors().count()).isEqualTo(1);
            // nothing was set on the caller's connections
            try (Connection borrowed = pool.getConnection(); Statement show = borrowed.createStatement();
                 ResultSet rows = show.executeQuery("SHOW statement_timeout")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).isEqualTo("0");
            }
        }
    }

    @Test
    void onSqliteAnAsyncTimeoutAlsoEndsAWaitForAnotherConnectionsLockWhichOtherwiseLastsTheBusyTimeout()
            throws Exception {
        Path file = TestDatabases.newSqliteFile();
        LibrarySettings settings = LibrarySettings.builder().databaseUrl("jdbc:sqlite:" + file)
                .sqliteBusyTimeout(Duration.ofSeconds(20)).build();
        try (Library library = Library.open(settings)) {
            anAsyncTimeoutEndsAWaitForAnotherConnectionsLock(library, file);
        }
    }

    /** With a busy timeout of 20 s on {@code library}'s connections to {@code file}. */
    private static void anAsyncTimeoutEndsAWaitForAnotherConnectionsLock(Library library, Path file)
            throws Exception {
        try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = other.createStatement()) {
            library.authors().create("warm-up");
            statement.execute("BEGIN IMMEDIATE"); // another process writing, for example

            long start = System.nanoTime();
            CompletableFuture<Author> write = library.async().withTimeout(Duration.ofMillis(300))
                    .authors().create("blocked");
            assertThat(write).failsWithin(Duration.ofSeconds(60)).withThrowableThat().havingCause()
                    .isInstanceOf(DatabaseUnavailableException.class)
                    .withMessageStartingWith("statement timed out after 300ms");
            // not the busy timeout (20 s)
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));

            // a call with time left still waits for the lock, up to the busy timeout
            CompletableFuture<Author> waiting = library.async().authors().create("waited");
            Thread.sleep(500);
            assertThat(waiting).isNotDone();
            statement.execute("ROLLBACK");
            assertThat(waiting).succeedsWithin(Duration.ofSeconds(60));
            assertThat(library.authors().findByName("blocked")).isEmpty();
            assertThat(library.authors().count()).isEqualTo(2);
        }
    }

    /**
     * As above on a caller's pool (Spring Boot's, busy_timeout set as the README says), where SQLite's own busy
     * timeout would make the timed-out call, and every write queued behind it, wait that whole busy timeout; the
     * pool's connections get their busy timeout back after each call.
     */
    @Test
    void onACallersSqlitePoolAnAsyncTimeoutAlsoEndsAWaitForAnotherConnectionsLock() throws Exception {
        Path file = TestDatabases.newSqliteFile();
        com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
        config.setJdbcUrl("jdbc:sqlite:" + file);
        config.setMaximumPoolSize(2);
        config.addDataSourceProperty("foreign_keys", "true");
        config.addDataSourceProperty("journal_mode", "WAL");
        config.addDataSourceProperty("busy_timeout", "20000");
        try (HikariDataSource pool = new HikariDataSource(config)) {
            try (Library library = Library.builder(pool).statementTimeout(Duration.ofSeconds(30)).open()) {
                anAsyncTimeoutEndsAWaitForAnotherConnectionsLock(library, file);
            }
            // both of the pool's connections, as they serve the application again
            try (Connection first = pool.getConnection(); Connection second = pool.getConnection()) {
                for (Connection connection : new Connection[] {first, second}) {
                    try (Statement pragma = connection.createStatement();
                         ResultSet rows = pragma.executeQuery("PRAGMA busy_timeout")) {
                        assertThat(rows.next()).isTrue();
                        assertThat(rows.getInt(1)).isEqualTo(20000);
                    }
                }
            }
        }
    }
}
