package org.elibrary;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.elibrary.domain.Author;
import org.elibrary.testing.FreezableProxy;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * Asynchronous calls while the PostgreSQL server stops answering (a network partition, a frozen VM): nothing
 * arrives, not even a reset. A relay ({@link FreezableProxy}) in front of the tests' server goes silent.
 * PostgreSQL only: a SQLite file has no network between it and the library.
 */
class PostgresOutageIT {
    /** Generous: the timeouts below are 1 to 2 s, and the connection is aborted 2 s after the cancel. */
    private static final Duration SOON = Duration.ofSeconds(12);
    private static final Duration CONNECT = Duration.ofSeconds(2);

    private static Library open(FreezableProxy proxy, String url, Duration closeTimeout) {
        // one connection: the calls take the one just used, which HikariCP then lends without validating it;
        // the connection timeout also bounds a connection attempt to the silent server, which closing the
        // pool waits for (HikariCP opens one to replace the connection aborted)
        return Library.open(LibrarySettings.builder().databaseUrl(proxy.relayed(url))
                .closeTimeout(closeTimeout).connectionTimeout(CONNECT).poolSize(1).build());
    }

    @Test
    void aTimeoutFailsTheFutureSoonWhenTheServerStopsAnsweringAndCloseKeepsItsBound() throws Exception {
        String url = TestDatabases.newPostgresUrl();
        try (FreezableProxy proxy = FreezableProxy.forPostgres(url)) {
            Library library = open(proxy, url, Duration.ofSeconds(2));
            try {
                AsyncLibrary quick = library.async().withTimeout(Duration.ofSeconds(1));
                assertThat(quick.books().count()).succeedsWithin(SOON);
                proxy.freeze();
                CompletableFuture<Long> count = quick.books().count();

                // the cancel request goes unanswered too: the call's connection is aborted under it
                assertThat(count).failsWithin(SOON).withThrowableThat().havingCause()
                        .isInstanceOf(DatabaseUnavailableException.class)
                        .withMessageStartingWith("statement timed out after 1s");

                // the pool dropped the aborted connection: once the server answers again, calls succeed
                proxy.thaw();
                assertThat(quick.books().count()).succeedsWithin(SOON).isEqualTo(0L);

                // close() while the server is silent again and a call (30 s timeout) waits for it: close
                // timeout (2 s), plus the documented 5 s for cancelled calls to stop, plus the pool's wait for
                // its connection attempt (the connection timeout), and some slack
                proxy.freeze();
                CompletableFuture<Long> stuck = library.async().books().count();
                Thread.sleep(200);
                long start = System.nanoTime();
                library.close();
                assertThat(Duration.ofNanos(System.nanoTime() - start))
                        .isLessThan(Duration.ofSeconds(2 + 5 + 3).plus(CONNECT));
                assertThat(stuck).failsWithin(Duration.ofSeconds(1)).withThrowableThat().havingCause()
                        .isInstanceOf(LibraryClosedException.class);
            } finally {
                proxy.thaw();
                library.close();
            }
        }
    }

    @Test
    void aCallWhoseCommitWasSentWhenTheServerWentSilentFailsWithAnUnknownOutcomeNotARollback() throws Exception {
        String url = TestDatabases.newPostgresUrl();
        try (FreezableProxy proxy = FreezableProxy.forPostgres(url)) {
            Library library = open(proxy, url, Duration.ofSeconds(2));
            CompletableFuture<Author> write;
            try {
                library.authors().create("warm-up");
                // the INSERT and its answer pass; the COMMIT after it reaches the server, its answer does not
                proxy.freezeAnswersAfter("in doubt");
                write = library.async().withTimeout(Duration.ofSeconds(1)).authors().create("in doubt");

                assertThat(write).failsWithin(SOON).withThrowableThat().havingCause()
                        .isInstanceOf(DatabaseUnavailableException.class)
                        .withMessageContaining("commit was under way")
                        .withMessageContaining("unknown")
                        .withMessageNotContaining("rolled back")
                        .withMessageNotContaining("nothing");
            } finally {
                proxy.thaw();
                library.close();
            }
            // what makes the outcome unknown: the server did commit
            try (Connection connection = DriverManager.getConnection(url);
                 Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT count(*) FROM author WHERE name = 'in doubt'")) {
                rows.next();
                assertThat(rows.getInt(1)).isEqualTo(1);
            }
        }
    }
}
