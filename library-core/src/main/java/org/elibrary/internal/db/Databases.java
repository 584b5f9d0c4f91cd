package org.elibrary.internal.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import java.util.function.IntPredicate;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.elibrary.Backend;
import org.elibrary.ConfigurationException;
import org.elibrary.DatabaseUnavailableException;
import org.elibrary.LibraryException;
import org.elibrary.LibrarySettings;
import org.elibrary.internal.config.DatabaseUrl;
import org.elibrary.internal.config.SettingsAccess;
import org.elibrary.internal.schema.RequiredSchema;
import org.elibrary.internal.schema.SchemaMigrator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteDataSource;

/**
 * Opens the connections a Library works with.
 *
 * <h2>SQLite</h2>
 * Every connection is configured through sqlite-jdbc's {@link SQLiteConfig} (not pool init SQL, which is
 * reported to apply only the first of several pragmas): foreign keys on, WAL, the busy timeout and the
 * synchronous level of the settings. The pool connections wait for another connection's lock with a busy
 * handler ({@link SqliteBusyWait}: the busy timeout's total, cut short by an asynchronous call's timeout)
 * instead of the busy timeout itself. The pragmas (and that handler) are checked on a new connection of each
 * pool at open, and opening fails if one is not in force. Writes go through {@link Database#writer()}, a pool
 * of exactly one connection whose transactions begin IMMEDIATE (taking the write lock at BEGIN, so a transaction never
 * fails half-way with an unwaitable SQLITE_BUSY upgrading a read lock); {@link Database#reader()} is a pool
 * of {@link LibrarySettings#poolSize()} connections with DEFERRED transactions that read in parallel
 * under WAL.
 *
 * <p>In memory ({@code sqlite://}, {@code :memory:}) the database is a private {@code memdb} VFS database
 * ({@code file:/elibrary-<uuid>?vfs=memdb}) shared by all connections of this one Library and kept alive by
 * one held connection until close. Unlike a shared-cache database, memdb uses SQLite's ordinary file
 * locking, so a conflicting connection waits out the busy timeout instead of failing at once with
 * SQLITE_LOCKED. memdb has no WAL, so a write waits while a read transaction is open.
 *
 * <p>When {@link LibrarySettings#migrateOnOpen()} is set, the schema is migrated from one connection before
 * the pools open, under an exclusive lock on {@code <file>.migrate-lock} so that several processes opening
 * one new file at once migrate it one after the other; an opener waits for another's migration as long as
 * it takes, up to {@link MigrationLock#MAX_WAIT}. Migration and inspection connections leave the journal mode
 * as the file has it; a Library's open switches a file to WAL once, under the same lock, before its pools
 * open. Whether anything needs migrating is first asked on a read-only connection (a read-write one when a
 * process killed while writing left a journal to roll back): a database that is up to date, or is refused,
 * is not written to, and no lock file is created for it.
 *
 * <p>Read-only ({@link LibrarySettings#readOnly()}): no writer, no migration, no switch to WAL; one pool of
 * read-only connections ({@code SQLITE_OPEN_READONLY}) serves reads and the caller's transactions, and the schema
 * version is checked by reading. The file must exist, and need not be writable; a file in WAL mode needs its
 * {@code -wal} and {@code -shm} beside it or a folder where SQLite may create them, as any reader does.
 *
 * <h2>PostgreSQL</h2>
 * One HikariCP pool serves both reads and writes, with pgjdbc's {@code reWriteBatchedInserts=true}, its
 * transactions READ COMMITTED whatever the server's default. The schema is migrated first through a plain
 * driver connection, under SchemaMigrator's advisory lock (which serialises concurrent migrators), held on a
 * second one. A database whose encoding is not UTF8 is refused before anything is written. Opening fails fast:
 * one connection attempt, bounded by the connect timeout. Read-only: no migration, the pool's connections
 * read-only on the server (the startup option {@code -c default_transaction_read_only=on}, so that statements
 * in autocommit run read-only too, and no {@code SET} stays on a transaction pooler's server connection), and
 * the schema version checked by reading; a hot standby opens.
 *
 * <h2>Errors</h2>
 * A missing directory, a path that is a directory or a file that is not a SQLite database, a wrong password,
 * an unknown role or database: {@link ConfigurationException} (retrying cannot help). A server that is down
 * or unreachable, or a file that cannot be opened: {@link org.elibrary.DatabaseUnavailableException}.
 */
public final class Databases {
    private static final Logger LOG = LoggerFactory.getLogger(Databases.class);

    /** How sqlite-jdbc refuses {@code setReadOnly} on an open connection. */
    private static final String SQLITE_READ_ONLY_FLAG_REFUSED = "Cannot change read-only flag after establishing";
    /** pgjdbc's connect timeout cap: an unreachable server must not block opening for long. */
    static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** pgjdbc's bound on sending one cancel request (its default is 10 s); seconds, as pgjdbc takes it. */
    static final Duration CANCEL_SIGNAL_TIMEOUT = Duration.ofSeconds(2);
    /** The startup option of a read-only open's PostgreSQL connections. */
    static final String READ_ONLY_OPTION = "-c default_transaction_read_only=on";

    private Databases() {
    }

    /** Opens pools owned by the returned Database (closed with it), migrating first when the settings say so. */
    public static Database open(LibrarySettings settings) {
        DatabaseUrl url = SettingsAccess.databaseUrl(settings);
        return settings.backend() == Backend.SQLITE ? openSqlite(settings, url) : openPostgres(settings, url);
    }

    /**
     * Wraps a caller's DataSource (never closed by the library), migrating first when asked; else checking
     * the schema version as an open by settings that does not migrate ({@link RequiredSchema}). {@code readOnly}:
     * never migrating (whatever {@code migrate} says), the schema version checked as a read-only open by settings
     * checks it, and every write call refused before it takes a connection. The caller's connections are used as
     * they come: what the library changes on one for a call (a SQLite transaction's mode, an async call's busy
     * wait) it puts back. {@code statementTimeout} bounds a PostgreSQL migration's wait for the migration lock
     * ({@link SchemaMigrator#migrate(DataSource, Backend, String, Duration)}).
     */
    public static Database borrow(DataSource dataSource, Backend backend, boolean migrate, boolean readOnly,
                                  Duration statementTimeout, int concurrency) {
        refuseTransactionAware(dataSource);
        if (concurrency < 1) {
            throw new ConfigurationException("concurrency must be at least 1, was " + concurrency);
        }
        if (readOnly) {
            RequiredSchema.checkBorrowedReadOnly(dataSource, backend);
        } else if (migrate) {
            SchemaMigrator.migrate(dataSource, backend, null, statementTimeout);
        } else {
            RequiredSchema.checkBorrowed(dataSource, backend); // on PostgreSQL the encoding too, as migrate does
        }
        return Database.borrow(dataSource, backend, concurrency, readOnly,
                backend == Backend.POSTGRESQL && stricterThanReadCommitted(dataSource));
    }

    /**
     * Whether a caller's PostgreSQL connections begin transactions stricter than READ COMMITTED (the pool's
     * {@code transactionIsolation}, a database's or role's {@code default_transaction_isolation}): asked once, of
     * one connection, as the pool's connections share their settings. The library's calls (find-or-create, the
     * delete's lock-and-retry) are written for READ COMMITTED; under REPEATABLE READ or SERIALIZABLE concurrent ones
     * failed with serialization conflicts (measured: 48 of 240 units from 8 threads, 125 of 240 under
     * SERIALIZABLE). Each transaction of the library then sets READ COMMITTED for itself, which leaves the
     * connection's default, and so the application's own transactions, as they were; at READ COMMITTED nothing is
     * sent.
     */
    private static boolean stricterThanReadCommitted(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            return connection.getTransactionIsolation() > Connection.TRANSACTION_READ_COMMITTED;
        } catch (SQLException e) {
            throw borrowFailed(dataSource, e);
        }
    }

    /**
     * Refuses a {@code DataSource} that hands out the connection of the caller's framework transaction
     * (Spring's {@code TransactionAwareDataSourceProxy}, found by class name: Spring need not be on the
     * classpath). The library begins, commits and rolls back transactions of its own on the connections it
     * gets, and on such a connection it would end the framework's transaction: commit what the framework
     * means to roll back, and leave its connection in autocommit.
     *
     * @throws ConfigurationException if {@code dataSource} is such a proxy
     */
    public static void refuseTransactionAware(DataSource dataSource) {
        for (Class<?> type = dataSource.getClass(); type != null; type = type.getSuperclass()) {
            if (type.getName().equals("org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy")) {
                throw new ConfigurationException("the DataSource is a " + type.getSimpleName() + ", which hands out "
                        + "the connection of a Spring transaction: the library runs transactions of its own and "
                        + "would commit or end Spring's; pass the DataSource it wraps (getTargetDataSource())");
            }
        }
    }

    /**
     * The database product behind a caller's {@code DataSource}, from its connection's
     * {@link java.sql.DatabaseMetaData#getDatabaseProductName()}: one connection, opened and closed.
     *
     * @throws ConfigurationException if the product is neither SQLite nor PostgreSQL, or as
     *                                {@link #borrowFailed} when no connection comes
     */
    public static Backend detectBackend(DataSource dataSource) {
        String product;
        try (Connection connection = dataSource.getConnection()) {
            product = connection.getMetaData().getDatabaseProductName();
        } catch (SQLException e) {
            throw borrowFailed(dataSource, e);
        }
        String normalized = product == null ? "" : product.toLowerCase(Locale.ROOT);
        if (normalized.contains("sqlite")) {
            return Backend.SQLITE;
        }
        if (normalized.contains("postgres")) {
            return Backend.POSTGRESQL;
        }
        throw new ConfigurationException("unsupported database product: " + product
                + " (supported: SQLite, PostgreSQL)");
    }

    /**
     * The failure of a caller's {@code DataSource} to give the first connection, as the same database named by
     * settings fails {@link #open}: a wrong password, an unknown role or database, a SQLite file in a directory
     * that does not exist (when the data source's URL can be read: sqlite-jdbc's own, or a HikariCP pool's
     * JDBC URL) are {@link ConfigurationException}; an outage is
     * {@link org.elibrary.DatabaseUnavailableException}.
     */
    public static LibraryException borrowFailed(DataSource dataSource, SQLException failure) {
        if (readOnlyFlagRefused(failure)) {
            // a pool that sets its connections read-only after opening them (HikariCP's readOnly, Spring Boot's
            // spring.datasource.hikari.read-only), which sqlite-jdbc refuses: no connection ever comes
            return new ConfigurationException("opening the database of the given DataSource failed: the pool sets "
                    + "its connections read-only once they are open (HikariCP's readOnly, "
                    + "spring.datasource.hikari.read-only), which sqlite-jdbc refuses. Leave the pool's read-only "
                    + "off and open the library read-only (Library.builder(dataSource).readOnly(true)), or open the "
                    + "file read-only in its URL (jdbc:sqlite:file:library.db?mode=ro)", failure);
        }
        int code = SqliteCodes.of(failure);
        if (code < 0 || SqliteCodes.primary(code) == SqliteCodes.CANTOPEN) {
            // sqlite-jdbc says only "unable to open" (3.49.1.0 and older "path to ... does not exist", with no SQLite
            // code): the directory check that open(settings) makes first. Not a SQLite URL: nothing to check.
            DatabaseUrl url = sqliteUrl(dataSource);
            if (url != null && url.sqliteFile().isPresent()) {
                checkSqliteLocation(url.sqliteFile().get(), url.displayUrl(), false, "", true);
            }
        }
        return ConnectionErrors.translate("opening the database of", "the given DataSource", failure, null, true);
    }

    private static boolean readOnlyFlagRefused(Throwable failure) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).startsWith(SQLITE_READ_ONLY_FLAG_REFUSED)) {
                return true;
            }
        }
        return false;
    }

    /** The SQLite URL a caller's data source opens, when it can be read and the library would take it; else null. */
    private static DatabaseUrl sqliteUrl(DataSource dataSource) {
        try {
            String jdbcUrl = dataSource instanceof HikariDataSource hikari ? hikari.getJdbcUrl()
                    : Drivers.SQLITE && dataSource.isWrapperFor(SQLiteDataSource.class)
                    ? dataSource.unwrap(SQLiteDataSource.class).getUrl() : null;
            return jdbcUrl == null || !jdbcUrl.startsWith("jdbc:sqlite:") ? null
                    : DatabaseUrl.parse(jdbcUrl, Path.of(""));
        } catch (SQLException | RuntimeException unreadable) {
            // the driver's own failure stands
            return null;
        }
    }

    /**
     * A data source of single, unpooled connections configured as the Library's would be (SQLite pragmas,
     * pgjdbc properties with the credentials), for running migrations separately from a Library.
     *
     * @throws ConfigurationException for an in-memory database (it exists only inside one open Library) or
     *                                a SQLite file whose directory does not exist
     */
    public static DataSource migrationDataSource(LibrarySettings settings) {
        DatabaseUrl url = SettingsAccess.databaseUrl(settings);
        if (settings.backend() == Backend.SQLITE) {
            checkSqliteLocation(separateSqliteFile(url), url.displayUrl(), true);
            return sqliteDataSource(settings, url.jdbcUrl(), SQLiteConfig.TransactionMode.IMMEDIATE, false);
        }
        return postgresMigrationDataSource(settings, url, postgresProperties(settings, url));
    }

    /**
     * As {@link #migrationDataSource(LibrarySettings)}, for verbs that only read (info, validate): on SQLite
     * its connections are read-only, so that inspecting a file cannot change a byte of it, and the file need
     * not be writable (a backup copy, another user's file). The file must exist (opening read-only does not
     * create it). The one write: the hot journal of a process killed while writing is rolled back first, as
     * any writer opening the file does ({@link SqliteInspectionSource}; if this process may not write the file,
     * getting a connection fails with {@link DatabaseUnavailableException}). On PostgreSQL it is a migration
     * data source: the server has no read-only connection that would protect more than the verbs' own reading
     * does.
     */
    public static DataSource inspectionDataSource(LibrarySettings settings) {
        DatabaseUrl url = SettingsAccess.databaseUrl(settings);
        if (settings.backend() == Backend.SQLITE) {
            Path file = separateSqliteFile(url);
            checkSqliteLocation(file, url.displayUrl(), false);
            return new SqliteInspectionSource(settings, url.jdbcUrl(), file);
        }
        return postgresMigrationDataSource(settings, url, postgresProperties(settings, url));
    }

    private static Path separateSqliteFile(DatabaseUrl url) {
        if (url.inMemory()) {
            throw new ConfigurationException(LibrarySettings.DATABASE_URL + " " + url.displayUrl() + " is an "
                    + "in-memory database, which exists only inside one open Library: there is nothing to "
                    + "migrate separately");
        }
        return url.sqliteFile().orElseThrow();
    }

    // ---------------------------------------------------------------------------------------------- SQLite

    private static Database openSqlite(LibrarySettings settings, DatabaseUrl url) {
        if (settings.readOnly()) {
            return openSqliteReadOnly(settings, url);
        }
        String jdbcUrl;
        Path file = url.sqliteFile().orElse(null);
        if (url.inMemory()) {
            jdbcUrl = "jdbc:sqlite:file:/elibrary-" + UUID.randomUUID() + "?vfs=memdb";
        } else {
            checkSqliteLocation(file, url.displayUrl(), true, "; set " + LibrarySettings.DATABASE_READ_ONLY
                    + "=true to open it for reading", false);
            if (!settings.migrateOnOpen() && !Files.exists(file)) {
                // SQLite would create an empty file, and the first call would fail on a missing table; a
                // mistyped path would leave a stray database behind
                throw new ConfigurationException("the SQLite database file " + file + " does not exist; with "
                        + LibrarySettings.DATABASE_MIGRATE_ON_OPEN + "=false the library does not create it: run "
                        + "the migrations (Migrations.from(settings).migrate(), or the CLI's migrate), or set "
                        + LibrarySettings.DATABASE_MIGRATE_ON_OPEN + "=true, or correct "
                        + LibrarySettings.DATABASE_URL + " " + url.displayUrl());
            }
            jdbcUrl = url.jdbcUrl();
        }
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            Connection holder = null;
            if (url.inMemory()) {
                // Keeps the memdb database alive for the Library's whole life; also the migration connection.
                holder = sqliteDataSource(settings, jdbcUrl, SQLiteConfig.TransactionMode.IMMEDIATE, false)
                        .getConnection();
                resources.add(holder);
            }
            if (settings.migrateOnOpen()) {
                migrateSqlite(settings, jdbcUrl, file, holder);
            }
            if (!url.inMemory()) {
                switchToWal(settings, jdbcUrl, file, url.displayUrl());
            }
            HikariDataSource writer = sqlitePool("elibrary-sqlite-writer", 1, settings,
                    sqlitePoolSource(settings, jdbcUrl, SQLiteConfig.TransactionMode.IMMEDIATE, !url.inMemory()));
            resources.add(0, writer);
            HikariDataSource reader = sqlitePool("elibrary-sqlite-reader", settings.poolSize(), settings,
                    sqlitePoolSource(settings, jdbcUrl, SQLiteConfig.TransactionMode.DEFERRED, !url.inMemory()));
            resources.add(0, reader);
            verifySqlitePragmas(writer, settings, !url.inMemory(), SQLiteConfig.TransactionMode.IMMEDIATE);
            verifySqlitePragmas(reader, settings, !url.inMemory(), SQLiteConfig.TransactionMode.DEFERRED);
            if (!settings.migrateOnOpen() && url.inMemory()) {
                RequiredSchema.check(reader, Backend.SQLITE, url.displayUrl()); // a file's was checked before WAL
            }
            return new Database(Backend.SQLITE, writer, reader, settings.poolSize(), closeAll(resources));
        } catch (Exception e) {
            closeQuietly(resources);
            throw ConnectionErrors.translate("opening SQLite database", url.displayUrl(), unwrapPoolFailure(e), null,
                    false);
        }
    }

    /**
     * A SQLite file opened read-only ({@link LibrarySettings#readOnly()}): one pool of read-only connections,
     * nothing migrated, the journal mode left as the file has it, the schema version checked by reading.
     */
    private static Database openSqliteReadOnly(LibrarySettings settings, DatabaseUrl url) {
        String display = url.displayUrl();
        if (url.inMemory()) {
            throw new ConfigurationException(LibrarySettings.DATABASE_URL + " " + display + " is an in-memory "
                    + "database, new and empty at each open: with " + LibrarySettings.DATABASE_READ_ONLY + "=true "
                    + "there is nothing to read; point " + LibrarySettings.DATABASE_URL + " at a SQLite file");
        }
        Path file = url.sqliteFile().orElseThrow();
        checkSqliteLocation(file, display, false);
        if (!Files.exists(file)) {
            throw new ConfigurationException("the SQLite database file " + file + " does not exist; with "
                    + LibrarySettings.DATABASE_READ_ONLY + "=true the library does not create it: correct "
                    + LibrarySettings.DATABASE_URL + " " + display + ", or create and migrate it with write access "
                    + "first");
        }
        HikariDataSource reader = null;
        try {
            SQLiteConfig config = sqliteConfig(settings, SQLiteConfig.TransactionMode.DEFERRED, false);
            config.setReadOnly(true);
            SQLiteDataSource source = SqliteBusyWait.dataSource(config, settings.sqliteBusyTimeout().toMillis());
            source.setUrl(url.jdbcUrl());
            reader = sqlitePool("elibrary-sqlite-reader", settings.poolSize(), settings, source, true);
            verifySqlitePragmas(reader, settings, false, SQLiteConfig.TransactionMode.DEFERRED);
            RequiredSchema.checkReadOnly(reader, Backend.SQLITE, display);
            // the one pool serves the caller's transactions too; write calls never get a connection
            return new Database(Backend.SQLITE, reader, reader, settings.poolSize(), reader, false, true);
        } catch (Exception e) {
            if (reader != null) {
                reader.close();
            }
            if (hasCode(e, code -> code == SqliteCodes.READONLY_ROLLBACK)) {
                throw new DatabaseUnavailableException("SQLite database " + file + " cannot be read: a process "
                        + "stopped while writing it left its journal " + file.getFileName() + "-journal, which must "
                        + "be rolled back first, and a library open read-only (" + LibrarySettings.DATABASE_READ_ONLY
                        + "=true) does not write; open it once with write access (opening a Library or migrating "
                        + "rolls it back), and keep the journal beside the file until then: without it the file is "
                        + "corrupt", e);
            }
            throw ConnectionErrors.translate("opening SQLite database", display, unwrapPoolFailure(e), null, false);
        }
    }

    /** Whether {@code failure} or one of its causes is a SQLite error whose extended result code is one of {@code codes}. */
    private static boolean hasCode(Throwable failure, IntPredicate codes) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (codes.test(SqliteCodes.of(t))) {
                return true;
            }
        }
        return false;
    }

    private static void checkSqliteLocation(Path file, String display, boolean writes) {
        checkSqliteLocation(file, display, writes, "", false);
    }

    /**
     * @param readOnlyAdvice appended to the refusal of an existing file that cannot be written
     * @param borrowed       whether the URL is a caller's DataSource's, which the refusal then names for
     *                       {@code DATABASE_URL}
     */
    private static void checkSqliteLocation(Path file, String display, boolean writes, String readOnlyAdvice,
                                            boolean borrowed) {
        Path directory = file.getParent();
        String named = ConnectionErrors.urlSetting(borrowed) + " " + display;
        if (directory == null || !Files.isDirectory(directory)) {
            throw new ConfigurationException(named + ": the directory " + directory + " of the SQLite file " + file
                    + " does not exist");
        }
        if (Files.isDirectory(file)) {
            throw new ConfigurationException(named + ": " + file + " is a directory, not a SQLite file");
        }
        if (writes && (Files.exists(file) ? !Files.isWritable(file) : !Files.isWritable(directory))) {
            throw new DatabaseUnavailableException("SQLite database " + file + " cannot be written: "
                    + (Files.exists(file) ? "the file is read-only" + readOnlyAdvice
                    : "the directory " + directory + " is read-only"));
        }
    }

    private static void migrateSqlite(LibrarySettings settings, String jdbcUrl, Path file, Connection holder)
            throws SQLException {
        if (holder != null) {
            SchemaMigrator.migrate(new SingleConnectionDataSource(holder), Backend.SQLITE, settings.displayUrl());
            return;
        }
        // No lock here: SchemaMigrator takes it only once it knows it will write, and checks again under it.
        if (Files.exists(file)) {
            try (Connection reader = readOnlySqliteDataSource(settings, jdbcUrl).getConnection()) {
                if (SchemaMigrator.isUpToDate(new SingleConnectionDataSource(reader), Backend.SQLITE,
                        settings.displayUrl())) {
                    return;
                }
            } catch (SQLException | LibraryException e) {
                // A read-only connection cannot roll back the hot journal of a process killed while writing
                // (SQLITE_READONLY_ROLLBACK): the read-write connection below does, as any writer must.
                if (!isReadOnlyRefusal(e)) {
                    throw e;
                }
            }
        }
        try (Connection connection = sqliteDataSource(settings, jdbcUrl, SQLiteConfig.TransactionMode.IMMEDIATE,
                false).getConnection()) {
            SchemaMigrator.migrate(new SingleConnectionDataSource(connection), Backend.SQLITE, settings.displayUrl());
        }
    }

    private static boolean isReadOnlyRefusal(Throwable failure) {
        return hasCode(failure, code -> SqliteCodes.primary(code) == SqliteCodes.READONLY);
    }

    /**
     * Puts the file in WAL mode, under the migration lock, before the pools open. Each pool connection asks
     * for WAL too, but on a file still in its rollback journal (new, or migrated separately) that is a write
     * which SQLite refuses at once with SQLITE_BUSY, without a busy wait, while another connection holds a
     * write transaction: another opener migrating, or finding under the lock that there is nothing to
     * migrate. Under the lock this waits for such openers as long as they migrate ({@link MigrationLock});
     * another program's write transaction (not under the lock) is waited for up to the busy timeout.
     * Without migrating, the schema version is checked first: a refused file is left as it is.
     */
    private static void switchToWal(LibrarySettings settings, String jdbcUrl, Path file, String display)
            throws SQLException {
        try (Connection connection = sqliteDataSource(settings, jdbcUrl, SQLiteConfig.TransactionMode.DEFERRED,
                false).getConnection(); Statement statement = connection.createStatement()) {
            if (!settings.migrateOnOpen()) {
                RequiredSchema.check(new SingleConnectionDataSource(connection), Backend.SQLITE, display);
            }
            if (journalMode(statement).equals("wal")) {
                return; // every open but the first: no lock
            }
            try (MigrationLock lock = MigrationLock.acquire(file)) {
                long deadline = System.nanoTime() + settings.sqliteBusyTimeout().toNanos();
                for (long pause = 1; ; pause = Math.min(pause * 2, 50)) {
                    try {
                        statement.execute("PRAGMA journal_mode = WAL");
                        return;
                    } catch (SQLException e) {
                        if (SqliteCodes.primary(SqliteCodes.of(e)) != SqliteCodes.BUSY
                                || System.nanoTime() - deadline > 0) {
                            throw e;
                        }
                    }
                    Thread.sleep(pause);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DatabaseUnavailableException("interrupted while opening SQLite database " + display, e);
            }
        }
    }

    private static String journalMode(Statement statement) throws SQLException {
        try (ResultSet rs = statement.executeQuery("PRAGMA journal_mode")) {
            return rs.next() ? rs.getString(1).toLowerCase(Locale.ROOT) : "";
        }
    }

    /**
     * Read-only connections to a SQLite file for the verbs that only inspect it. A read-only connection cannot
     * roll back the hot journal of a process killed while writing: its first read fails with
     * SQLITE_READONLY_ROLLBACK. Each connection reads the header once; on that refusal a read-write connection
     * reads it, which rolls the journal back as any writer opening the file does (Library.open too), and the
     * read-only connection is opened again, on the file as it was before the killed transaction.
     */
    private static final class SqliteInspectionSource extends SQLiteDataSource {
        private final LibrarySettings settings;
        private final Path file;

        SqliteInspectionSource(LibrarySettings settings, String jdbcUrl, Path file) {
            super(sqliteConfig(settings, SQLiteConfig.TransactionMode.DEFERRED, false));
            setUrl(jdbcUrl);
            setReadOnly(true);
            this.settings = settings;
            this.file = file;
        }

        @Override
        public SQLiteConnection getConnection(String username, String password) throws SQLException {
            SQLiteConnection connection = null;
            try {
                connection = super.getConnection(username, password);
                readHeader(connection);
                return connection;
            } catch (SQLException e) {
                closeAfter(connection, e);
                if (!isReadOnlyRefusal(e)) {
                    throw e;
                }
            }
            try (Connection writer = sqliteDataSource(settings, getUrl(), SQLiteConfig.TransactionMode.DEFERRED, false)
                    .getConnection()) {
                readHeader(writer);
            } catch (SQLException e) {
                // SQLite opens a file this process may not write read-only, without saying so
                if (SqliteCodes.of(e) == SqliteCodes.READONLY_ROLLBACK) {
                    throw new DatabaseUnavailableException("SQLite database " + file + " cannot be read: a process "
                            + "stopped while writing it left its journal " + file.getFileName() + "-journal, which "
                            + "must be rolled back first, and this process may not write the file or its folder; open "
                            + "it once with write access (opening a Library or migrating rolls it back), and keep the "
                            + "journal beside the file until then: without it the file is corrupt", e);
                }
                throw e;
            }
            return super.getConnection(username, password);
        }

        private static void readHeader(Connection connection) throws SQLException {
            try (Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("PRAGMA schema_version")) {
                rs.next();
            }
        }

        private static void closeAfter(Connection connection, SQLException failure) {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException e) {
                    failure.addSuppressed(e);
                }
            }
        }
    }

    private static SQLiteDataSource readOnlySqliteDataSource(LibrarySettings settings, String jdbcUrl) {
        SQLiteDataSource dataSource = sqliteDataSource(settings, jdbcUrl, SQLiteConfig.TransactionMode.DEFERRED,
                false);
        dataSource.setReadOnly(true);
        return dataSource;
    }

    /**
     * Connections with the settings' pragmas. {@code wal} only for the Library's pools of a file: journal_mode
     * is stored in the file, so setting it on a connection that only inspects or is refused would rewrite a
     * database the library promised to leave alone (and memdb has no WAL).
     */
    static SQLiteDataSource sqliteDataSource(LibrarySettings settings, String jdbcUrl,
                                             SQLiteConfig.TransactionMode mode, boolean wal) {
        SQLiteDataSource dataSource = new SQLiteDataSource(sqliteConfig(settings, mode, wal));
        dataSource.setUrl(jdbcUrl);
        return dataSource;
    }

    /**
     * As {@link #sqliteDataSource}, for the Library's pools: their connections wait for another connection's
     * lock with {@link SqliteBusyWait} instead of the busy timeout, the same total, which an asynchronous
     * call's timeout or cancel cuts short.
     */
    private static SQLiteDataSource sqlitePoolSource(LibrarySettings settings, String jdbcUrl,
                                                     SQLiteConfig.TransactionMode mode, boolean wal) {
        SQLiteDataSource dataSource = SqliteBusyWait.dataSource(sqliteConfig(settings, mode, wal),
                settings.sqliteBusyTimeout().toMillis());
        dataSource.setUrl(jdbcUrl);
        return dataSource;
    }

    private static SQLiteConfig sqliteConfig(LibrarySettings settings, SQLiteConfig.TransactionMode mode,
                                             boolean wal) {
        // The library reads new ids through RETURNING. With generated keys on, sqlite-jdbc matches the text of
        // every statement it executes (BEGIN and COMMIT too) against a regular expression, and after each
        // INSERT runs SELECT last_insert_rowid() as a statement of its own, compiled anew. Turned off by its
        // property, not its setter: sqlite-jdbc 3.46.1.0 and older lack the setter, and such a driver, which
        // ignores the property, must reach SqliteChecks (which refuses it before 3.41.2.2) rather than fail here.
        Properties properties = new Properties();
        properties.setProperty("jdbc.get_generated_keys", "false");
        SQLiteConfig config = new SQLiteConfig(properties);
        config.enforceForeignKeys(true);
        if (wal) {
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        }
        config.setBusyTimeout((int) settings.sqliteBusyTimeout().toMillis());
        // By name: sqlite-jdbc's SynchronousMode has no EXTRA, which SQLite has had since 3.12.
        config.setPragma(SQLiteConfig.Pragma.SYNCHRONOUS, settings.sqliteSynchronous().name());
        config.setTransactionMode(mode);
        return config;
    }

    private static HikariDataSource sqlitePool(String name, int size, LibrarySettings settings, DataSource source) {
        return sqlitePool(name, size, settings, source, false);
    }

    /**
     * @param readOnly whether {@code source}'s connections are read-only: HikariCP sets each connection's flag to
     *                 the pool's, which sqlite-jdbc refuses to change once the connection is open
     */
    private static HikariDataSource sqlitePool(String name, int size, LibrarySettings settings, DataSource source,
                                               boolean readOnly) {
        HikariConfig config = new HikariConfig();
        config.setReadOnly(readOnly);
        config.setPoolName(name);
        config.setDataSource(source);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(settings.connectionTimeout().toMillis());
        // Fail on the first attempt: a local file either opens or will not.
        config.setInitializationFailTimeout(1);
        return OwnPools.newPool(config);
    }

    private static void verifySqlitePragmas(DataSource pool, LibrarySettings settings, boolean wal,
                                            SQLiteConfig.TransactionMode mode) throws SQLException {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            expect(statement, "foreign_keys", "1");
            if (wal) {
                expect(statement, "journal_mode", "wal");
            }
            // the busy handler replaced the busy timeout (which now reads 0), with the same total wait
            expect(statement, "busy_timeout", "0");
            SQLiteConnection sqlite = connection.unwrap(SQLiteConnection.class);
            long busyWait = SqliteBusyWait.timeoutOn(sqlite);
            if (busyWait != settings.sqliteBusyTimeout().toMillis()) {
                throw new ConfigurationException("SQLite connections wait " + busyWait + " ms for a lock, expected "
                        + settings.sqliteBusyTimeout().toMillis() + " ms; the database cannot be used safely");
            }
            expect(statement, "synchronous", Integer.toString(settings.sqliteSynchronous().ordinal()));
            SQLiteConfig.TransactionMode actual = sqlite.getConnectionConfig().getTransactionMode();
            if (actual != mode) {
                throw new ConfigurationException("SQLite connections were opened with transaction mode " + actual
                        + ", expected " + mode);
            }
        }
    }

    private static void expect(Statement statement, String pragma, String expected) throws SQLException {
        try (ResultSet rs = statement.executeQuery("PRAGMA " + pragma)) {
            String actual = rs.next() ? rs.getString(1) : null;
            if (actual == null || !actual.toLowerCase(Locale.ROOT).equals(expected)) {
                throw new ConfigurationException("SQLite PRAGMA " + pragma + " is " + actual + " on a new connection, "
                        + "expected " + expected + "; the database cannot be used safely");
            }
        }
    }

    // ------------------------------------------------------------------------------------------ PostgreSQL

    private static Database openPostgres(LibrarySettings settings, DatabaseUrl url) {
        List<String> unknown = url.unknownOptions();
        if (!unknown.isEmpty()) {
            // not refused: a .env shared with the Python app may hold options of its driver
            LOG.warn("{}: the PostgreSQL JDBC driver does not know the query option{} {} and ignores {} (an option "
                    + "of the Python app's driver is fine in a shared .env; pgjdbc's own names are case-sensitive)",
                    LibrarySettings.DATABASE_URL, unknown.size() == 1 ? "" : "s", String.join(", ", unknown),
                    unknown.size() == 1 ? "it" : "them");
        }
        Properties properties = postgresProperties(settings, url);
        String secret = url.password().orElse(null);
        boolean readOnly = settings.readOnly();
        if (settings.migrateOnOpen() && !readOnly) {
            try {
                SchemaMigrator.migrate(postgresMigrationDataSource(settings, url, properties), Backend.POSTGRESQL,
                        url.displayUrl());
            } catch (RuntimeException e) {
                throw ConnectionErrors.translate("migrating PostgreSQL database", url.displayUrl(), e, secret,
                        false);
            }
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("elibrary-postgresql");
        config.setDriverClassName(org.postgresql.Driver.class.getName());
        if (readOnly) {
            // The server makes every transaction read-only, autocommit too, for this session alone: a startup
            // option, after the URL's own. pgjdbc's readOnlyMode=always would run SET SESSION CHARACTERISTICS
            // AS TRANSACTION READ ONLY, which a transaction pooler leaves on its server connection for the
            // next client; with readOnlyMode=transaction, setReadOnly only marks the connection (and begins
            // explicit transactions READ ONLY). The URL's query would override the properties: it goes into them.
            config.setJdbcUrl(DriverDataSource.withoutQuery(url.jdbcUrl()));
            Properties merged = DriverDataSource.withOptions(url.jdbcUrl(), properties, READ_ONLY_OPTION);
            merged.setProperty("readOnlyMode", "transaction");
            config.setDataSourceProperties(merged);
        } else {
            config.setJdbcUrl(url.jdbcUrl());
            config.setDataSourceProperties(properties);
        }
        config.setMaximumPoolSize(settings.poolSize());
        // A few warm connections; the pool grows to the maximum under load and shrinks when idle.
        config.setMinimumIdle(Math.min(2, settings.poolSize()));
        config.setConnectionTimeout(settings.connectionTimeout().toMillis());
        // One attempt at open (bounded by connectTimeout): a down server or a wrong password fails fast.
        config.setInitializationFailTimeout(1);
        // The library's single calls (find-or-create authors, the delete's lock-and-retry) are written for
        // READ COMMITTED; a database's or role's default_transaction_isolation of serializable would make
        // some of them fail with a serialization conflict under concurrent use.
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        config.setReadOnly(readOnly);
        String statementTimeout = statementTimeoutSql(settings, url);
        if (statementTimeout != null) {
            config.setConnectionInitSql(statementTimeout);
        }
        try {
            HikariDataSource pool = OwnPools.newPool(config);
            if (!settings.migrateOnOpen() || readOnly) {
                // migrating checks them itself; here on the pool's first connection, not one more beside it (a
                // role at its connection limit would see the closed one's server process for a moment)
                try {
                    if (readOnly) {
                        RequiredSchema.checkReadOnly(pool, Backend.POSTGRESQL, url.displayUrl());
                    } else {
                        RequiredSchema.check(pool, Backend.POSTGRESQL, url.displayUrl());
                    }
                } catch (RuntimeException e) {
                    pool.close();
                    throw e;
                }
            }
            // with 0 there is nothing to time, on either side
            return new Database(Backend.POSTGRESQL, pool, pool, settings.poolSize(), pool,
                    statementTimeout != null && settings.statementTimeout().toMillis() > 0, readOnly);
        } catch (RuntimeException e) {
            throw ConnectionErrors.translate("opening PostgreSQL database", url.displayUrl(), unwrapPoolFailure(e),
                    secret, false);
        }
    }

    /**
     * Connections to migrate on: READ COMMITTED, without a statement timeout (building an index may take
     * long, and a role's or database's {@code statement_timeout} for its web app would stop V3's index
     * builds on a real-sized database), but waiting for a table lock at most {@code DATABASE_STATEMENT_TIMEOUT}.
     * A migration waiting for a lock that another session holds (the Python app's open transaction) would
     * otherwise wait for as long as that session keeps it, and every query on the table would queue behind
     * the waiting migration. The URL's {@code options} may set {@code lock_timeout} or {@code statement_timeout}
     * themselves; theirs stand, as on the pool's connections. Set as startup options, never with {@code SET}
     * ({@link DriverDataSource}): nothing of the migration stays on a transaction pooler's server connection.
     * A migrating open uses two server connections at once: the migration's and the one holding its lock.
     */
    private static DataSource postgresMigrationDataSource(LibrarySettings settings, DatabaseUrl url,
                                                          Properties properties) {
        // as startup options (see DriverDataSource), and as the same statements for one transaction
        StringBuilder options = new StringBuilder("-c default_transaction_isolation=read\\ committed");
        // idle_in_transaction_session_timeout: the migration's connections wait in a transaction, the lock's for
        // the whole migration, the work's between Flyway's transactions (each begins right after the last ends)
        StringBuilder local = new StringBuilder("SET TRANSACTION ISOLATION LEVEL READ COMMITTED; "
                + "SET LOCAL idle_in_transaction_session_timeout = 0; ");
        if (!urlOptionsSet(url, "statement_timeout")) {
            options.append(" -c statement_timeout=0");
            local.append("SET LOCAL statement_timeout = 0; ");
        }
        long millis = settings.statementTimeout().toMillis();
        if (millis > 0 && !urlOptionsSet(url, "lock_timeout")) {
            options.append(" -c lock_timeout=").append(millis);
            local.append("SET LOCAL lock_timeout = ").append(millis).append("; ");
        }
        return new DriverDataSource(new org.postgresql.Driver(), url.jdbcUrl(), properties, options.toString(),
                local.toString());
    }

    /**
     * Whether the URL's {@code options} parameter sets the server setting {@code name}
     * ({@code -c name=value}, {@code -cname=value} or {@code --name=value}, a dash for an underscore).
     */
    static boolean urlOptionsSet(DatabaseUrl url, String name) {
        Properties fromUrl = org.postgresql.Driver.parseURL(url.jdbcUrl(), null);
        String options = fromUrl == null ? null : fromUrl.getProperty("options");
        return options != null && Pattern.compile("(?:^|\\s)(?:-c\\s*|--)" + name.replace("_", "[_-]") + "\\s*=",
                Pattern.CASE_INSENSITIVE).matcher(options).find();
    }

    /**
     * The SQL that makes the server stop statements running past {@code DATABASE_STATEMENT_TIMEOUT} on each
     * pool connection, once when it is opened; {@code 0} (no limit) is set too, or a database's or role's
     * default {@code statement_timeout} would apply instead. Null when the URL's {@code options} set
     * {@code statement_timeout} themselves (theirs stands). The server's own timer replaces pgjdbc's
     * per-statement one, which woke pgjdbc's timer thread on every execution. Migrations use connections of
     * their own, without it: building an index may take long.
     */
    static String statementTimeoutSql(LibrarySettings settings, DatabaseUrl url) {
        long millis = Math.max(0, settings.statementTimeout().toMillis());
        return urlOptionsSet(url, "statement_timeout") ? null : "SET statement_timeout = " + millis;
    }

    /** The pgjdbc properties: credentials from a SQLAlchemy URL, batch rewriting, bounded connect time. */
    static Properties postgresProperties(LibrarySettings settings, DatabaseUrl url) {
        Properties properties = new Properties();
        url.user().ifPresent(user -> properties.setProperty("user", user));
        url.password().ifPresent(password -> properties.setProperty("password", password));
        properties.setProperty("reWriteBatchedInserts", "true");
        Properties fromUrl = org.postgresql.Driver.parseURL(url.jdbcUrl(), null);
        long seconds = Math.max(1, Math.min(settings.connectionTimeout().toSeconds(), MAX_CONNECT_TIMEOUT.toSeconds()));
        // connectTimeout bounds the TCP connect, loginTimeout the whole log-in (a server that accepts but hangs).
        for (String timeout : new String[] {"connectTimeout", "loginTimeout"}) {
            if (fromUrl == null || fromUrl.getProperty(timeout) == null) {
                properties.setProperty(timeout, Long.toString(seconds));
            }
        }
        // A cancel request (a timeout, a cancelled call) is a new connection to the server; pgjdbc waits up to
        // 10 s for it by default, long after the call should have ended when the server does not answer
        // (the async engine aborts the call's connection 2 s after the cancel anyway).
        if (fromUrl == null || fromUrl.getProperty("cancelSignalTimeout") == null) {
            properties.setProperty("cancelSignalTimeout", Long.toString(CANCEL_SIGNAL_TIMEOUT.toSeconds()));
        }
        if (fromUrl == null || fromUrl.getProperty("ApplicationName") == null) {
            properties.setProperty("ApplicationName", "elibrary");
        }
        return properties;
    }

    // ------------------------------------------------------------------------------------------- utilities

    private static Throwable unwrapPoolFailure(Throwable e) {
        // HikariCP wraps the driver's failure in PoolInitializationException.
        if (e instanceof LibraryException) {
            return e;
        }
        if (e.getClass().getName().endsWith("PoolInitializationException") && e.getCause() != null) {
            return e.getCause();
        }
        return e;
    }

    private static AutoCloseable closeAll(List<AutoCloseable> resources) {
        List<AutoCloseable> ordered = List.copyOf(resources);
        return () -> {
            RuntimeException first = null;
            for (AutoCloseable resource : ordered) {
                try {
                    resource.close();
                } catch (Exception e) {
                    if (first == null) {
                        first = new IllegalStateException("closing the database connections failed", e);
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        };
    }

    private static void closeQuietly(List<AutoCloseable> resources) {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception ignored) {
                // already failing; the original error matters more
            }
        }
    }
}
