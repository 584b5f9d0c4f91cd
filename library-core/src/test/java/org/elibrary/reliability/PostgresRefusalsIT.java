package org.elibrary.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.elibrary.ConfigurationException;
import org.elibrary.DatabaseUnavailableException;
import org.elibrary.Library;
import org.elibrary.LibraryException;
import org.elibrary.LibrarySettings;
import org.elibrary.domain.Book;
import org.elibrary.domain.CatalogCounts;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * A PostgreSQL server that refuses a write for good (a role that may only read, a read-only database) or
 * refuses new connections (a role's connection limit): the caller gets a type that says whether to retry,
 * and a message with the server's reason and what to do; nothing is written.
 */
class PostgresRefusalsIT {
    private static final Duration BOUND = Duration.ofSeconds(20);

    @Test
    void aRoleThatMayOnlyReadIsToldToGetTheGrantOrAnotherUrl() throws Exception {
        String url = migratedDatabase();
        String role = "elib_ro_" + ProcessHandle.current().pid();
        admin(url, "CREATE ROLE " + role + " LOGIN", "GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + role);
        try (Library library = Library.open(settings(asUser(url, role)))) {
            assertThat(library.books().searchByTitle("война", 10)).hasSize(1);
            refused(library, ConfigurationException.class, "permission denied for table ",
                    " (SQLState 42501): the database role " + role + " may not read or write that table");
        }
    }

    /**
     * Read-only is often for a while only (a failover, default_transaction_read_only while a disk fills), so
     * the caller is told to retry, and where to point writes if this is a replica.
     */
    @Test
    void aReadOnlyDatabaseIsAnOutageToRetryOrAReplicaToLeave() throws Exception {
        String url = migratedDatabase();
        admin(url, "ALTER DATABASE " + databaseName(url) + " SET default_transaction_read_only = on");
        try (Library library = Library.open(settings(url))) {
            assertThat(library.books().searchByTitle("война", 10)).hasSize(1);
            refused(library, DatabaseUnavailableException.class, "cannot execute ", " in a read-only transaction "
                    + "(SQLState 25006): the database is read-only for now (a standby, a failover under way, or "
                    + "default_transaction_read_only is on); retry later, or point DATABASE_URL at the primary");
        }
    }

    /**
     * A role at its connection limit while the pool needs one more connection: the wait times out, and the
     * message says the server refused, which no pool size would change.
     */
    @Test
    void aPoolTimeoutNamesTheServersRefusalOfANewConnection() throws Exception {
        String url = migratedDatabase();
        String role = "elib_lim_" + ProcessHandle.current().pid();
        admin(url, "CREATE ROLE " + role + " LOGIN CONNECTION LIMIT 1",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + role,
                "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO " + role);
        // no migration connection at open: its server process could still count against the limit
        LibrarySettings settings = LibrarySettings.builder().databaseUrl(asUser(url, role)).migrateOnOpen(false)
                .poolSize(3).connectionTimeout(Duration.ofSeconds(1)).build();
        try (Library library = Library.open(settings)) {
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> library.useTransaction(tx -> {
                tx.authors().create("the only connection's");
                holding.countDown();
                await(release);
            }));
            try {
                assertThat(holding.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
                Throwable error = catchThrowable(() -> library.books().create("Анна Каренина"));
                assertThat(error).isExactlyInstanceOf(DatabaseUnavailableException.class)
                        .hasMessageStartingWith("no database connection became available in time; the last attempt "
                                + "to connect failed: ")
                        .hasMessageContaining("too many connections for role \"" + role + "\"")
                        .hasMessageEndingWith("(SQLState 53300)");
            } finally {
                release.countDown();
                holder.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            }
        }
    }

    /** Every kind of write fails with an exception of {@code type} saying so, and nothing is written. */
    private static void refused(Library library, Class<? extends LibraryException> type, String startsWith,
                                String contains) throws Exception {
        CatalogCounts before = library.counts();
        assertRefusal(type, catchThrowable(() -> library.books().create("Анна Каренина")), startsWith, contains);
        assertRefusal(type, catchThrowable(() -> library.authors().createAll(List.of("Толстой", "Чехов"))),
                startsWith, contains);
        // in a caller's transaction: the failed statement dooms it, even when the callback catches the error
        Book book = library.books().searchByTitle("война", 10).get(0).book();
        Throwable caught = catchThrowable(() -> library.useTransaction(tx -> {
            try {
                tx.users().create("anna");
            } catch (LibraryException e) {
                // the caller carries on: the next call in the transaction fails with the same error
            }
            tx.books().findById(book.id());
        }));
        assertRefusal(type, caught, startsWith, contains);
        ExecutionException async = catchThrowableOfType(ExecutionException.class,
                () -> library.async().users().create("anna").get(BOUND.toSeconds(), TimeUnit.SECONDS));
        assertThat(async).as("the async call failed").isNotNull();
        assertRefusal(type, async.getCause(), startsWith, contains);
        assertRefusal(type, catchThrowable(() -> library.async().inTransaction(tx -> tx.books().create("x"))
                .get(BOUND.toSeconds(), TimeUnit.SECONDS)).getCause(), startsWith, contains);
        assertThat(library.counts()).isEqualTo(before);
    }

    private static void assertRefusal(Class<? extends LibraryException> type, Throwable error, String startsWith,
                                      String contains) {
        assertThat(error).isExactlyInstanceOf(type)
                .hasMessageStartingWith(startsWith).hasMessageContaining(contains);
        assertThat(((LibraryException) error).getMessage()).doesNotContain("\n");
    }

    /** A new database with the library's schema and one book, migrated by the superuser. */
    private static String migratedDatabase() {
        assumeTrue(TestDatabases.embeddedPostgres() != null,
                "needs the embedded PostgreSQL, whose new roles log in without a password");
        String url = TestDatabases.newPostgresUrl();
        try (Library library = Library.open(settings(url))) {
            library.books().createWithAuthors("Война и мир", List.of("Лев Толстой"));
        }
        return url;
    }

    private static LibrarySettings settings(String url) {
        return LibrarySettings.builder().databaseUrl(url).connectionTimeout(Duration.ofSeconds(5)).build();
    }

    private static void admin(String url, String... statements) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url);
             Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private static String asUser(String url, String role) {
        return url.replaceFirst("([?&])user=[^&]*", "$1user=" + role);
    }

    private static String databaseName(String url) {
        String path = url.substring(url.indexOf('/', "jdbc:postgresql://".length()) + 1);
        int query = path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(BOUND.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
