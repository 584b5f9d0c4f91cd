package org.elibrary.internal.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletionException;
import javax.sql.DataSource;
import org.elibrary.Backend;
import org.elibrary.ConfigurationException;
import org.elibrary.DuplicateException;
import org.elibrary.Library;
import org.elibrary.LibrarySettings;
import org.elibrary.internal.db.Databases;
import org.elibrary.internal.schema.SchemaMigrator;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Database errors as the library reports them, on a real database of each backend. */
class SqlErrorsIT {
    private static final String REPAIR = "SELECT setval(pg_get_serial_sequence('book','id'), (SELECT max(id) FROM book))";

    /**
     * A migrated database whose book sequence was moved back (rows inserted with explicit ids since): a create
     * used to fail as "DuplicateException: book.id '1' already exists" though the caller gave no id. It is a
     * ConfigurationException naming the sequence and the repair, for every call shape; nothing is written, and
     * a real duplicate (a title) is still a DuplicateException. SQLite has no sequence to fall behind.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void aDuplicateIdFromASequenceThatIsBehindIsAConfigurationErrorWithTheRepair(Backend backend) throws Exception {
        String url = TestDatabases.newDatabaseUrl(backend);
        LibrarySettings settings = LibrarySettings.builder().databaseUrl(url).build();
        DataSource dataSource = Databases.inspectionDataSource(settings);
        try (Library library = Library.open(settings)) {
            for (int i = 1; i <= 5; i++) {
                library.books().create("Book " + i);
            }
            if (backend == Backend.POSTGRESQL) {
                execute(url, "SELECT setval(pg_get_serial_sequence('book', 'id'), 1, false)");
            }
            if (backend == Backend.SQLITE) {
                assertThat(SchemaMigrator.validate(dataSource, backend).problems()).isEmpty();
                assertThat(library.books().create("New").id()).isEqualTo(6);
                return;
            }
            assertThat(SchemaMigrator.validate(dataSource, backend).problems()).singleElement().asString()
                    .contains("public.book_id_seq", "behind", "next value 1, largest id 5", REPAIR);

            assertThatThrownBy(() -> library.books().create("New"))
                    .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.getMessage())
                            .startsWith("the id sequence public.book_id_seq of table book is behind the table's rows: "
                                    + "it gave the new row id 1, which a row already has")
                            .endsWith(REPAIR));
            // a caller's failed transaction cannot be asked the sequence's name
            assertThatThrownBy(() -> library.inTransaction(tx -> tx.books().create("New")))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageStartingWith("the id sequence of table book is behind the table's rows: it gave the "
                            + "new row id 2")
                    .hasMessageEndingWith(REPAIR);
            assertThatThrownBy(() -> library.async().books().create("New").join())
                    .isInstanceOf(CompletionException.class)
                    .cause().isInstanceOf(ConfigurationException.class).hasMessageContaining("public.book_id_seq")
                    .hasMessageEndingWith(REPAIR);
            // the database as it was: no row written, the sequence not repaired behind the caller's back
            assertThat(library.books().count()).isEqualTo(5);
            assertThat(SchemaMigrator.validate(dataSource, backend).valid()).isFalse();

            execute(url, REPAIR);
            assertThat(SchemaMigrator.validate(dataSource, backend).valid()).isTrue();
            // a real duplicate stays one (before the repair, the id would have clashed first)
            assertThatThrownBy(() -> library.books().create("Book 1"))
                    .isInstanceOfSatisfying(DuplicateException.class, e -> assertThat(e.field()).isEqualTo("book.title"));
            assertThat(library.books().create("New").id()).isGreaterThan(5);
        }
    }

    /**
     * The Python app inserted a user with the largest id an INTEGER holds (SQLAlchemy's {@code User(id=2147483647,
     * …)}), and the sequence was brought up to it (as migrate does): a create failed as "DatabaseUnavailableException:
     * database error: nextval: reached maximum value of sequence", which tells the caller to retry, though every
     * retry fails alike. It is a ConfigurationException saying what to do; nothing is written. SQLite's ids go on
     * past it.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void anIdSequenceWithNoIdLeftIsAConfigurationErrorNotAnOutage(Backend backend) throws Exception {
        String url = TestDatabases.newDatabaseUrl(backend);
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(url).build())) {
            library.users().create("anna");
            try (Connection connection = DriverManager.getConnection(url);
                 Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO \"user\" (id, username) VALUES (2147483647, 'последний')");
            }
            if (backend == Backend.SQLITE) {
                assertThat(library.users().create("bob").id()).isEqualTo(2147483648L);
                return;
            }
            execute(url, "SELECT setval(pg_get_serial_sequence('\"user\"', 'id'), 2147483647)");

            assertThatThrownBy(() -> library.users().create("bob"))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageStartingWith("nextval: reached maximum value of sequence \"user_id_seq\"")
                    .hasMessageContaining("has no id left")
                    .hasMessageContaining("nothing was written");
            assertThatThrownBy(() -> library.async().users().create("bob").join())
                    .isInstanceOf(CompletionException.class)
                    .cause().isInstanceOf(ConfigurationException.class).hasMessageContaining("has no id left");
            assertThat(library.users().count()).isEqualTo(2);
        }
    }

    /**
     * The other application's migrations add rules of their own (a CHECK, a NOT NULL column, a trigger that
     * raises): a row they refuse was a DatabaseUnavailableException ("retry later") for a failure no retry
     * cures. It is a ConfigurationException with the database's words; nothing is written.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void aRowRefusedByARuleAddedOutsideTheLibraryIsAConfigurationErrorNotAnOutage(Backend backend) throws Exception {
        String url = TestDatabases.newDatabaseUrl(backend);
        LibrarySettings settings = LibrarySettings.builder().databaseUrl(url).build();
        try (Library library = Library.open(settings)) {
            String jdbcUrl = backend == Backend.SQLITE ? "jdbc:sqlite:" + settings.sqliteFile().orElseThrow() : url;
            try (Connection connection = DriverManager.getConnection(jdbcUrl);
                 Statement statement = connection.createStatement()) {
                if (backend == Backend.SQLITE) {
                    statement.execute("CREATE TRIGGER no_drafts BEFORE INSERT ON book WHEN NEW.title LIKE 'Draft%' "
                            + "BEGIN SELECT RAISE(ABORT, 'drafts are not books'); END");
                } else {
                    statement.execute("ALTER TABLE book ADD CONSTRAINT no_drafts CHECK (title NOT LIKE 'Draft%')");
                    statement.execute("ALTER TABLE \"user\" ADD COLUMN email text NOT NULL DEFAULT 'x'");
                    statement.execute("ALTER TABLE \"user\" ALTER COLUMN email DROP DEFAULT");
                    statement.execute("CREATE FUNCTION no_anonymous() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                            + "IF NEW.name = 'Anonymous' THEN RAISE EXCEPTION 'anonymous authors are not allowed'; "
                            + "END IF; RETURN NEW; END $$");
                    statement.execute("CREATE TRIGGER no_anonymous BEFORE INSERT ON author FOR EACH ROW "
                            + "EXECUTE FUNCTION no_anonymous()");
                }
            }
            String refused = "the database refused the row by a rule the library's schema does not have";
            assertThatThrownBy(() -> library.books().create("Draft 1"))
                    .isInstanceOf(ConfigurationException.class).hasMessageStartingWith(refused)
                    .hasMessageContaining(backend == Backend.SQLITE ? "drafts are not books" : "\"no_drafts\"");
            assertThatThrownBy(() -> library.async().books().create("Draft 2").join())
                    .cause().isInstanceOf(ConfigurationException.class).hasMessageStartingWith(refused);
            if (backend == Backend.POSTGRESQL) {
                assertThatThrownBy(() -> library.users().create("anna"))
                        .isInstanceOf(ConfigurationException.class).hasMessageStartingWith(refused)
                        .hasMessageContaining("\"email\"", "23502");
                assertThatThrownBy(() -> library.authors().create("Anonymous"))
                        .isInstanceOf(ConfigurationException.class).hasMessageStartingWith(refused)
                        .hasMessageContaining("anonymous authors are not allowed", "P0001");
            }
            assertThat(library.counts().book()).isZero();
            assertThat(library.books().create("Book").title()).isEqualTo("Book");
        }
    }

    /**
     * What PgBouncer's transaction pooling does to pgjdbc's named prepared statements, done on one server
     * connection by triggers the driver does not see: statement names taken by another client's statements
     * (42P05 at the commit, whose rollback fails the same way) and statements deallocated (26000). These were
     * DatabaseUnavailableExceptions, the first "the connection failed while the commit was under way: whether the
     * call was committed is unknown"; they are ConfigurationExceptions saying what to add to the URL, a refused
     * commit says nothing was committed, and nothing was.
     */
    @Test
    void preparedStatementsLostAsBehindATransactionPoolerAreAConfigurationErrorAndNotCommitted() throws Exception {
        String url = TestDatabases.newPostgresUrl();
        LibrarySettings settings = LibrarySettings.builder().databaseUrl(url).poolSize(1).build();
        try (Library library = Library.open(settings)) {
            try (Connection connection = DriverManager.getConnection(url);
                 Statement statement = connection.createStatement()) {
                // another client's statements under the names pgjdbc gives its own next: S_1, S_2, …
                statement.execute("CREATE FUNCTION squat() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                        + "FOR i IN 1..100 LOOP IF NOT EXISTS (SELECT FROM pg_prepared_statements WHERE name = 'S_' "
                        + "|| i) THEN EXECUTE format('PREPARE %I AS SELECT 1', 'S_' || i); END IF; END LOOP; "
                        + "RETURN NEW; END $$");
                statement.execute("CREATE TRIGGER squat AFTER INSERT ON author FOR EACH ROW WHEN (NEW.name LIKE "
                        + "'squat%') EXECUTE FUNCTION squat()");
                // another server connection, without the statements pgjdbc prepared
                statement.execute("CREATE FUNCTION forget() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                        + "EXECUTE 'DEALLOCATE ALL'; RETURN NEW; END $$");
                statement.execute("CREATE TRIGGER forget AFTER INSERT ON author FOR EACH ROW WHEN (NEW.name LIKE "
                        + "'forget%') EXECUTE FUNCTION forget()");
            }
            String pooler = "the connection goes through a pooler in transaction mode (PgBouncer's pool_mode = "
                    + "transaction, for one), which does not keep the driver's prepared statements; add "
                    + "prepareThreshold=0 to a jdbc:postgresql: DATABASE_URL or prepared_statement_cache_size=0 to a "
                    + "SQLAlchemy one, or use session pooling";
            String notCommitted = "the database answered the commit with an error, so nothing of the call was "
                    + "committed: ";
            // the pool's one connection has not committed yet: pgjdbc prepares COMMIT (as S_1) at the first
            assertThatThrownBy(() -> library.authors().create("squat"))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessage(notCommitted + "prepared statement \"S_1\" already exists (SQLState 42P05): " + pooler);
            // the connection was dropped; on the next, a statement run often enough to be prepared by name
            for (int i = 0; i < 6; i++) {
                library.authors().create("warm " + i);
            }
            assertThatThrownBy(() -> library.authors().create("forget"))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageStartingWith(notCommitted + "prepared statement \"S_")
                    .hasMessageEndingWith("\" does not exist (SQLState 26000): " + pooler);
            assertThat(library.authors().search("squat", 10)).isEmpty();
            assertThat(library.authors().search("forget", 10)).isEmpty();
            assertThat(library.counts().author()).isEqualTo(6);
        }
    }

    /**
     * On a caller's SQLite pool with a rollback journal (journal_mode=DELETE), another connection committing holds an
     * EXCLUSIVE lock, and a pool connection that read the schema before the library migrated cannot read it again:
     * SQLite says "no such table", which is busy, not a missing schema; a table really missing still is one.
     */
    @Test
    void onACallersSqlitePoolAReadBlockedWhileItsSchemaIsOutOfDateIsBusyNotAMissingSchema() throws Exception {
        String url = TestDatabases.newSqliteUrl();
        com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(2);
        config.addDataSourceProperty("foreign_keys", "true");
        config.addDataSourceProperty("journal_mode", "DELETE");
        config.addDataSourceProperty("busy_timeout", "300");
        try (com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource(config)) {
            Connection first = pool.getConnection();
            Connection second = pool.getConnection();
            for (Connection connection : new Connection[] {first, second}) {
                try (Statement statement = connection.createStatement();
                     ResultSet rows = statement.executeQuery("SELECT count(*) FROM sqlite_master")) {
                    assertThat(rows.next()).isTrue(); // the empty schema, read before the library migrates
                }
            }
            first.close();
            second.close();
            try (Library library = Library.open(pool);
                 Connection other = DriverManager.getConnection(url);
                 Statement writer = other.createStatement()) {
                library.books().create("seed");
                writer.execute("BEGIN EXCLUSIVE");
                writer.execute("INSERT INTO author(name) VALUES ('elsewhere')");
                for (int i = 0; i < 2; i++) {
                    // each of the pool's two connections in turn: the test holds the other one
                    try (Connection held = pool.getConnection()) {
                        assertThatThrownBy(() -> library.books().count())
                                .isInstanceOf(org.elibrary.DatabaseUnavailableException.class)
                                .hasMessageContaining("busy");
                    }
                }
                writer.execute("ROLLBACK");
                assertThat(library.books().count()).isOne();
                writer.execute("DROP TABLE comment");
                assertThatThrownBy(() -> library.comments().count())
                        .isInstanceOf(ConfigurationException.class)
                        .hasMessageContaining("the database does not have the library's schema");
            }
        }
    }

    private static void execute(String url, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement();
             ResultSet ignored = statement.executeQuery(sql)) {
            // the result of setval is not needed
        }
    }
}
