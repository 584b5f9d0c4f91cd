package org.elibrary.internal.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.elibrary.Backend;
import org.elibrary.ConfigurationException;
import org.elibrary.ForeignKeyViolationException;
import org.elibrary.LibraryException;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sqlite.SQLiteDataSource;

class SchemaMigratorIT {

    static DataSource dataSource(Backend backend) {
        String url = TestDatabases.newDatabaseUrl(backend);
        return dataSource(backend, url);
    }

    static DataSource dataSource(Backend backend, String url) {
        return TestDatabases.dataSource(backend, url);
    }

    /** The DDL the Python app emits (V1 is byte for byte the seed DDL; library-migrations tests that). */
    static String seedDdl(Backend backend) throws IOException {
        String resource = SchemaMigrator.scripts(backend) + "/V1__seed_schema.sql";
        try (InputStream in = SchemaMigratorIT.class.getClassLoader().getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static void execute(DataSource dataSource, String... statements) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                for (String part : sql.split(";\\s*\\n")) {
                    String trimmed = part.replaceAll("(?m)^--.*$", "").strip();
                    if (!trimmed.isEmpty()) {
                        statement.execute(trimmed);
                    }
                }
            }
        }
    }

    static long count(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static List<String> strings(DataSource dataSource, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    static boolean hasHistory(DataSource dataSource, Backend backend) throws SQLException {
        String sql = backend == Backend.SQLITE
                ? "SELECT count(*) FROM sqlite_master WHERE name = 'flyway_schema_history'"
                : "SELECT count(*) FROM information_schema.tables WHERE table_name = 'flyway_schema_history'";
        return count(dataSource, sql) > 0;
    }

    static void insertPythonAppData(DataSource dataSource) throws SQLException {
        execute(dataSource,
                "INSERT INTO author (id, name) VALUES (1, 'Лев Толстой');\n",
                "INSERT INTO author (id, name) VALUES (2, 'Jane Austen');\n",
                "INSERT INTO book (id, title) VALUES (1, 'Война и мир');\n",
                "INSERT INTO book (id, title) VALUES (2, 'Emma');\n",
                "INSERT INTO \"user\" (id, username) VALUES (1, 'anna');\n",
                "INSERT INTO author_book (author_id, book_id) VALUES (1, 1);\n",
                "INSERT INTO author_book (author_id, book_id) VALUES (2, 2);\n",
                "INSERT INTO comment (id, text, user_id, book_id) VALUES (1, 'Великая книга', 1, 1);\n");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void emptyDatabaseIsMigratedFromScratchAndThenLeftAlone(Backend backend) throws Exception {
        DataSource dataSource = dataSource(backend);
        SchemaStatus before = SchemaMigrator.status(dataSource, backend);
        assertThat(before.state()).isEqualTo(SchemaState.EMPTY);
        assertThat(before.pending()).extracting(MigrationStep::version).containsExactly("1", "2", "3");
        assertThat(before.latestVersion()).isEqualTo("3");

        MigrationOutcome first = SchemaMigrator.migrate(dataSource, backend);
        assertThat(first.stateBefore()).isEqualTo(SchemaState.EMPTY);
        assertThat(first.applied()).extracting(MigrationStep::version).containsExactly("1", "2", "3");
        assertThat(first.versionAfter()).isEqualTo("3");
        assertThat(first.adopted()).isFalse();

        MigrationOutcome second = SchemaMigrator.migrate(dataSource, backend);
        assertThat(second.stateBefore()).isEqualTo(SchemaState.MANAGED);
        assertThat(second.versionBefore()).contains("3");
        assertThat(second.applied()).isEmpty();

        SchemaStatus after = SchemaMigrator.status(dataSource, backend);
        assertThat(after.upToDate()).isTrue();
        assertThat(after.currentVersion()).contains("3");
        assertThat(after.adopted()).isFalse();
        assertThat(after.applied()).extracting(MigrationStep::version).containsExactly("1", "2", "3");
        assertThat(SchemaMigrator.validate(dataSource, backend).valid()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void pythonAppDatabaseIsAdoptedWithItsDataUntouched(Backend backend) throws Exception {
        DataSource dataSource = dataSource(backend);
        execute(dataSource, seedDdl(backend));
        insertPythonAppData(dataSource);
        String snapshot = String.join("|", strings(dataSource,
                "SELECT c.id || ':' || c.text || ':' || u.username || ':' || b.title FROM comment c "
                        + "JOIN \"user\" u ON u.id = c.user_id JOIN book b ON b.id = c.book_id"));

        SchemaStatus before = SchemaMigrator.status(dataSource, backend);
        assertThat(before.state()).isEqualTo(SchemaState.UNMANAGED_SEED);
        assertThat(before.pending()).extracting(MigrationStep::version).containsExactly("2", "3");
        assertThat(SchemaMigrator.validate(dataSource, backend).valid()).isFalse();

        MigrationOutcome outcome = SchemaMigrator.migrate(dataSource, backend);
        assertThat(outcome.adopted()).isTrue();
        assertThat(outcome.stateBefore()).isEqualTo(SchemaState.UNMANAGED_SEED);
        assertThat(outcome.applied()).extracting(MigrationStep::version).containsExactly("2", "3");
        assertThat(outcome.versionAfter()).isEqualTo("3");

        assertThat(count(dataSource, "SELECT count(*) FROM author")).isEqualTo(2);
        assertThat(count(dataSource, "SELECT count(*) FROM author_book")).isEqualTo(2);
        assertThat(String.join("|", strings(dataSource,
                "SELECT c.id || ':' || c.text || ':' || u.username || ':' || b.title FROM comment c "
                        + "JOIN \"user\" u ON u.id = c.user_id JOIN book b ON b.id = c.book_id"))).isEqualTo(snapshot);

        SchemaStatus after = SchemaMigrator.status(dataSource, backend);
        assertThat(after.adopted()).isTrue();
        assertThat(after.upToDate()).isTrue();
        assertThat(after.applied()).extracting(MigrationStep::version).containsExactly("1", "2", "3");
        assertThat(SchemaMigrator.validate(dataSource, backend).valid()).isTrue();

        if (backend == Backend.SQLITE) {
            // V3's search index was built over the rows the Python app wrote.
            assertThat(count(dataSource, "SELECT count(*) FROM book_title_search WHERE book_title_search MATCH '\"ВОЙНА\"'"))
                    .isEqualTo(1);
        } else {
            // The Python app's SERIAL sequences continue where its rows end only if it used them; ours untouched.
            assertThat(count(dataSource, "SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_comment_user_id'"))
                    .isEqualTo(1);
        }
    }

    @Test
    void sqliteAdoptionRefusesRowsThatBreakForeignKeysAndChangesNothing() throws Exception {
        DataSource dataSource = dataSource(Backend.SQLITE); // foreign keys not enforced: as the Python app ran
        execute(dataSource, seedDdl(Backend.SQLITE));
        insertPythonAppData(dataSource);
        execute(dataSource,
                "INSERT INTO comment (id, text, user_id, book_id) VALUES (2, 'orphan', 99, 1);\n",
                "INSERT INTO comment (id, text, user_id, book_id) VALUES (3, 'orphan', 98, 1);\n",
                "INSERT INTO author_book (author_id, book_id) VALUES (1, 77);\n");

        assertThatThrownBy(() -> SchemaMigrator.migrate(dataSource, Backend.SQLITE))
                .isInstanceOfSatisfying(ForeignKeyViolationException.class, e -> {
                    assertThat(e.violations()).containsOnly(
                            Map.entry("author_book.book_id -> book", 1L),
                            Map.entry("comment.user_id -> user", 2L));
                    assertThat(e.rowsByTable()).containsOnly(Map.entry("author_book", 1L), Map.entry("comment", 2L));
                    assertThat(e.getMessage()).contains("comment: 2 rows with user_id referencing a missing user")
                            .contains("author_book: 1 row with book_id referencing a missing book");
                    assertOffendingRowsQueries(dataSource, e);
                });
        assertThat(hasHistory(dataSource, Backend.SQLITE)).isFalse();
        assertThat(count(dataSource, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name LIKE 'ix_%'"))
                .isZero();
        assertThatThrownBy(() -> SchemaMigrator.baseline(dataSource, Backend.SQLITE))
                .isInstanceOf(ForeignKeyViolationException.class);
        assertThat(hasHistory(dataSource, Backend.SQLITE)).isFalse();
    }

    @Test
    void postgresAdoptionAlsoChecksForeignKeys() throws Exception {
        DataSource dataSource = dataSource(Backend.POSTGRESQL);
        execute(dataSource, seedDdl(Backend.POSTGRESQL));
        insertPythonAppData(dataSource);
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            // Only possible with constraint triggers off (superuser): what a careless restore can leave behind.
            statement.execute("SET session_replication_role = replica");
            statement.execute("INSERT INTO comment (id, text, user_id, book_id) VALUES (5, 'orphan', 1, 404)");
        }
        assertThatThrownBy(() -> SchemaMigrator.migrate(dataSource, Backend.POSTGRESQL))
                .isInstanceOfSatisfying(ForeignKeyViolationException.class, e -> {
                    assertThat(e.violations()).containsOnly(Map.entry("comment.book_id -> book", 1L));
                    assertOffendingRowsQueries(dataSource, e);
                });
        assertThat(hasHistory(dataSource, Backend.POSTGRESQL)).isFalse();
    }

    /** The queries the message gives find exactly the rows it counts. */
    private static void assertOffendingRowsQueries(DataSource dataSource, ForeignKeyViolationException e) {
        String queries = e.getMessage().substring(e.getMessage().indexOf("; they are ") + "; they are ".length());
        List<String> each = List.of(queries.split("; "));
        assertThat(each).hasSameSizeAs(e.violations().keySet());
        int i = 0;
        for (long rows : e.violations().values()) {
            try {
                assertThat(count(dataSource, "SELECT count(*) FROM (" + each.get(i++) + ") AS offending"))
                        .isEqualTo(rows);
            } catch (SQLException failure) {
                throw new AssertionError(failure);
            }
        }
    }

    @Test
    void postgresFindsPgTrgmInASchemaOffTheSearchPath() throws Exception {
        String url = TestDatabases.newPostgresUrl();
        DataSource dataSource = dataSource(Backend.POSTGRESQL, url);
        // pg_trgm where an administrator may put it, and the Python app's tables in public, adopted there
        execute(dataSource, "CREATE SCHEMA extensions", "CREATE EXTENSION pg_trgm SCHEMA extensions",
                seedDdl(Backend.POSTGRESQL));
        insertPythonAppData(dataSource);
        SchemaMigrator.migrate(dataSource, Backend.POSTGRESQL);
        assertThat(trigramIndexes(dataSource, "public")).isEqualTo(2);
        // and two more schemas of the library's in the same database, created beforehand (the library
        // refuses a schema that does not exist: see PostgresServerDefaultsIT)
        String separator = url.contains("?") ? "&" : "?";
        for (String schema : List.of("first", "second")) {
            execute(dataSource, "CREATE SCHEMA " + schema);
            DataSource inSchema = dataSource(Backend.POSTGRESQL, url + separator + "currentSchema=" + schema);
            SchemaMigrator.migrate(inSchema, Backend.POSTGRESQL);
            assertThat(trigramIndexes(inSchema, schema)).as("trigram indexes in %s", schema).isEqualTo(2);
        }
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM pg_class c JOIN pg_namespace n "
                     + "ON n.oid = c.relnamespace WHERE n.nspname = 'extensions'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).as("the library's objects in the extension's schema").isZero();
        }
    }

    @Test
    void postgresNamesTheGrantWhenPgTrgmLivesInASchemaTheUserMayNotUse() throws Exception {
        String url = TestDatabases.newPostgresUrl();
        assumeTrue(url.contains("user=postgres"), "the embedded server's URL, whose user this test swaps");
        String role = "app_" + ProcessHandle.current().pid();
        DataSource admin = dataSource(Backend.POSTGRESQL, url);
        execute(admin, "CREATE ROLE " + role + " LOGIN", "GRANT CREATE ON SCHEMA public TO " + role,
                "CREATE SCHEMA extensions", "CREATE EXTENSION pg_trgm SCHEMA extensions");
        DataSource asApp = dataSource(Backend.POSTGRESQL, url.replace("user=postgres", "user=" + role));
        assertThatThrownBy(() -> SchemaMigrator.migrate(asApp, Backend.POSTGRESQL))
                .isInstanceOf(LibraryException.class)
                .hasMessageContaining("GRANT USAGE ON SCHEMA extensions TO " + role);
        assertThat(hasHistory(asApp, Backend.POSTGRESQL)).isFalse();
        execute(admin, "GRANT USAGE ON SCHEMA extensions TO " + role);
        SchemaMigrator.migrate(asApp, Backend.POSTGRESQL);
        assertThat(trigramIndexes(asApp, "public")).isEqualTo(2);
    }

    private static int trigramIndexes(DataSource dataSource, String schema) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM pg_indexes WHERE schemaname = '" + schema
                     + "' AND indexname LIKE 'ix_%_lower_trgm'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void foreignSchemasAreRefusedAndLeftUnchanged(Backend backend) throws Exception {
        String[][] schemas = {
                {"CREATE TABLE orders (id INTEGER PRIMARY KEY, total INTEGER);\n"},
                {"CREATE TABLE book (id INTEGER PRIMARY KEY, title VARCHAR(150));\n"},
                {"CREATE TABLE author (id INTEGER PRIMARY KEY, name VARCHAR(100));\n",
                 "CREATE TABLE book (id INTEGER PRIMARY KEY, title VARCHAR(150), isbn VARCHAR(13));\n",
                 "CREATE TABLE \"user\" (id INTEGER PRIMARY KEY, username VARCHAR(50));\n",
                 "CREATE TABLE author_book (author_id INTEGER, book_id INTEGER);\n",
                 "CREATE TABLE comment (id INTEGER PRIMARY KEY, text VARCHAR(300), user_id INTEGER, book_id INTEGER);\n"},
        };
        for (String[] schema : schemas) {
            DataSource dataSource = dataSource(backend);
            execute(dataSource, schema);
            String tablesBefore = String.join(",", tableNames(dataSource, backend));
            assertThat(SchemaMigrator.status(dataSource, backend).state()).isEqualTo(SchemaState.FOREIGN);
            assertThatThrownBy(() -> SchemaMigrator.migrate(dataSource, backend))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("not the library's")
                    .hasMessageContaining("left unchanged");
            assertThatThrownBy(() -> SchemaMigrator.baseline(dataSource, backend))
                    .isInstanceOf(ConfigurationException.class);
            assertThat(String.join(",", tableNames(dataSource, backend))).isEqualTo(tablesBefore);
            assertThat(SchemaMigrator.validate(dataSource, backend).valid()).isFalse();
            if (schema.length == 5) {
                // both sides sorted, so that the extra column shows (they came as [id, title, isbn] and [title, id])
                assertThatThrownBy(() -> SchemaMigrator.migrate(dataSource, backend)).hasMessageContaining(
                        "its table book has columns [id, isbn, title] where the library expects [id, title]");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void baselineAdoptsWithoutMigratingAndRefusesAnEmptyDatabase(Backend backend) throws Exception {
        DataSource empty = dataSource(backend);
        assertThatThrownBy(() -> SchemaMigrator.baseline(empty, backend))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("empty");
        assertThat(hasHistory(empty, backend)).isFalse();

        DataSource seed = dataSource(backend);
        execute(seed, seedDdl(backend));
        MigrationOutcome outcome = SchemaMigrator.baseline(seed, backend);
        assertThat(outcome.adopted()).isTrue();
        assertThat(outcome.versionAfter()).isEqualTo("1");
        SchemaStatus status = SchemaMigrator.status(seed, backend);
        assertThat(status.state()).isEqualTo(SchemaState.MANAGED);
        assertThat(status.currentVersion()).contains("1");
        assertThat(status.adopted()).isTrue();
        assertThat(status.pending()).extracting(MigrationStep::version).containsExactly("2", "3");
        assertThat(SchemaMigrator.validate(seed, backend).valid()).isFalse();

        MigrationOutcome again = SchemaMigrator.baseline(seed, backend);
        assertThat(again.adopted()).isFalse();
        assertThat(again.applied()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aChangedMigrationIsReportedByValidateAndStopsMigrate(Backend backend) throws Exception {
        DataSource dataSource = dataSource(backend);
        SchemaMigrator.migrate(dataSource, backend);
        execute(dataSource, "UPDATE flyway_schema_history SET checksum = 12345 WHERE version = '2';\n");
        ValidationOutcome outcome = SchemaMigrator.validate(dataSource, backend);
        assertThat(outcome.valid()).isFalse();
        assertThat(outcome.problems()).anySatisfy(problem -> assertThat(problem).contains("2"));
        assertThatThrownBy(() -> SchemaMigrator.migrate(dataSource, backend))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("does not match")
                .hasMessageContaining("V2 foreign key indexes: ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("repair", "-X", "\n"));
    }

    @Test
    void concurrentPostgresMigratorsEndWithOneSchema() throws Exception {
        String url = TestDatabases.newPostgresUrl();
        int migrators = 4;
        ExecutorService pool = Executors.newFixedThreadPool(migrators);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<MigrationOutcome>> results = new ArrayList<>();
            for (int i = 0; i < migrators; i++) {
                DataSource own = dataSource(Backend.POSTGRESQL, url);
                Callable<MigrationOutcome> task = () -> {
                    start.await();
                    return SchemaMigrator.migrate(own, Backend.POSTGRESQL);
                };
                results.add(pool.submit(task));
            }
            start.countDown();
            int applied = 0;
            for (Future<MigrationOutcome> result : results) {
                MigrationOutcome outcome = result.get(60, TimeUnit.SECONDS);
                assertThat(outcome.versionAfter()).isEqualTo("3");
                applied += outcome.applied().size();
            }
            assertThat(applied).isEqualTo(3);
        } finally {
            pool.shutdownNow();
        }
        DataSource check = dataSource(Backend.POSTGRESQL, url);
        assertThat(strings(check, "SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank"))
                .containsExactly("1", "2", "3");
    }

    @Test
    void concurrentPostgresAdoptersBaselineOnce() throws Exception {
        String url = TestDatabases.newPostgresUrl();
        execute(dataSource(Backend.POSTGRESQL, url), seedDdl(Backend.POSTGRESQL));
        int migrators = 3;
        ExecutorService pool = Executors.newFixedThreadPool(migrators);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<MigrationOutcome>> results = new ArrayList<>();
            for (int i = 0; i < migrators; i++) {
                DataSource own = dataSource(Backend.POSTGRESQL, url);
                results.add(pool.submit(() -> {
                    start.await();
                    return SchemaMigrator.migrate(own, Backend.POSTGRESQL);
                }));
            }
            start.countDown();
            int adopted = 0;
            for (Future<MigrationOutcome> result : results) {
                adopted += result.get(60, TimeUnit.SECONDS).adopted() ? 1 : 0;
            }
            assertThat(adopted).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(strings(dataSource(Backend.POSTGRESQL, url),
                "SELECT version FROM flyway_schema_history ORDER BY installed_rank")).containsExactly("1", "2", "3");
    }

    static List<String> tableNames(DataSource dataSource, Backend backend) throws SQLException {
        return strings(dataSource, backend == Backend.SQLITE
                ? "SELECT name FROM sqlite_master ORDER BY name"
                : "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1");
    }

    @Test
    void upToDateOnlyWhenNothingIsPending() {
        SQLiteDataSource dataSource = new SQLiteDataSource();
        dataSource.setUrl(TestDatabases.newSqliteUrl());
        assertThat(SchemaMigrator.isUpToDate(dataSource, Backend.SQLITE, null)).isFalse();
        org.flywaydb.core.Flyway.configure().dataSource(dataSource)
                .locations("classpath:" + SchemaMigrator.scripts(Backend.SQLITE))
                .target("1").load().migrate();
        assertThat(SchemaMigrator.isUpToDate(dataSource, Backend.SQLITE, null)).isFalse();

        SchemaMigrator.migrate(dataSource, Backend.SQLITE);

        assertThat(SchemaMigrator.isUpToDate(dataSource, Backend.SQLITE, null)).isTrue();
    }
}
