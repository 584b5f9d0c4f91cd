package org.elibrary.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.elibrary.testing.TestDatabases.asUser;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.elibrary.Backend;
import org.elibrary.ConfigurationException;
import org.elibrary.DatabaseUnavailableException;
import org.elibrary.Library;
import org.elibrary.LibraryException;
import org.elibrary.LibrarySettings;
import org.elibrary.domain.Book;
import org.elibrary.domain.CatalogCounts;
import org.elibrary.internal.schema.SchemaMigrator;
import org.elibrary.testing.Stderr;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

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
     * A role that may use the library's tables but not read the migration history: migrate-on-open saw no
     * history (information_schema hides what the role has no privilege on) and called the managed schema
     * foreign, "rename or drop" its V2 index. Now told the grant, or to open without migrating.
     */
    @Test
    void aRoleThatMayNotReadTheHistoryIsToldTheGrantNotToDropIndexes() throws Exception {
        String url = migratedDatabase();
        String role = "elib_nohist_" + ProcessHandle.current().pid();
        admin(url, "CREATE ROLE " + role + " LOGIN",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON author, book, \"user\", author_book, comment TO " + role,
                "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO " + role);
        String grants = refusedForPrivileges(asUser(url, role), role);
        assertThat(grants).isEqualTo("GRANT SELECT ON flyway_schema_history TO " + role);
        // without migrating, the role opens and works
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(asUser(url, role))
                .migrateOnOpen(false).build())) {
            assertThat(library.books().create("Анна Каренина").title()).isEqualTo("Анна Каренина");
        }
        admin(url, grants);
        try (Library library = Library.open(settings(asUser(url, role)))) {
            assertThat(library.books().searchByTitle("война", 10)).hasSize(1);
        }
    }

    /**
     * A role with no grants on a managed, up-to-date database saw an empty one and was told to get CREATE on
     * the schema. Now told every grant its calls need; given them, it opens and writes.
     */
    @Test
    void aRoleWithoutTableGrantsIsToldEachGrantItsCallsNeed() throws Exception {
        String url = migratedDatabase();
        String role = "elib_nogrant_" + ProcessHandle.current().pid();
        admin(url, "CREATE ROLE " + role + " LOGIN");
        String grants = refusedForPrivileges(asUser(url, role), role);
        assertThat(grants).isEqualTo("GRANT SELECT ON flyway_schema_history TO " + role
                + "; GRANT SELECT, INSERT, UPDATE, DELETE ON author TO " + role
                + "; GRANT SELECT, INSERT, UPDATE, DELETE ON book TO " + role
                + "; GRANT SELECT, INSERT, UPDATE, DELETE ON \"user\" TO " + role
                + "; GRANT SELECT, INSERT, DELETE ON author_book TO " + role
                + "; GRANT SELECT, INSERT, UPDATE, DELETE ON comment TO " + role
                + "; GRANT USAGE ON SEQUENCE public.author_id_seq, public.book_id_seq, public.user_id_seq, "
                + "public.comment_id_seq TO " + role);
        // info and validate (Migrations) say the same, with their own alternative
        PGSimpleDataSource asRole = new PGSimpleDataSource();
        asRole.setURL(asUser(url, role));
        assertThatThrownBy(() -> SchemaMigrator.status(asRole, Backend.POSTGRESQL))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("may not read the migration history")
                .hasMessageEndingWith("or inspect it as the schema's owner");
        admin(url, grants.split("; "));
        try (Library library = Library.open(settings(asUser(url, role)))) {
            library.books().createWithAuthors("Анна Каренина", List.of("Лев Толстой"));
            library.users().create("anna");
            assertThat(library.counts().book()).isEqualTo(2);
        }
    }

    /**
     * An open that could not read the id sequences said one "is behind its table's rows and could not be
     * moved" when none was: now it says it could not check, at INFO. A sequence really behind that the role may
     * not move is still a warning.
     */
    @Test
    void aSequenceTheRoleCannotReadIsNotCalledBehind() throws Exception {
        String url = migratedDatabase();
        String role = "elib_noseq_" + ProcessHandle.current().pid();
        admin(url, "CREATE ROLE " + role + " LOGIN", "GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + role);
        String log = Stderr.of(() -> Library.open(settings(asUser(url, role))).close());
        assertThat(log).contains("INFO").contains(": could not check whether an id sequence is behind its table's "
                        + "rows (ERROR: permission denied for sequence author_id_seq); validate checks it as a user "
                        + "who may read the tables and their sequences")
                .doesNotContain("could not be moved");

        admin(url, "GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO " + role,
                "INSERT INTO author (id, name) VALUES (100, 'Чехов')");
        log = Stderr.of(() -> Library.open(settings(asUser(url, role))).close());
        assertThat(log).contains("WARN").contains(": an id sequence is behind its table's rows and could not be "
                + "moved (ERROR: permission denied for ").doesNotContain("could not check", "Where:");
    }

    /** Opening (migrating) as the role is refused with the grants to make; {@return those grants} */
    private static String refusedForPrivileges(String url, String role) {
        Throwable error = catchThrowable(() -> Library.open(settings(url)).close());
        assertThat(error).isExactlyInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("user " + role + " may not read the migration history flyway_schema_history "
                        + "in schema public of ")
                .hasMessageContaining("(SQLState 42501): have the schema's owner GRANT SELECT ON flyway_schema_history")
                .hasMessageEndingWith(", or set DATABASE_MIGRATE_ON_OPEN=false in the application and migrate as "
                        + "the schema's owner")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n", "not the library's", "CREATE ON SCHEMA"));
        String message = error.getMessage();
        int start = message.indexOf("have the schema's owner ") + "have the schema's owner ".length();
        return message.substring(start, message.lastIndexOf(", or set "));
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
        TestDatabases.execute(url, statements);
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
