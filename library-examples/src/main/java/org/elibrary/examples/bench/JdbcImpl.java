package org.elibrary.examples.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.IntFunction;
import javax.sql.DataSource;
import org.elibrary.Backend;
import org.elibrary.LibrarySettings;
import org.elibrary.migrations.Migrations;
import org.postgresql.ds.PGSimpleDataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The hand-written baseline: plain JDBC over HikariCP, the practical upper bound for a JDBC data layer.
 *
 * <ul>
 *   <li>The schema is the library's own (its Flyway migrations, run before the pools open), so both sides
 *       have the same tables, indexes, FTS5 tables and triggers.</li>
 *   <li>SQLite runs the library's design: one writer connection whose transactions begin IMMEDIATE (as
 *       {@code BEGIN IMMEDIATE} / {@code COMMIT} statements, the connection in autocommit), beside a
 *       pool of readers under WAL; every connection gets its pragmas as driver properties and they are read
 *       back before the run. PostgreSQL: one pool, {@code reWriteBatchedInserts=true}.</li>
 *   <li>Import: per table and chunk, one commit and one statement: on PostgreSQL an {@code INSERT ... SELECT}
 *       from {@code unnest} of one array per column (see {@code Unit.insertArrays}); on SQLite one multi-row
 *       {@code INSERT} for the tables with a full-text index and the author links (see {@code Unit.multiRows}),
 *       a JDBC batch for the others. Details: one {@code UNION ALL}
 *       statement in autocommit (the book, its authors, its comments with their users). Search: FTS5
 *       trigram {@code MATCH} of the phrase on SQLite, {@code lower(title) LIKE lower(?)} on PostgreSQL
 *       (trigram GIN index, or the title index in order, as the planner likes). Delete: the comments, the
 *       links, then the book, in one transaction (on PostgreSQL as one statement with data-modifying WITH
 *       parts).</li>
 * </ul>
 */
final class JdbcImpl implements BenchImpl {
    /**
     * Whether prepared statements are kept per physical connection and reused across transactions (the
     * default; sqlite-jdbc has no statement cache of its own, and preparing costs about as much as running
     * a details lookup). {@code -Dbench.jdbc.statementCache=false} prepares per call, for comparison.
     */
    static final boolean STATEMENT_CACHE = Boolean.parseBoolean(System.getProperty("bench.jdbc.statementCache", "true"));

    private static final String INSERT_AUTHOR = "INSERT INTO author (name) VALUES (?)";
    private static final String INSERT_BOOK = "INSERT INTO book (title) VALUES (?)";
    private static final String INSERT_LINK = "INSERT INTO author_book (author_id, book_id) VALUES (?, ?)";
    private static final String INSERT_USER = "INSERT INTO \"user\" (username) VALUES (?)";
    private static final String INSERT_COMMENT = "INSERT INTO comment (text, user_id, book_id) VALUES (?, ?, ?)";
    private static final String ADD_COMMENT = INSERT_COMMENT + " RETURNING id";
    // PostgreSQL's import: a chunk as ONE statement with one array parameter per column, as the library's bulk
    // inserts send it: one statement text, prepared once per connection, whatever the chunk's size. A batch
    // that pgjdbc rewrites (reWriteBatchedInserts) goes as several multi-row statements of power-of-two sizes
    // instead, and read ~15% slower than the library's import in a warm set. WITH ORDINALITY ... ORDER BY keeps
    // the ids in the rows' order.
    private static final String INSERT_AUTHORS_POSTGRESQL = "INSERT INTO author (name) SELECT v.name"
            + " FROM unnest(CAST(? AS varchar[])) WITH ORDINALITY AS v(name, ord) ORDER BY v.ord";
    private static final String INSERT_BOOKS_POSTGRESQL = "INSERT INTO book (title) SELECT v.title"
            + " FROM unnest(CAST(? AS varchar[])) WITH ORDINALITY AS v(title, ord) ORDER BY v.ord";
    private static final String INSERT_LINKS_POSTGRESQL = "INSERT INTO author_book (author_id, book_id)"
            + " SELECT * FROM unnest(CAST(? AS integer[]), CAST(? AS integer[]))";
    private static final String INSERT_USERS_POSTGRESQL = "INSERT INTO \"user\" (username) SELECT v.username"
            + " FROM unnest(CAST(? AS varchar[])) WITH ORDINALITY AS v(username, ord) ORDER BY v.ord";
    private static final String INSERT_COMMENTS_POSTGRESQL = "INSERT INTO comment (text, user_id, book_id)"
            + " SELECT v.text, v.user_id, v.book_id FROM unnest(CAST(? AS varchar[]), CAST(? AS integer[]),"
            + " CAST(? AS integer[])) WITH ORDINALITY AS v(text, user_id, book_id, ord) ORDER BY v.ord";
    // A book's details in ONE statement, so one snapshot without a transaction and one round trip: the book
    // (kind 0), its authors by name (1), its comments by id with usernames (2). Against two statements in a
    // read transaction (book left-joined with authors, then comments) it measured ~1.2-1.4x faster on
    // PostgreSQL: three round trips (statement, statement, COMMIT) become one.
    private static final String DETAILS = "SELECT 0 AS kind, b.id, b.title AS text, CAST(NULL AS INTEGER) AS user_id,"
            + " CAST(NULL AS VARCHAR(50)) AS username, CAST(NULL AS VARCHAR(100)) AS sort_key FROM book b WHERE b.id = ?"
            + " UNION ALL SELECT 1, a.id, a.name, NULL, NULL, a.name"
            + " FROM author_book ab JOIN author a ON a.id = ab.author_id WHERE ab.book_id = ?"
            + " UNION ALL SELECT 2, c.id, c.text, c.user_id, u.username, NULL"
            + " FROM comment c JOIN \"user\" u ON u.id = c.user_id WHERE c.book_id = ?"
            + " ORDER BY kind, sort_key, id";
    // the join measured ~10% faster than "id IN (SELECT rowid … MATCH ?)"
    private static final String SEARCH_SQLITE = "SELECT b.id, b.title FROM book_title_search"
            + " JOIN book b ON b.id = book_title_search.rowid"
            + " WHERE book_title_search MATCH ? ORDER BY b.title LIMIT ?";
    private static final String SEARCH_POSTGRESQL = "SELECT id, title FROM book"
            + " WHERE lower(title) LIKE lower(?) ESCAPE '\\' ORDER BY title LIMIT ?";
    private static final String BEGIN_IMMEDIATE = "BEGIN IMMEDIATE";
    private static final String COMMIT = "COMMIT";
    private static final String DELETE_COMMENTS = "DELETE FROM comment WHERE book_id = ?";
    private static final String DELETE_LINKS = "DELETE FROM author_book WHERE book_id = ?";
    private static final String DELETE_BOOK = "DELETE FROM book WHERE id = ?";
    // PostgreSQL: one statement, one round trip; the foreign-key checks of the book's delete run at the end
    // of the statement and see the rows the WITH parts deleted. One statement is one snapshot, so a comment
    // committed concurrently on the same book would fail it with a foreign-key error: right for phase 5,
    // which has no concurrent writers, not a pattern for a general-purpose library.
    private static final String DELETE_BOOK_CASCADE_POSTGRESQL = "WITH c AS (DELETE FROM comment WHERE book_id = ?),"
            + " l AS (DELETE FROM author_book WHERE book_id = ?) DELETE FROM book WHERE id = ?";
    private static final String COUNTS = "SELECT (SELECT count(*) FROM author), (SELECT count(*) FROM book),"
            + " (SELECT count(*) FROM author_book), (SELECT count(*) FROM \"user\"), (SELECT count(*) FROM comment)";

    private final Backend backend;
    private final HikariDataSource writer;
    private final HikariDataSource reader;
    private final Map<String, Object> settings;
    private final StatementCache statementCache;

    private JdbcImpl(Backend backend, HikariDataSource writer, HikariDataSource reader, Map<String, Object> settings,
                     StatementCache statementCache) {
        this.backend = backend;
        this.writer = writer;
        this.reader = reader;
        this.settings = settings;
        this.statementCache = statementCache;
    }

    /**
     * Migrates the (fresh) database with the library's migrations, then opens the pools.
     *
     * @param defaults the library's defaults for this URL: the pool size (SQLite: the readers beside one
     *                 writer), SQLite's synchronous level and busy timeout
     */
    static JdbcImpl open(Backend backend, String jdbcUrl, LibrarySettings defaults) {
        Map<String, Object> settings = new LinkedHashMap<>();
        int readers = defaults.poolSize();
        if (backend == Backend.SQLITE) {
            SQLiteConfig writerConfig = sqliteConfig(defaults);
            writerConfig.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
            SQLiteDataSource migrator = new SQLiteDataSource(writerConfig);
            migrator.setUrl(jdbcUrl);
            Migrations.from(migrator, backend).migrate();
            // The writer stays in JDBC autocommit and runs each transaction as BEGIN IMMEDIATE ... COMMIT
            // statements prepared once. Out of autocommit, sqlite-jdbc begins the next transaction right after
            // each commit: in IMMEDIATE mode the connection would then hold the write lock between
            // transactions, locking every other process (the Python app, the CLI) out of writing the file.
            HikariDataSource writer = pool("bench-jdbc-writer", jdbcUrl, writerConfig.toProperties(), 1, true);
            HikariDataSource reader = null;
            try {
                reader = pool("bench-jdbc-reader", jdbcUrl, sqliteConfig(defaults).toProperties(), readers, true);
                settings.putAll(verifySqlitePragmas(writer, defaults));
                verifySqlitePragmas(reader, defaults);
                settings.put("transaction_mode_writer", "IMMEDIATE");
                settings.put("pool_writer", 1);
                settings.put("pool_readers", readers);
                StatementCache cache = new StatementCache(STATEMENT_CACHE);
                settings.put("statements", cache.describe(backend));
                return new JdbcImpl(backend, writer, reader, settings, cache);
            } catch (RuntimeException e) {
                writer.close();
                if (reader != null) {
                    reader.close();
                }
                throw e;
            }
        }
        PGSimpleDataSource migrator = new PGSimpleDataSource();
        migrator.setURL(jdbcUrl);
        Migrations.from(migrator, backend).migrate();
        Properties properties = new Properties();
        properties.setProperty("reWriteBatchedInserts", "true");
        HikariDataSource pool = pool("bench-jdbc", jdbcUrl, properties, readers, true);
        try {
            settings.putAll(postgresSettings(jdbcUrl));
            settings.put("pool", readers);
            settings.put("reWriteBatchedInserts", true);
            StatementCache cache = new StatementCache(STATEMENT_CACHE);
            settings.put("statements", cache.describe(backend) + " (pgjdbc prepares server-side after 5 uses)");
            return new JdbcImpl(backend, pool, pool, settings, cache);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** The library's recommended SQLite settings: WAL, its synchronous level, foreign keys, its busy timeout. */
    static SQLiteConfig sqliteConfig(LibrarySettings defaults) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setPragma(SQLiteConfig.Pragma.SYNCHRONOUS, defaults.sqliteSynchronous().name());
        config.enforceForeignKeys(true);
        config.setBusyTimeout((int) defaults.sqliteBusyTimeout().toMillis());
        // as the library: ids come back through RETURNING, so no generated-keys bookkeeping per statement
        config.setGetGeneratedKeys(false);
        return config;
    }

    private static HikariDataSource pool(String name, String jdbcUrl, Properties properties, int size,
                                         boolean autoCommit) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(jdbcUrl);
        config.setDataSourceProperties(properties);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        config.setAutoCommit(autoCommit);
        return new HikariDataSource(config);
    }

    /** Reads the pragmas back from a pooled connection and fails if one is not in force. */
    static Map<String, Object> verifySqlitePragmas(DataSource dataSource, LibrarySettings defaults) {
        Map<String, Object> pragmas = new LinkedHashMap<>();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String pragma : new String[] {"journal_mode", "synchronous", "foreign_keys", "busy_timeout"}) {
                try (ResultSet rs = statement.executeQuery("PRAGMA " + pragma)) {
                    rs.next();
                    pragmas.put(pragma, rs.getString(1));
                }
            }
            if (!connection.getAutoCommit()) {
                connection.rollback();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read SQLite pragmas", e);
        }
        String synchronous = switch (String.valueOf(pragmas.get("synchronous"))) {
            case "0" -> "OFF";
            case "1" -> "NORMAL";
            case "2" -> "FULL";
            case "3" -> "EXTRA";
            default -> String.valueOf(pragmas.get("synchronous"));
        };
        pragmas.put("synchronous", synchronous);
        if (!"wal".equalsIgnoreCase(String.valueOf(pragmas.get("journal_mode")))
                || !defaults.sqliteSynchronous().name().equals(synchronous)
                || !"1".equals(pragmas.get("foreign_keys"))
                || !String.valueOf(defaults.sqliteBusyTimeout().toMillis()).equals(pragmas.get("busy_timeout"))) {
            throw new IllegalStateException("SQLite pragmas not in force: " + pragmas);
        }
        return pragmas;
    }

    /** The server settings that decide write cost, as the server reports them. */
    static Map<String, Object> postgresSettings(String jdbcUrl) {
        Map<String, Object> settings = new LinkedHashMap<>();
        try (Connection connection = DriverManager.getConnection(jdbcUrl); Statement statement = connection.createStatement()) {
            try (ResultSet rs = statement.executeQuery("SELECT current_setting('server_version'),"
                    + " current_setting('synchronous_commit'), current_setting('fsync'), current_setting('shared_buffers')")) {
                rs.next();
                settings.put("server_version", rs.getString(1));
                settings.put("synchronous_commit", rs.getString(2));
                settings.put("fsync", rs.getString(3));
                settings.put("shared_buffers", rs.getString(4));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read PostgreSQL settings", e);
        }
        return settings;
    }

    @Override
    public Map<String, Object> settings() {
        return settings;
    }

    @Override
    public void insertAuthors(Workload workload, int from, int to) {
        write(unit -> {
            if (backend == Backend.POSTGRESQL) {
                unit.insertArrays(INSERT_AUTHORS_POSTGRESQL, texts(from, to, workload::authorName));
                return null;
            }
            Rows insert = unit.multiRows(INSERT_AUTHOR, to - from);
            for (int i = from; i < to; i++) {
                insert.set(workload.authorName(i));
                insert.endRow();
            }
            insert.execute();
            return null;
        });
    }

    @Override
    public void insertBooks(Workload workload, int from, int to) {
        write(unit -> {
            if (backend == Backend.POSTGRESQL) {
                insertBooksPostgres(unit, workload, from, to);
                return null;
            }
            Rows insert = unit.multiRows(INSERT_BOOK, to - from);
            for (int i = from; i < to; i++) {
                insert.set(workload.bookTitle(i));
                insert.endRow();
            }
            insert.execute();
            // ids are the rows' numbers + 1 on a fresh database (the spec's convention, checked after import)
            int[][] authorRows = authorRows(workload, from, to);
            int links = 0;
            for (int[] rows : authorRows) {
                links += rows.length;
            }
            Rows link = unit.multiRows(INSERT_LINK, links);
            for (int i = from; i < to; i++) {
                for (int authorRow : authorRows[i - from]) {
                    link.set(Workload.id(authorRow));
                    link.set(Workload.id(i));
                    link.endRow();
                }
            }
            link.execute();
            return null;
        });
    }

    private static void insertBooksPostgres(Unit unit, Workload workload, int from, int to) throws SQLException {
        unit.insertArrays(INSERT_BOOKS_POSTGRESQL, texts(from, to, workload::bookTitle));
        // ids are the rows' numbers + 1 on a fresh database (the spec's convention, checked after import)
        int[][] authorRows = authorRows(workload, from, to);
        int links = 0;
        for (int[] rows : authorRows) {
            links += rows.length;
        }
        Integer[] authorIds = new Integer[links];
        Integer[] bookIds = new Integer[links];
        int link = 0;
        for (int i = from; i < to; i++) {
            for (int authorRow : authorRows[i - from]) {
                authorIds[link] = Workload.id(authorRow);
                bookIds[link++] = Workload.id(i);
            }
        }
        unit.insertArrays(INSERT_LINKS_POSTGRESQL, authorIds, bookIds);
    }

    /**
     * The texts of rows {@code from} (inclusive) to {@code to}, as the one array of a PostgreSQL import's column.
     * An {@code IntFunction} takes the row as an int: nothing is boxed or copied, a row costs its text and one
     * interface call.
     */
    private static String[] texts(int from, int to, IntFunction<String> text) {
        String[] texts = new String[to - from];
        for (int i = from; i < to; i++) {
            texts[i - from] = text.apply(i);
        }
        return texts;
    }

    /** Each book's author rows, computed once: the links' count is their total. */
    private static int[][] authorRows(Workload workload, int from, int to) {
        int[][] authorRows = new int[to - from][];
        for (int i = from; i < to; i++) {
            authorRows[i - from] = workload.bookAuthorRows(i);
        }
        return authorRows;
    }

    @Override
    public void insertUsers(Workload workload, int from, int to) {
        write(unit -> {
            if (backend == Backend.POSTGRESQL) {
                unit.insertArrays(INSERT_USERS_POSTGRESQL, texts(from, to, workload::username));
                return null;
            }
            Rows insert = unit.batch(INSERT_USER);
            for (int i = from; i < to; i++) {
                insert.set(workload.username(i));
                insert.endRow();
            }
            insert.execute();
            return null;
        });
    }

    @Override
    public void insertComments(Workload workload, int from, int to) {
        write(unit -> {
            if (backend == Backend.POSTGRESQL) {
                String[] texts = new String[to - from];
                Integer[] userIds = new Integer[to - from];
                Integer[] bookIds = new Integer[to - from];
                for (int j = from; j < to; j++) {
                    texts[j - from] = workload.commentText(j);
                    userIds[j - from] = Workload.id(workload.commentUserRow(j));
                    bookIds[j - from] = Workload.id(workload.commentBookRow(j));
                }
                unit.insertArrays(INSERT_COMMENTS_POSTGRESQL, texts, userIds, bookIds);
                return null;
            }
            Rows insert = unit.batch(INSERT_COMMENT);
            for (int j = from; j < to; j++) {
                insert.set(workload.commentText(j));
                insert.set(Workload.id(workload.commentUserRow(j)));
                insert.set(Workload.id(workload.commentBookRow(j)));
                insert.endRow();
            }
            insert.execute();
            return null;
        });
    }

    /** What a caller of a hand-written data layer gets back: the book, its authors, its comments. */
    record Details(int id, String title, List<AuthorRow> authors, List<CommentRow> comments) {
    }

    record AuthorRow(int id, String name) {
    }

    record CommentRow(int id, String text, int userId, String username) {
    }

    @Override
    public DetailsView details(int bookId) {
        Details details = read(unit -> {
            PreparedStatement select = unit.prepare(DETAILS);
            select.setInt(1, bookId);
            select.setInt(2, bookId);
            select.setInt(3, bookId);
            String title = null;
            List<AuthorRow> authors = new ArrayList<>(3);
            List<CommentRow> comments = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    switch (rs.getInt(1)) {
                        case 0 -> title = rs.getString(3);
                        case 1 -> authors.add(new AuthorRow(rs.getInt(2), rs.getString(3)));
                        default -> comments.add(new CommentRow(rs.getInt(2), rs.getString(3), rs.getInt(4),
                                rs.getString(5)));
                    }
                }
            }
            return title == null ? null : new Details(bookId, title, List.copyOf(authors), List.copyOf(comments));
        });
        return details == null ? null
                : DetailsView.of(details.title(), details.authors(), AuthorRow::name, details.comments().size());
    }

    @Override
    public List<String> searchTitles(String query, int limit) {
        return read(unit -> {
            List<String> titles = new ArrayList<>(limit);
            PreparedStatement select = unit.prepare(backend == Backend.SQLITE ? SEARCH_SQLITE : SEARCH_POSTGRESQL);
            select.setString(1, backend == Backend.SQLITE ? ftsPhrase(query) : likeContains(query));
            select.setInt(2, limit);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    titles.add(rs.getString(2));
                }
            }
            return titles;
        });
    }

    /** An FTS5 phrase: the query as one literal string (the trigram tokenizer matches it as a substring). */
    static String ftsPhrase(String query) {
        return '"' + query.replace("\"", "\"\"") + '"';
    }

    /** A LIKE pattern matching {@code query} anywhere, with its wildcards taken literally. */
    static String likeContains(String query) {
        return "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    @Override
    public void addComment(String text, int userId, int bookId) {
        write(unit -> {
            PreparedStatement insert = unit.prepare(ADD_COMMENT);
            insert.setString(1, text);
            insert.setInt(2, userId);
            insert.setInt(3, bookId);
            try (ResultSet rs = insert.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    @Override
    public void deleteBook(int bookId) {
        int deletedBooks = write(unit -> {
            if (backend == Backend.POSTGRESQL) {
                PreparedStatement delete = unit.prepare(DELETE_BOOK_CASCADE_POSTGRESQL);
                delete.setInt(1, bookId);
                delete.setInt(2, bookId);
                delete.setInt(3, bookId);
                // the row count of a statement with WITH parts is its main DELETE's: the book's
                return delete.executeUpdate();
            }
            int deleted = 0;
            for (String sql : new String[] {DELETE_COMMENTS, DELETE_LINKS, DELETE_BOOK}) {
                PreparedStatement delete = unit.prepare(sql);
                delete.setInt(1, bookId);
                deleted = delete.executeUpdate();
            }
            return deleted;
        });
        if (deletedBooks == 0) {
            // as the library's delete, which says false: phase 5 deletes books that exist
            throw BenchImpl.notThereToDelete(bookId);
        }
    }

    @Override
    public Counts counts() {
        return read(unit -> {
            try (Statement statement = unit.connection().createStatement();
                 ResultSet rs = statement.executeQuery(COUNTS)) {
                rs.next();
                return new Counts(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5));
            }
        });
    }

    @Override
    public void close() {
        try {
            statementCache.closeAll();
        } finally {
            try {
                reader.close();
            } finally {
                writer.close();
            }
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Unit unit) throws SQLException;
    }

    /** Runs {@code work} in a transaction on a writer connection: commit on return, roll back on failure. */
    private <T> T write(Work<T> work) {
        if (backend == Backend.SQLITE) {
            return writeSqlite(work);
        }
        try (Connection connection = writer.getConnection()) {
            // PostgreSQL's one pool hands out autocommit connections; pgjdbc switches modes without a round
            // trip (BEGIN goes out with the first statement)
            boolean switchMode = connection.getAutoCommit();
            if (switchMode) {
                connection.setAutoCommit(false);
            }
            Unit unit = new Unit(connection);
            try {
                T result = work.run(unit);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            } finally {
                unit.release();
                if (switchMode) {
                    connection.setAutoCommit(true);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** SQLite: the transaction as statements (sqlite-jdbc's commit() would also run BEGIN and COMMIT again). */
    private <T> T writeSqlite(Work<T> work) {
        try (Connection connection = writer.getConnection()) {
            Unit unit = new Unit(connection);
            try {
                unit.prepare(BEGIN_IMMEDIATE).execute();
                try {
                    T result = work.run(unit);
                    unit.prepare(COMMIT).execute();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    try (Statement rollback = connection.createStatement()) {
                        rollback.execute("ROLLBACK");
                    } catch (SQLException suppressed) {
                        e.addSuppressed(suppressed);
                    }
                    throw e;
                }
            } finally {
                unit.release();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Runs {@code work} in autocommit on a reader connection: every read here is one statement, which sees one
     * snapshot by itself, so a transaction would only add BEGIN and COMMIT.
     */
    private <T> T read(Work<T> work) {
        try (Connection connection = reader.getConnection()) {
            Unit unit = new Unit(connection);
            try {
                return work.run(unit);
            } finally {
                unit.release();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** One transaction on one pooled connection, with its statements. */
    private final class Unit {
        private final Connection connection;
        private List<PreparedStatement> toClose;

        Unit(Connection connection) {
            this.connection = connection;
        }

        Connection connection() {
            return connection;
        }

        /** A prepared statement for {@code sql}: the connection's cached one, or a new one closed after the unit. */
        PreparedStatement prepare(String sql) throws SQLException {
            if (statementCache.enabled()) {
                return statementCache.get(connection, sql);
            }
            PreparedStatement statement = connection.prepareStatement(sql);
            if (toClose == null) {
                toClose = new ArrayList<>(3);
            }
            toClose.add(statement);
            return statement;
        }

        /**
         * PostgreSQL: runs an insert whose parameters are one array per column ({@code unnest}), the arrays'
         * element types read from the values (String: varchar, Integer: integer).
         */
        void insertArrays(String sql, Object[]... columns) throws SQLException {
            PreparedStatement insert = prepare(sql);
            for (int c = 0; c < columns.length; c++) {
                String type = columns[c] instanceof String[] ? "varchar" : "integer";
                insert.setArray(c + 1, connection.createArrayOf(type, columns[c]));
            }
            insert.executeUpdate();
        }

        /**
         * Rows of a single-row insert as one JDBC batch: sqlite-jdbc steps the statement per row without a call
         * per row, measured ~10% faster than one multi-row statement for the comments. (PostgreSQL's import
         * uses {@link #insertArrays}; its driver would rewrite a batch to multi-row VALUES.)
         */
        Rows batch(String singleRowInsert) throws SQLException {
            return new Rows(prepare(singleRowInsert), false);
        }

        /**
         * {@code rows} rows of a single-row insert as ONE statement with a VALUES row per row on SQLite (prepared
         * once per row count). For a table with a full-text index a statement per row inside the transaction
         * makes the FTS5 table flush its pending terms per statement (a batch of 1,000 books took six times as
         * long; the title index came out in 10 segments instead of 2, and searches on it ran ~15% slower); for
         * the author links (two integers a row) it measured ~10% faster than a batch, for the comments ~15%
         * slower. (PostgreSQL's import uses {@link #insertArrays}.)
         */
        Rows multiRows(String singleRowInsert, int rows) throws SQLException {
            int values = singleRowInsert.indexOf(" VALUES ");
            String row = singleRowInsert.substring(values + " VALUES ".length());
            StringBuilder sql = new StringBuilder(values + rows * (row.length() + 1)).append(singleRowInsert, 0, values)
                    .append(" VALUES ").append(row);
            for (int r = 1; r < rows; r++) {
                sql.append(',').append(row);
            }
            return new Rows(prepare(sql.toString()), true);
        }

        void release() throws SQLException {
            if (toClose != null) {
                for (PreparedStatement statement : toClose) {
                    statement.close();
                }
            }
        }
    }

    /** Binds rows of an insert, a batch or one multi-row statement: values in column order, then {@link #endRow}. */
    private static final class Rows {
        private final PreparedStatement statement;
        private final boolean multiRow;
        private int parameter;

        Rows(PreparedStatement statement, boolean multiRow) {
            this.statement = statement;
            this.multiRow = multiRow;
        }

        void set(String value) throws SQLException {
            statement.setString(++parameter, value);
        }

        void set(int value) throws SQLException {
            statement.setInt(++parameter, value);
        }

        void endRow() throws SQLException {
            if (!multiRow) {
                statement.addBatch();
                parameter = 0;
            }
        }

        void execute() throws SQLException {
            if (multiRow) {
                statement.executeUpdate();
            } else {
                statement.executeBatch();
            }
        }
    }
}
