package org.elibrary.internal.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.elibrary.internal.schema.SchemaMigratorIT.dataSource;
import static org.elibrary.internal.schema.SchemaMigratorIT.execute;
import static org.elibrary.internal.schema.SchemaMigratorIT.insertPythonAppData;
import static org.elibrary.internal.schema.SchemaMigratorIT.seedDdl;
import static org.elibrary.internal.schema.SchemaMigratorIT.strings;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.elibrary.Backend;
import org.elibrary.ConfigurationException;
import org.elibrary.DatabaseUnavailableException;
import org.elibrary.InvalidInputException;
import org.elibrary.Library;
import org.elibrary.LibrarySettings;
import org.elibrary.internal.db.Databases;
import org.elibrary.internal.db.MigrationConnections;
import org.elibrary.testing.TestDatabases;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What adoption refuses, and what a failed migrate leaves behind: in both cases the database as it was,
 * schema and migration history alike. Every scenario runs on a SQLite file and on PostgreSQL.
 */
class SchemaMigratorAdoptionIT {

    /** The database's objects, their definitions and the history rows: equal before and after means unchanged. */
    static String snapshot(DataSource dataSource, Backend backend) throws SQLException {
        List<String> parts = new ArrayList<>();
        if (backend == Backend.SQLITE) {
            parts.addAll(strings(dataSource, "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master "
                    + "ORDER BY type, name"));
        } else {
            parts.addAll(strings(dataSource, "SELECT n.nspname || '.' || c.relname || ' ' || c.relkind::text FROM pg_class c "
                    + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', "
                    + "'information_schema', 'pg_toast') ORDER BY 1"));
            parts.addAll(strings(dataSource, "SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint "
                    + "WHERE connamespace = 'public'::regnamespace ORDER BY 1"));
            parts.addAll(strings(dataSource, "SELECT extname FROM pg_extension ORDER BY 1"));
            parts.addAll(strings(dataSource, "SELECT nspname FROM pg_namespace ORDER BY 1"));
        }
        if (SchemaMigratorIT.hasHistory(dataSource, backend)) {
            parts.addAll(strings(dataSource, "SELECT installed_rank || ' ' || coalesce(version, '') || ' ' || type "
                    + "|| ' ' || success || ' ' || installed_on FROM flyway_schema_history ORDER BY installed_rank"));
        }
        return String.join("\n", parts);
    }

    // ------------------------------------------------------------------------------- names a migration creates

    @ParameterizedTest
    @EnumSource(Backend.class)
    void everyNameALaterMigrationCreatesIsReserved(Backend backend) throws IOException {
        Pattern created = Pattern.compile("(?i)CREATE\\s+(?:UNIQUE\\s+)?(?:VIRTUAL\\s+)?"
                + "(?:TABLE|INDEX|TRIGGER|VIEW|SEQUENCE)\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?\"?(\\w+)");
        String location = SchemaMigrator.scripts(backend);
        int names = 0;
        for (MigrationInfo migration : Flyway.configure().dataSource("jdbc:sqlite::memory:", null, null)
                .locations("classpath:" + location).load().info().all()) {
            if (migration.getVersion().getVersion().equals(SchemaMigrator.SEED_VERSION)) {
                continue;
            }
            Matcher matcher = created.matcher(resource(location + "/" + migration.getScript()));
            while (matcher.find()) {
                names++;
                assertThat(SchemaMigrator.reservedBy(backend, matcher.group(1)))
                        .as("%s, created by V%s", matcher.group(1), migration.getVersion())
                        .contains(migration.getVersion().getVersion());
            }
        }
        assertThat(names).isGreaterThanOrEqualTo(5);
        assertThat(SchemaMigrator.reservedBy(backend, "author")).isEmpty();
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = SchemaMigratorAdoptionIT.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aPythonDatabaseWithAnObjectALaterMigrationCreatesIsRefusedUnchanged(Backend backend) throws Exception {
        String[][] clashes = {
                // SQLAlchemy's name for Column(..., index=True) on comment.book_id, which V2 creates too.
                {"CREATE INDEX ix_comment_book_id ON comment (book_id);\n", "index ix_comment_book_id", "V2"},
                {backend == Backend.SQLITE
                        ? "CREATE TRIGGER book_title_search_after_insert AFTER INSERT ON book BEGIN SELECT 1; END;\n"
                        : "CREATE INDEX ix_book_title_lower_trgm ON book (title);\n",
                        backend == Backend.SQLITE ? "trigger book_title_search_after_insert"
                                : "index ix_book_title_lower_trgm", "V3"},
                {backend == Backend.SQLITE ? "CREATE TABLE author_name_search_data (id INTEGER);\n"
                        : "CREATE SEQUENCE ix_author_book_book_id;\n",
                        backend == Backend.SQLITE ? "table author_name_search_data" : "sequence ix_author_book_book_id",
                        backend == Backend.SQLITE ? "V3" : "V2"},
        };
        for (String[] clash : clashes) {
            DataSource dataSource = dataSource(backend);
            execute(dataSource, seedDdl(backend));
            insertPythonAppData(dataSource);
            execute(dataSource, clash[0]);
            String before = snapshot(dataSource, backend);

            assertThat(SchemaMigrator.status(dataSource, backend).state()).isEqualTo(SchemaState.FOREIGN);
            assertThatThrownBy(() -> SchemaMigrator.migrate(dataSource, backend))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining(clash[1])
                    .hasMessageContaining("migration " + clash[2])
                    .hasMessageContaining("left unchanged");
            assertThatThrownBy(() -> SchemaMigrator.baseline(dataSource, backend))
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining(clash[1]);
            assertThat(snapshot(dataSource, backend)).isEqualTo(before);
            // Not half-adopted: removing the clash is all it takes.
            execute(dataSource, "DROP " + clash[1].replaceFirst(" .*", "").toUpperCase(Locale.ROOT) + " "
                    + clash[1].replaceFirst(".* ", "") + ";\n");
            assertThat(SchemaMigrator.migrate(dataSource, backend).versionAfter()).isEqualTo("3");
        }
    }

    // ------------------------------------------------------------------------- a lock another session holds

    @ParameterizedTest
    @EnumSource(Backend.class)
    @Timeout(120) // without a lock timeout the migration would wait for as long as the transaction lasts
    void anAdoptionWaitingForAnotherSessionsLockGivesUpInTimeAndWritesNothing(Backend backend) throws Exception {
        String url = TestDatabases.newDatabaseUrl(backend);
        DataSource dataSource = dataSource(backend, url);
        execute(dataSource, seedDdl(backend));
        insertPythonAppData(dataSource);
        String before = snapshot(dataSource, backend);
        LibrarySettings settings = LibrarySettings.builder().databaseUrl(url)
                .statementTimeout(Duration.ofSeconds(1)).set(LibrarySettings.SQLITE_BUSY_TIMEOUT, "1s").build();
        // The Python app in the middle of a write transaction, holding its locks until it ends.
        try (Connection python = dataSource.getConnection(); Statement statement = python.createStatement()) {
            python.setAutoCommit(false);
            statement.execute("UPDATE comment SET text = text WHERE id = 1");
            long start = System.nanoTime();
            assertThatThrownBy(() -> Databases.open(settings).close())
                    .isInstanceOf(DatabaseUnavailableException.class)
                    .hasMessageContaining("lock");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
            python.rollback();
        }
        assertThat(snapshot(dataSource, backend)).isEqualTo(before);
        // Once the transaction has ended, the next open adopts the database.
        Databases.open(settings).close();
        assertThat(SchemaMigrator.status(dataSource, backend).state()).isEqualTo(SchemaState.MANAGED);
    }

    /**
     * Where a pooler refused the migration's settings as startup options (PgBouncer without
     * ignore_startup_parameters = options), its connections come without them: each transaction of the
     * migration begins with them instead (SET LOCAL), so an adoption waiting for the Python app's lock still
     * gives up after the lock timeout, and nothing of it stays on a pooled server connection.
     */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a socket read ignores interrupts
    void withoutStartupOptionsTheMigrationsTransactionsStillWaitOnlyTheLockTimeout() throws Exception {
        String url = TestDatabases.newPostgresUrl();
        DataSource dataSource = dataSource(Backend.POSTGRESQL, url);
        execute(dataSource, seedDdl(Backend.POSTGRESQL));
        insertPythonAppData(dataSource);
        String before = snapshot(dataSource, Backend.POSTGRESQL);
        DataSource refused = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {MigrationConnections.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "localSettingsSql":
                            return "SET TRANSACTION ISOLATION LEVEL READ COMMITTED; SET LOCAL statement_timeout = 0; "
                                    + "SET LOCAL lock_timeout = 1000; ";
                        case "getConnection", "getConnectionWithoutSettings":
                            return dataSource.getConnection();
                        default:
                            try {
                                return method.invoke(dataSource, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                    }
                });
        try (Connection python = dataSource.getConnection(); Statement statement = python.createStatement()) {
            python.setAutoCommit(false);
            statement.execute("UPDATE comment SET text = text WHERE id = 1");
            assertThatThrownBy(() -> SchemaMigrator.migrate(refused, Backend.POSTGRESQL))
                    .isInstanceOf(DatabaseUnavailableException.class)
                    .hasMessageContaining("another session holds a lock");
            python.rollback();
        }
        assertThat(snapshot(dataSource, Backend.POSTGRESQL)).isEqualTo(before);
        assertThat(SchemaMigrator.migrate(refused, Backend.POSTGRESQL).adopted()).isTrue();
    }

    // ----------------------------------------------------------------------------- keys the library relies on

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aSchemaWithoutTheSeedsKeysAndConstraintsIsRefusedUnchanged(Backend backend) throws Exception {
        String user = backend == Backend.SQLITE ? "user" : "\"user\"";
        String[][] variants = {
                {"\tUNIQUE (title)\n", "\tCHECK (title <> '')\n", "UNIQUE (title) on book"},
                // without these two, a duplicate author or username would be written instead of refused
                {"\tUNIQUE (name)\n", "\tCHECK (name <> '')\n", "UNIQUE (name) on author"},
                {"\tUNIQUE (username)\n", "\tCHECK (username <> '')\n", "UNIQUE (username) on user"},
                {"\tPRIMARY KEY (author_id, book_id), \n", "", "PRIMARY KEY (author_id, book_id) on author_book"},
                {"\tusername VARCHAR(50) NOT NULL, \n", "\tusername VARCHAR(50), \n", "NOT NULL on user.username"},
                {"\tFOREIGN KEY(user_id) REFERENCES " + user + " (id), \n", "",
                        "FOREIGN KEY (user_id) REFERENCES user on comment"},
        };
        for (String[] variant : variants) {
            String ddl = seedDdl(backend);
            assertThat(ddl).contains(variant[0]);
            DataSource dataSource = dataSource(backend);
            execute(dataSource, ddl.replace(variant[0], variant[1]));
            String before = snapshot(dataSource, backend);

            assertThat(SchemaMigrator.status(dataSource, backend).state()).as(variant[2]).isEqualTo(SchemaState.FOREIGN);
            assertThatThrownBy(() -> SchemaMigrator.migrate(dataSource, backend))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("lack " + variant[2])
                    .hasMessageContaining("left unchanged");
            assertThat(snapshot(dataSource, backend)).isEqualTo(before);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void uniqueIndexesCountAsUniqueConstraints(Backend backend) throws Exception {
        DataSource dataSource = dataSource(backend);
        execute(dataSource, seedDdl(backend).replace("\tUNIQUE (title)\n", "\tCHECK (title <> '')\n"),
                "CREATE UNIQUE INDEX book_title_unique ON book (title);\n");
        assertThat(SchemaMigrator.status(dataSource, backend).state()).isEqualTo(SchemaState.UNMANAGED_SEED);
    }

    // ------------------------------------------------------------------ rows inserted with explicit ids

    /**
     * Rows the Python app wrote with explicit ids of 0 or less ({@code Book(id=0, ...)}): both databases take
     * them, and the library, adopting them, could list such a row but not look it up, page past it or export the
     * catalog ({@code export} failed "book.id: must be a positive id" with no id given). The adoption (migrate, a
     * Library's open, baseline) is refused naming the table, the rows and the query that lists them; nothing is
     * changed, and once the ids are positive the adoption goes through.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void anAdoptionOfRowsWithIdsOfZeroOrLessIsRefusedUnchanged(Backend backend) throws Exception {
        DataSource dataSource = dataSource(backend);
        execute(dataSource, seedDdl(backend));
        insertPythonAppData(dataSource); // author 1, 2; book 1, 2; user 1; comment 1
        execute(dataSource, "INSERT INTO book (id, title) VALUES (0, 'Нулевая');\n"
                + "INSERT INTO book (id, title) VALUES (-5, 'Отрицательная');\n");

        for (Runnable adoption : List.<Runnable>of(
                () -> SchemaMigrator.migrate(dataSource, backend),
                () -> SchemaMigrator.baseline(dataSource, backend),
                () -> Library.open(dataSource).close())) {
            assertThatThrownBy(adoption::run).isInstanceOfSatisfying(InvalidInputException.class, e -> {
                assertThat(e.field()).isEqualTo("book.id");
                assertThat(e.getMessage()).startsWith("book.id: must be a positive id: 2 rows of table book in ")
                        .contains("the lowest -5", "SELECT * FROM \"book\" WHERE id <= 0", "nothing was changed");
            });
            assertThat(SchemaMigratorIT.hasHistory(dataSource, backend)).isFalse();
        }

        execute(dataSource, "UPDATE book SET id = 10 WHERE id = 0;\nUPDATE book SET id = 11 WHERE id = -5;\n");
        assertThat(SchemaMigrator.migrate(dataSource, backend).adopted()).isTrue();
        try (Library library = Library.open(dataSource, false)) {
            assertThat(library.books().findById(10).orElseThrow().title()).isEqualTo("Нулевая");
        }
    }

    /**
     * The Python app's PostgreSQL tables take their ids from SERIAL sequences, which rows inserted with explicit
     * ids (insertPythonAppData, as a copy from SQLite or a fixture script makes them) leave behind: without the
     * catch-up, every create after the adoption failed on an id a row already had. A sequence already ahead
     * stays where it is. SQLite has no sequences: nothing to repair, and the creates work the same.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void anAdoptionMovesTheIdSequencesPastRowsInsertedWithExplicitIds(Backend backend) throws Exception {
        DataSource dataSource = dataSource(backend);
        execute(dataSource, seedDdl(backend));
        insertPythonAppData(dataSource); // author 1, 2; book 1, 2; user 1; comment 1
        if (backend == Backend.POSTGRESQL) {
            execute(dataSource, "SELECT setval(pg_get_serial_sequence('comment', 'id'), 40);\n");
        }

        MigrationOutcome outcome = SchemaMigrator.migrate(dataSource, backend);

        assertThat(outcome.adopted()).isTrue();
        if (backend == Backend.SQLITE) {
            assertThat(outcome.repairs()).isEmpty();
        } else {
            assertThat(outcome.repairs()).containsExactly(
                    "moved the id sequence public.author_id_seq of table author from next value 1 to 3, past the "
                            + "largest id 2 (rows had been inserted with explicit ids)",
                    "moved the id sequence public.book_id_seq of table book from next value 1 to 3, past the "
                            + "largest id 2 (rows had been inserted with explicit ids)",
                    "moved the id sequence public.user_id_seq of table user from next value 1 to 2, past the "
                            + "largest id 1 (rows had been inserted with explicit ids)");
        }
        try (Library library = Library.open(dataSource, false)) {
            assertThat(library.books().create("New").id()).isEqualTo(3);
            assertThat(library.authors().create("New author").id()).isEqualTo(3);
            long user = library.users().create("bob").id();
            assertThat(user).isEqualTo(2);
            // the comment sequence was ahead (next 41) and is not moved back
            assertThat(library.comments().add(user, 1, "text").id()).isEqualTo(backend == Backend.SQLITE ? 2 : 41);
            assertThat(library.async().books().create("Async").join().id()).isEqualTo(4);
            assertThat(library.async().users().create("carl").join().id()).isEqualTo(3);
        }
        assertThat(SchemaMigrator.validate(dataSource, backend).problems()).isEmpty();
        assertThat(SchemaMigrator.migrate(dataSource, backend).repairs()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aBaselineMovesTheIdSequencesToo(Backend backend) throws Exception {
        DataSource dataSource = dataSource(backend);
        execute(dataSource, seedDdl(backend));
        insertPythonAppData(dataSource);

        MigrationOutcome outcome = SchemaMigrator.baseline(dataSource, backend);

        assertThat(outcome.adopted()).isTrue();
        assertThat(outcome.repairs()).hasSize(backend == Backend.SQLITE ? 0 : 4);
        // migrate finds a managed database and adopts nothing more: the baseline alone had to do it
        assertThat(SchemaMigrator.migrate(dataSource, backend).repairs()).isEmpty();
        try (Library library = Library.open(dataSource, false)) {
            assertThat(library.books().create("New").id()).isEqualTo(3);
        }
    }

    /**
     * After the adoption the Python app (a fixture script) inserts a row with an explicit id again: validate
     * named the repair, but migrate said "up to date" and left it, and every create in that table failed.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void migrateCatchesUpASequenceLeftBehindAfterTheAdoption(Backend backend) throws Exception {
        DataSource dataSource = dataSource(backend);
        execute(dataSource, seedDdl(backend));
        insertPythonAppData(dataSource); // author 1, 2
        assertThat(SchemaMigrator.migrate(dataSource, backend).adopted()).isTrue();
        execute(dataSource, "INSERT INTO author (id, name) VALUES (100, 'Александр Пушкин');\n");

        MigrationOutcome outcome = SchemaMigrator.migrate(dataSource, backend);

        assertThat(outcome.applied()).isEmpty();
        if (backend == Backend.SQLITE) {
            assertThat(outcome.repairs()).isEmpty();
        } else {
            assertThat(outcome.repairs()).containsExactly("moved the id sequence public.author_id_seq of table "
                    + "author from next value 3 to 101, past the largest id 100 (rows had been inserted with explicit "
                    + "ids)");
        }
        assertThat(SchemaMigrator.validate(dataSource, backend).problems()).isEmpty();
        try (Library library = Library.open(dataSource, false)) {
            assertThat(library.authors().create("Новый автор").id()).isEqualTo(101);
        }
        assertThat(SchemaMigrator.migrate(dataSource, backend).repairs()).isEmpty();
    }

    /**
     * The Python app (SQLAlchemy, an explicit {@code User(id=2147483647, …)}) gave a row the largest id an
     * INTEGER holds. The adoption moves the user sequence there, its own largest value, and said it had moved it
     * "to 2147483648, past the largest id", a value the sequence cannot give; every create of a user then failed
     * as a DatabaseUnavailableException ("retry later") that no retry cures. The report says the sequence has no
     * id left, and a create is a ConfigurationException saying why. SQLite's ids go on past it (64-bit rowids).
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void anAdoptionThatMovesASequenceToItsLargestValueSaysNoIdIsLeft(Backend backend) throws Exception {
        DataSource dataSource = dataSource(backend);
        execute(dataSource, seedDdl(backend));
        insertPythonAppData(dataSource); // user 1
        execute(dataSource, "INSERT INTO \"user\" (id, username) VALUES (2147483647, 'последний');\n");

        MigrationOutcome outcome = SchemaMigrator.migrate(dataSource, backend);

        assertThat(outcome.adopted()).isTrue();
        try (Library library = Library.open(dataSource, false)) {
            if (backend == Backend.SQLITE) {
                assertThat(outcome.repairs()).isEmpty();
                assertThat(library.users().create("bob").id()).isEqualTo(2147483648L);
                return;
            }
            assertThat(outcome.repairs()).contains("moved the id sequence public.user_id_seq of table user from next "
                    + "value 1 to its largest value 2147483647, the largest id (rows had been inserted with explicit "
                    + "ids): it has no id left, so creating a row in table user fails until the rows with the largest "
                    + "ids get smaller ones");
            assertThatThrownBy(() -> library.users().create("bob"))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("user_id_seq")
                    .hasMessageContaining("has no id left")
                    .hasMessageContaining("nothing was written");
            assertThat(library.users().count()).isEqualTo(2);
            // the other tables go on
            assertThat(library.books().create("Новая книга").id()).isEqualTo(3);
        }
    }

    // ---------------------------------------------------------------------------------- a failed migrate

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aMigrateThatFailsInV3LeavesTheDatabaseAsItWas(Backend backend) throws Exception {
        // the first statement of V3 on each backend
        String v3 = backend == Backend.SQLITE ? "CREATE VIRTUAL TABLE book_title_search" : "CREATE EXTENSION";

        DataSource empty = dataSource(backend);
        String emptyBefore = snapshot(empty, backend);
        assertThatThrownBy(() -> SchemaMigrator.migrate(failingAt(empty, v3), backend))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("injected failure");
        assertThat(snapshot(empty, backend)).isEqualTo(emptyBefore);
        assertThat(SchemaMigrator.status(empty, backend).state()).isEqualTo(SchemaState.EMPTY);

        assertThatThrownBy(() -> SchemaMigrator.migrate(failingAt(empty, v3), backend))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    // One message in the library's words: which version, the database's error, no Flyway CLI advice.
                    assertThat(e.getMessage()).startsWith("migration V3 (unicode search) of ")
                            .contains("failed: injected failure at " + v3)
                            .endsWith("; the database was left as it was")
                            .doesNotContain("-X", "repair", "Flyway", "flyway", "\n");
                    assertThat(e).hasRootCauseInstanceOf(SQLException.class);
                });
        DataSource python = dataSource(backend);
        execute(python, seedDdl(backend));
        insertPythonAppData(python);
        String pythonBefore = snapshot(python, backend);
        assertThatThrownBy(() -> SchemaMigrator.migrate(failingAt(python, v3), backend))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("injected failure");
        assertThat(snapshot(python, backend)).isEqualTo(pythonBefore);
        assertThat(SchemaMigrator.status(python, backend).state()).isEqualTo(SchemaState.UNMANAGED_SEED);

        DataSource managed = dataSource(backend);
        execute(managed, seedDdl(backend));
        SchemaMigrator.baseline(managed, backend);
        String managedBefore = snapshot(managed, backend);
        assertThatThrownBy(() -> SchemaMigrator.migrate(failingAt(managed, v3), backend))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("injected failure");
        assertThat(snapshot(managed, backend)).isEqualTo(managedBefore);

        for (DataSource dataSource : List.of(empty, python, managed)) {
            assertThat(SchemaMigrator.migrate(dataSource, backend).versionAfter()).isEqualTo("3");
            assertThat(SchemaMigrator.validate(dataSource, backend).valid()).isTrue();
        }
    }

    /** The database behind {@code dataSource}, whose connections fail every statement containing that text. */
    static DataSource failingAt(DataSource dataSource, String statementStart) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(method, dataSource, args);
                    return result instanceof Connection connection ? failing(connection, statementStart) : result;
                });
    }

    private static Connection failing(Connection connection, String statementStart) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("prepareStatement") && injected(args, statementStart)) {
                        throw new SQLException("injected failure at " + statementStart);
                    }
                    Object result = invoke(method, connection, args);
                    if (method.getName().equals("createStatement")) {
                        Statement statement = (Statement) result;
                        return Proxy.newProxyInstance(Statement.class.getClassLoader(), new Class<?>[] {Statement.class},
                                (p, m, a) -> {
                                    if (m.getName().startsWith("execute") && injected(a, statementStart)) {
                                        throw new SQLException("injected failure at " + statementStart);
                                    }
                                    return invoke(m, statement, a);
                                });
                    }
                    return result;
                });
    }

    private static boolean injected(Object[] args, String statementText) {
        return args != null && args.length > 0 && args[0] instanceof String sql && sql.contains(statementText);
    }

    private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
