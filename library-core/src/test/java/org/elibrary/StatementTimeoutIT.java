package org.elibrary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
 * connection serves the next call. On SQLite an asynchronous call's timeout also ends its wait for another
 * connection's lock.
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
            })).isInstanceOf(DatabaseUnavailableException.class).hasMessageContaining("timed out");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));

            // the one pool connection is fine afterwards
            assertThat(library.authors().create("After The Timeout").name()).isEqualTo("After The Timeout");
            assertThat(library.authors().count()).isEqualTo(1);
        }
    }

    @Test
    void onSqliteAnAsyncTimeoutAlsoEndsAWaitForAnotherConnectionsLockWhichOtherwiseLastsTheBusyTimeout()
            throws Exception {
        Path file = TestDatabases.newSqliteFile();
        LibrarySettings settings = LibrarySettings.builder().databaseUrl("jdbc:sqlite:" + file)
                .sqliteBusyTimeout(Duration.ofSeconds(20)).build();
        try (Library library = Library.open(settings);
             Connection other = DriverManager.getConnection("jdbc:sqlite:" + file);
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
}
