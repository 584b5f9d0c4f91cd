package org.elibrary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * {@code DATABASE_STATEMENT_TIMEOUT} bounds synchronous PostgreSQL calls: on the library's own pool the server
 * stops the statement (no client-side timer per statement), the call fails with the typed error, and the
 * connection serves the next call.
 */
class StatementTimeoutIT {

    @Test
    void aSynchronousPostgresCallPastTheTimeoutFailsTypedAndTheLibraryCarriesOn() {
        LibrarySettings settings = LibrarySettings.builder().databaseUrl(TestDatabases.newPostgresUrl())
                .statementTimeout(Duration.ofSeconds(1)).maxPoolSize(1).build();
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
}
