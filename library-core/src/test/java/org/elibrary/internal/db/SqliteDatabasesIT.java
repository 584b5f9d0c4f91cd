package org.elibrary.internal.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.elibrary.Backend;
import org.elibrary.ConfigurationException;
import org.elibrary.DatabaseUnavailableException;
import org.elibrary.Library;
import org.elibrary.LibrarySettings;
import org.elibrary.LibrarySettings.SqliteSynchronous;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteDataSource;

class SqliteDatabasesIT {
    @TempDir
    Path dir;

    private static LibrarySettings.Builder settings(String url) {
        return LibrarySettings.builder().databaseUrl(url);
    }

    private static String pragma(Connection connection, String name) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("PRAGMA " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** A SQLite URL has no credentials: ':' and '@' in its path, as in a user info, open and show as given. */
    @Test
    void aPathWithColonsAndAtsOpensAndIsShownAsGiven() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("anna:x@corp").resolve("db@2"));
        for (String url : List.of("sqlite:///" + folder.resolve("a@b.db"), "jdbc:sqlite:" + folder.resolve("c@d.db"))) {
            LibrarySettings settings = settings(url).build();
            assertThat(settings.displayUrl()).isEqualTo(url);
            assertThat(settings.toString()).contains(url);
            try (Library library = Library.open(settings)) {
                assertThat(library.books().create("Kept").title()).isEqualTo("Kept");
            }
            assertThat(settings.sqliteFile().orElseThrow()).exists().hasParent(folder);
        }
    }

    @Test
    void everyConnectionHasThePragmasOfTheSettings() throws Exception {
        Path file = TestDatabases.newSqliteFile();
        LibrarySettings settings = settings("jdbc:sqlite:" + file).poolSize(3)
                .sqliteSynchronous(SqliteSynchronous.NORMAL).sqliteBusyTimeout(Duration.ofMillis(1234)).build();
        try (Database database = Databases.open(settings)) {
            assertThat(database.backend()).isEqualTo(Backend.SQLITE);
            assertThat(database.readConcurrency()).isEqualTo(3);
            assertThat(database.writer()).isNotSameAs(database.reader());
            List<Connection> readers = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    readers.add(database.reader().getConnection());
                }
                readers.add(database.writer().getConnection());
                for (Connection connection : readers) {
                    assertThat(pragma(connection, "foreign_keys")).isEqualTo("1");
                    assertThat(pragma(connection, "journal_mode")).isEqualTo("wal");
                    assertThat(busyWaitMillis(connection)).isEqualTo(1234);
                    assertThat(pragma(connection, "synchronous")).isEqualTo("1");
                }
                assertThat(transactionMode(readers.get(0))).isEqualTo(SQLiteConfig.TransactionMode.DEFERRED);
                assertThat(transactionMode(readers.get(3))).isEqualTo(SQLiteConfig.TransactionMode.IMMEDIATE);
            } finally {
                for (Connection connection : readers) {
                    connection.close();
                }
            }
        }
        assertThat(file).exists();
    }

    @Test
    void defaultSynchronousIsFull() throws Exception {
        try (Database database = Databases.open(settings(TestDatabases.newSqliteUrl()).build());
             Connection connection = database.writer().getConnection()) {
            assertThat(pragma(connection, "synchronous")).isEqualTo("2");
            assertThat(busyWaitMillis(connection)).isEqualTo(5000);
        }
    }

    @Test
    void generatedKeysAreOffOnEveryConnection() throws Exception {
        // set by property name (an older sqlite-jdbc has no setter): a misspelt name would leave them on
        try (Database database = Databases.open(settings(TestDatabases.newSqliteUrl()).build());
             Connection reader = database.reader().getConnection();
             Connection writer = database.writer().getConnection()) {
            assertThat(generatedKeys(reader)).isFalse();
            assertThat(generatedKeys(writer)).isFalse();
        }
    }

    /**
     * Whether sqlite-jdbc reads generated keys on this connection; looked up by name, so that the tests also
     * compile against the oldest sqlite-jdbc the library supports, which has no such switch.
     */
    private static boolean generatedKeys(Connection connection) throws Exception {
        Object config = connection.unwrap(SQLiteConnection.class).getConnectionConfig();
        Method getter = null;
        try {
            getter = config.getClass().getMethod("isGetGeneratedKeys");
        } catch (NoSuchMethodException e) {
            // sqlite-jdbc 3.46.1.0 and older: checked below
        }
        assumeTrue(getter != null, "this sqlite-jdbc has no switch for generated keys");
        return (Boolean) getter.invoke(config);
    }

    @ParameterizedTest
    @EnumSource(SqliteSynchronous.class)
    void everySynchronousLevelOpensAndIsOnEveryConnection(SqliteSynchronous level) throws Exception {
        // EXTRA once failed the open as an outage: sqlite-jdbc's own enum of the levels stops at FULL.
        LibrarySettings settings = settings(TestDatabases.newSqliteUrl()).sqliteSynchronous(level).build();
        try (Database database = Databases.open(settings);
             Connection reader = database.reader().getConnection();
             Connection writer = database.writer().getConnection()) {
            assertThat(pragma(reader, "synchronous")).isEqualTo(Integer.toString(level.ordinal()));
            assertThat(pragma(writer, "synchronous")).isEqualTo(Integer.toString(level.ordinal()));
        }
    }

    /** How long the connection waits for another's lock: the library's busy handler replaced the busy timeout. */
    private static long busyWaitMillis(Connection connection) throws Exception {
        assertThat(pragma(connection, "busy_timeout")).isEqualTo("0");
        return SqliteBusyWait.timeoutOn(connection.unwrap(SQLiteConnection.class));
    }

    @Test
    void theWriterIsOneConnection() throws Exception {
        LibrarySettings settings = settings(TestDatabases.newSqliteUrl()).connectionTimeout(Duration.ofMillis(300))
                .build();
        try (Database database = Databases.open(settings)) {
            try (Connection first = database.writer().getConnection()) {
                assertThat(first).isNotNull();
                long start = System.nanoTime();
                assertThatThrownBy(() -> database.writer().getConnection()).isInstanceOf(SQLException.class);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
            }
            try (Connection again = database.writer().getConnection()) {
                assertThat(again).isNotNull();
            }
        }
    }

    @Test
    void foreignKeysAreEnforcedOnTheMigratedSchema() throws Exception {
        try (Database database = Databases.open(settings(TestDatabases.newSqliteUrl()).build());
             Connection connection = database.writer().getConnection();
             Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.executeUpdate(
                    "INSERT INTO comment (text, user_id, book_id) VALUES ('x', 41, 42)"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("FOREIGN KEY");
        }
    }

    @Test
    void inMemoryIsOneDatabaseForTheWholeLibraryAndGoneAfterClose() throws Exception {
        LibrarySettings settings = settings("sqlite+aiosqlite:///:memory:").poolSize(2).build();
        try (Database database = Databases.open(settings)) {
            try (Connection writer = database.writer().getConnection(); Statement statement = writer.createStatement()) {
                statement.executeUpdate("INSERT INTO author (name) VALUES ('Толстой')");
            }
            try (Connection reader = database.reader().getConnection(); Statement statement = reader.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT name FROM author")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("Толстой");
                assertThat(pragma(reader, "foreign_keys")).isEqualTo("1");
            }
        }
        try (Database second = Databases.open(settings);
             Connection reader = second.reader().getConnection(); Statement statement = reader.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM author")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
    }

    @Test
    void twoInMemoryLibrariesAreSeparate() throws Exception {
        LibrarySettings settings = settings("sqlite://").build();
        try (Database a = Databases.open(settings); Database b = Databases.open(settings)) {
            try (Connection writer = a.writer().getConnection(); Statement statement = writer.createStatement()) {
                statement.executeUpdate("INSERT INTO book (title) VALUES ('only in a')");
            }
            try (Connection reader = b.reader().getConnection(); Statement statement = reader.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT count(*) FROM book")) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
        }
    }

    @Test
    void inMemoryWriterWaitsForTheBusyTimeoutInsteadOfFailingAtOnce() throws Exception {
        LibrarySettings settings = settings("sqlite://").sqliteBusyTimeout(Duration.ofSeconds(5)).build();
        try (Database database = Databases.open(settings);
             Connection reader = database.reader().getConnection();
             Connection writer = database.writer().getConnection()) {
            reader.setAutoCommit(false);
            try (Statement statement = reader.createStatement(); ResultSet rs = statement.executeQuery(
                    "SELECT count(*) FROM book")) {
                rs.next();
            }
            Thread release = new Thread(() -> {
                try {
                    TimeUnit.MILLISECONDS.sleep(300);
                    reader.commit();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            release.start();
            // A prepared statement: sqlite-jdbc's plain Statement.executeUpdate also counts rows written by
            // triggers (here the V3 search-index triggers).
            try (java.sql.PreparedStatement insert = writer.prepareStatement("INSERT INTO book (title) VALUES (?)")) {
                insert.setString(1, "waited");
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
            release.join();
        }
    }

    @Test
    void missingDirectoryIsAConfigurationErrorNamingThePath() {
        Path missing = dir.resolve("no-such-dir").resolve("library.db");
        assertThatThrownBy(() -> Databases.open(settings("sqlite:///" + missing).build()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(missing.getParent().toString())
                .hasMessageContaining("does not exist");
    }

    /** A caller's SQLite DataSource on a file in a missing directory fails {@code Library.open} as the settings do. */
    @Test
    void aBorrowedDataSourceInAMissingDirectoryIsAConfigurationError() {
        Path missing = dir.resolve("no-such-dir").resolve("library.db");
        SQLiteDataSource dataSource = new SQLiteDataSource();
        dataSource.setUrl("jdbc:sqlite:" + missing);
        for (boolean migrate : List.of(true, false)) {
            assertThatThrownBy(() -> Library.open(dataSource, migrate))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining(missing.getParent().toString())
                    .hasMessageContaining("does not exist");
        }
        assertThat(missing.getParent()).doesNotExist();
    }

    @Test
    void aDirectoryIsNotADatabaseFile() throws Exception {
        Path directory = Files.createDirectory(dir.resolve("library.db"));
        assertThatThrownBy(() -> Databases.open(settings("jdbc:sqlite:" + directory).build()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(directory.toString());
    }

    @Test
    void aFileThatIsNotSqliteIsAConfigurationError() throws Exception {
        Path file = dir.resolve("notes.db");
        Files.writeString(file, "this is not a database, just some text that is long enough to have a header......");
        assertThatThrownBy(() -> Databases.open(settings("jdbc:sqlite:" + file).build()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("not a SQLite database");
    }

    @Test
    void parentThatIsAFileIsAConfigurationError() throws Exception {
        Path plainFile = Files.writeString(dir.resolve("plain"), "x");
        assertThatThrownBy(() -> Databases.open(settings("jdbc:sqlite:" + plainFile.resolve("library.db")).build()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(plainFile.toString());
    }

    @Test
    void readOnlyFileIsReported() throws Exception {
        Path file = TestDatabases.newSqliteFile();
        Databases.open(settings("jdbc:sqlite:" + file).build()).close();
        assertThat(file.toFile().setWritable(false, false)).isTrue();
        try {
            org.junit.jupiter.api.Assumptions.assumeFalse(Files.isWritable(file),
                    "running as root: file permissions are not enforced, nothing to observe");
            assertThatThrownBy(() -> Databases.open(settings("jdbc:sqlite:" + file).build()))
                    .isInstanceOf(DatabaseUnavailableException.class)
                    .hasMessageContaining(file.toString());
        } finally {
            file.toFile().setWritable(true, false);
        }
    }

    /** A mistyped path must not leave a stray empty database behind, nor open one that fails at its first call. */
    @Test
    void withoutMigratingAFileThatDoesNotExistIsRefusedAndNotCreated() {
        Path file = dir.resolve("mistyped.db");
        for (String url : List.of("sqlite:///" + file, "jdbc:sqlite:" + file)) {
            assertThatThrownBy(() -> Library.open(settings(url).migrateOnOpen(false).build()))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("the SQLite database file " + file + " does not exist; with "
                            + "DATABASE_MIGRATE_ON_OPEN=false the library does not create it: run the migrations");
            assertThat(dir).isEmptyDirectory();
        }
    }

    /** Switched off, an empty database is not migrated: it is refused (RequiredSchemaIT), and left without tables. */
    @Test
    void noMigrationWhenSwitchedOff() throws Exception {
        Path file = TestDatabases.newSqliteFile();
        Files.createFile(file); // SQLite takes an empty file for an empty database
        assertThatThrownBy(() -> Databases.open(settings("jdbc:sqlite:" + file).migrateOnOpen(false).build()))
                .isInstanceOf(ConfigurationException.class);
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM sqlite_master WHERE type = 'table'")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
    }

    @Test
    void borrowedSqliteDataSourceIsMigratedAndLeftOpen() throws Exception {
        SQLiteConfig config = new SQLiteConfig();
        config.enforceForeignKeys(true);
        org.sqlite.SQLiteDataSource dataSource = new org.sqlite.SQLiteDataSource(config);
        dataSource.setUrl(TestDatabases.newSqliteUrl());
        try (Connection kept = dataSource.getConnection()) {
            Database database = Databases.borrow(dataSource, Backend.SQLITE, true, false, LibrarySettings.DEFAULT_STATEMENT_TIMEOUT, 2);
            assertThat(database.writer()).isSameAs(dataSource);
            assertThat(database.readConcurrency()).isEqualTo(2);
            database.close();
            assertThat(kept.isClosed()).isFalse();
            try (Statement statement = kept.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT count(*) FROM flyway_schema_history")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(3);
            }
        }
        assertThatThrownBy(() -> Databases.borrow(dataSource, Backend.SQLITE, false, false, LibrarySettings.DEFAULT_STATEMENT_TIMEOUT, 0))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("concurrency");
    }

    private static SQLiteConfig.TransactionMode transactionMode(Connection connection) throws SQLException {
        return connection.unwrap(SQLiteConnection.class).getConnectionConfig().getTransactionMode();
    }
}
