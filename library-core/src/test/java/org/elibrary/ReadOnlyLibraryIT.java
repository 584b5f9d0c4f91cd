package org.elibrary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.elibrary.domain.Author;
import org.elibrary.domain.Book;
import org.elibrary.domain.CatalogCounts;
import org.elibrary.domain.NewBook;
import org.elibrary.domain.NewComment;
import org.elibrary.domain.User;
import org.elibrary.internal.db.Database;
import org.elibrary.internal.db.Databases;
import org.elibrary.internal.schema.SchemaMigrator;
import org.elibrary.reliability.SqliteSpillingWriter;
import org.elibrary.testing.ReadOnlyPath;
import org.elibrary.testing.Stderr;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code DATABASE_READ_ONLY=true}: a Library that only reads. On a writable database (so that the tests do not
 * depend on file permissions, which root ignores): reads work, every write call, synchronous or asynchronous, is
 * refused with one ConfigurationException and the database is unchanged, the connections themselves are
 * read-only, and a database that was never migrated is refused. A SQLite file this process may not write opens.
 * {@code Library.builder(dataSource).readOnly(true)} refuses the same writes on a caller's pool.
 */
class ReadOnlyLibraryIT {
    private static final String REFUSED = "the library is open read-only (DATABASE_READ_ONLY=true): ";

    /** A migrated database with one row in each table and one link; returns its URL. */
    private static String catalog(Backend backend) {
        String url = TestDatabases.newDatabaseUrl(backend);
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(url).build())) {
            Author author = library.authors().create("Лев Толстой");
            Book book = library.books().create("Война и мир");
            library.books().linkAuthor(book.id(), author.id());
            User user = library.users().create("anna");
            library.comments().add(user.id(), book.id(), "хорошо");
        }
        return url;
    }

    private static LibrarySettings readOnly(String url) {
        return LibrarySettings.builder().databaseUrl(url).readOnly(true).build();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void readsWorkAsUsual(Backend backend) {
        String url = catalog(backend);
        try (Library library = Library.open(readOnly(url))) {
            assertThat(library.counts()).isEqualTo(new CatalogCounts(1, 1, 1, 1, 1));
            Book book = library.books().findByTitle("Война и мир").orElseThrow();
            Author author = library.authors().findByName("Лев Толстой").orElseThrow();
            User user = library.users().findByUsername("anna").orElseThrow();
            assertThat(library.books().findWithAuthors(book.id()).orElseThrow().authors()).containsExactly(author);
            assertThat(library.books().findDetails(book.id())).isPresent();
            assertThat(library.authors().findDetails(author.id())).isPresent();
            assertThat(library.books().searchByTitle("МИР", 10)).hasSize(1);
            assertThat(library.books().searchByAuthor("толст", 10)).hasSize(1);
            assertThat(library.authors().search("Лев", 10)).containsExactly(author);
            assertThat(library.books().listAfter(0, 10)).hasSize(1);
            assertThat(library.users().page(0, 10).total()).isEqualTo(1);
            assertThat(library.comments().listForBook(book.id())).hasSize(1);
            assertThat(library.comments().listForUser(user.id())).hasSize(1);
            // a transaction that only reads, nested savepoint included
            long counted = library.inTransaction(tx -> tx.inTransaction(inner -> inner.books().count())
                    + tx.authors().count());
            assertThat(counted).isEqualTo(2);
            // asynchronous reads and a reading transaction
            assertThat(library.async().books().findById(book.id()).join()).contains(book);
            assertThat(library.async().counts().join()).isEqualTo(library.counts());
            assertThat(library.async().inTransaction(tx -> tx.users().count()).join()).isEqualTo(1);
        }
    }

    /** Every kind of write call: refused before it reaches the database, which is left as it was. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void everyWriteIsRefusedAndNothingChanges(Backend backend) throws Exception {
        String url = catalog(backend);
        Map<String, String> rowsBefore = rows(url, backend);
        try (Library library = Library.open(readOnly(url))) {
            thenEveryWriteIsRefused(library, REFUSED);
        }
        assertThat(rows(url, backend)).isEqualTo(rowsBefore);
    }

    /**
     * {@code Library.builder(dataSource).readOnly(true)}: on a caller's pool, whose connections may write, every
     * write call is refused all the same, naming the builder's switch; reads work, and the database is unchanged.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void onACallersDataSourceEveryWriteIsRefusedAndNothingChanges(Backend backend) throws Exception {
        String url = catalog(backend);
        Map<String, String> rowsBefore = rows(url, backend);
        try (HikariDataSource pool = TestDatabases.pool(url, 2);
             Library library = Library.builder(pool).readOnly(true).open()) {
            assertThat(library.database().readOnly()).isTrue();
            assertThat(library.settings()).isEmpty();
            assertThat(library.books().searchByTitle("МИР", 10)).hasSize(1);
            assertThat(library.async().counts().join()).isEqualTo(new CatalogCounts(1, 1, 1, 1, 1));
            thenEveryWriteIsRefused(library, "the library is open read-only (readOnly(true)): ");
        }
        assertThat(rows(url, backend)).isEqualTo(rowsBefore);
    }

    /**
     * A library that may write, opened on a caller's PostgreSQL pool made read-only ({@code HikariConfig.setReadOnly},
     * Boot's {@code spring.datasource.hikari.read-only}): a write fails as a {@link ConfigurationException} saying
     * which setting refused it and what to do (it said "read-only for now; retry later, or point DATABASE_URL at the
     * primary", a {@link DatabaseUnavailableException}).
     */
    @Test
    void aLibraryThatMayWriteOnACallersReadOnlyPostgresPoolSaysWhichSettingRefusesItsWrites() throws Exception {
        String url = catalog(Backend.POSTGRESQL);
        Map<String, String> rowsBefore = rows(url, Backend.POSTGRESQL);
        com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(2);
        config.setReadOnly(true);
        try (HikariDataSource pool = new HikariDataSource(config); Library library = Library.open(pool)) {
            assertThat(library.books().count()).isEqualTo(1);
            assertThatThrownBy(() -> library.authors().create("Новый автор"))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("the DataSource's connections are read-only")
                    .hasMessageContaining("readOnly(true)");
            assertThat(library.async().authors().create("Новый автор")).failsWithin(java.time.Duration.ofSeconds(30))
                    .withThrowableThat().havingCause().isInstanceOf(ConfigurationException.class);
        }
        assertThat(rows(url, Backend.POSTGRESQL)).isEqualTo(rowsBefore);
    }

    /**
     * The same on a caller's SQLite pool opened read-only ({@code mode=ro}): a write fails as a
     * {@link ConfigurationException} saying why and what to do (it was "database error: attempt to write a readonly
     * database", a {@link DatabaseUnavailableException} that invited a retry).
     */
    @Test
    void aLibraryThatMayWriteOnACallersReadOnlySqlitePoolSaysWhatRefusesItsWrites() throws Exception {
        String url = catalog(Backend.SQLITE);
        Map<String, String> rowsBefore = rows(url, Backend.SQLITE);
        String file = url.substring("jdbc:sqlite:".length());
        com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
        config.setJdbcUrl("jdbc:sqlite:file:" + file + "?mode=ro");
        config.setMaximumPoolSize(2);
        try (HikariDataSource pool = new HikariDataSource(config); Library library = Library.open(pool, false)) {
            assertThat(library.books().count()).isEqualTo(1);
            assertThatThrownBy(() -> library.authors().create("Новый автор"))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("cannot be written through this connection")
                    .hasMessageContaining("readOnly(true)");
            assertThat(library.async().authors().create("Новый автор")).failsWithin(java.time.Duration.ofSeconds(30))
                    .withThrowableThat().havingCause().isInstanceOf(ConfigurationException.class);
        }
        assertThat(rows(url, Backend.SQLITE)).isEqualTo(rowsBefore);
    }

    /**
     * A caller's SQLite pool set read-only the HikariCP way (Spring Boot's {@code spring.datasource.hikari.read-only},
     * a pool started lazily as Boot's is): sqlite-jdbc refuses to make an open connection read-only, so the pool
     * never gives one. Opening the library is a {@link ConfigurationException} saying so and what to do instead (it
     * was a {@link DatabaseUnavailableException}, an outage to retry, with the driver's words only).
     */
    @Test
    void aCallersSqlitePoolSetReadOnlyTheHikariWayIsRefusedWithWhatToDoInstead() throws Exception {
        String url = catalog(Backend.SQLITE);
        com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
        config.setJdbcUrl(url);
        config.setReadOnly(true);
        try (HikariDataSource pool = new HikariDataSource()) {
            config.copyStateTo(pool); // started by its first connection, as Spring Boot's is
            for (Boolean readOnly : new Boolean[] {true, false}) {
                assertThatThrownBy(() -> Library.builder(pool).readOnly(readOnly).open())
                        .isInstanceOf(ConfigurationException.class)
                        .hasMessageContaining("spring.datasource.hikari.read-only")
                        .hasMessageContaining("Library.builder(dataSource).readOnly(true)")
                        .hasMessageContaining("?mode=ro");
            }
        }
    }

    /** Not migrated, not created, through a caller's pool too: refused with what to do, and left as it was. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void onACallersDataSourceANeverMigratedDatabaseIsRefusedClearly(Backend backend) throws Exception {
        String url = TestDatabases.newDatabaseUrl(backend);
        try (HikariDataSource pool = TestDatabases.pool(url, 2)) {
            assertThatThrownBy(() -> Library.builder(pool).readOnly(true).open())
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("has no migration history")
                    .hasMessageContaining("a library open read-only (readOnly(true)) does not migrate: migrate the "
                            + "database first with write access");
            assertThatThrownBy(() -> Library.builder(pool).readOnly(true).migrate(false).open())
                    .hasMessageContaining("has no migration history");
        }
        assertThat(rows(url, backend)).isEmpty();
    }

    private static void thenEveryWriteIsRefused(Library library, String refusedPrefix) {
        long book = library.books().findByTitle("Война и мир").orElseThrow().id();
        long author = library.authors().findByName("Лев Толстой").orElseThrow().id();
        long user = library.users().findByUsername("anna").orElseThrow().id();
        long comment = library.comments().listForUser(user).get(0).id();
        CatalogCounts before = library.counts();
        Map<String, Consumer<Repos>> writes = writes(book, author, user, comment);
        for (Map.Entry<String, Consumer<Repos>> write : writes.entrySet()) {
            Throwable sync = catchThrowable(() -> write.getValue().accept(Repos.of(library)));
            assertThat(sync).as(write.getKey()).isInstanceOf(ConfigurationException.class)
                    .hasMessage(refusedPrefix + write.getKey() + " is refused; nothing was written");
            // inside a transaction (the handle's repositories), which may go on reading after the refusal
            Throwable inTransaction = catchThrowable(() -> library.useTransaction(tx -> {
                Throwable refused = catchThrowable(() -> write.getValue().accept(Repos.of(tx)));
                assertThat(refused).as(write.getKey()).isInstanceOf(ConfigurationException.class);
                assertThat(tx.counts()).isEqualTo(before);
                throw (ConfigurationException) refused;
            }));
            assertThat(inTransaction).as(write.getKey()).hasMessageStartingWith(refusedPrefix + write.getKey());
        }
        // asynchronous: the future fails with the same exception; the engine gives back what the call took
        for (Map.Entry<String, Function<AsyncLibrary, CompletableFuture<?>>> write
                : asyncWrites(book, author, user, comment).entrySet()) {
            Throwable failure = catchThrowable(() -> write.getValue().apply(library.async()).join());
            assertThat(failure).as(write.getKey()).isInstanceOf(CompletionException.class);
            assertThat(failure.getCause()).as(write.getKey()).isInstanceOf(ConfigurationException.class)
                    .hasMessage(refusedPrefix + write.getKey() + " is refused; nothing was written");
        }
        assertThat(catchThrowable(() -> library.async().inTransaction(tx -> tx.books().create("новая")).join())
                .getCause()).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith(refusedPrefix + "BookRepository.create ");
        // more refused calls than the pool has connections, at once: none is kept
        List<CompletableFuture<Book>> many = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            many.add(library.async().books().create("n" + i));
        }
        for (CompletableFuture<Book> call : many) {
            assertThat(catchThrowable(call::join)).hasCauseInstanceOf(ConfigurationException.class);
        }
        assertThat(library.async().counts().join()).isEqualTo(before);
        assertThat(library.counts()).isEqualTo(before);
    }

    /** The setting itself, on a file this process may write: the connections cannot write either. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void theConnectionsThemselvesAreReadOnly(Backend backend) throws Exception {
        String url = catalog(backend);
        try (Database database = Databases.open(readOnly(url));
             Connection connection = database.reader().getConnection();
             Statement statement = connection.createStatement()) {
            assertThat(database.writer()).isSameAs(database.reader());
            assertThat(database.serialisesWrites()).isFalse();
            assertThat(connection.isReadOnly()).isTrue();
            if (backend == Backend.POSTGRESQL) {
                // in autocommit too, where the library's reads run
                try (ResultSet rs = statement.executeQuery("SHOW transaction_read_only")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("on");
                }
                // a startup option, for this session alone: a SET (pgjdbc's readOnlyMode=always) would stay on a
                // transaction pooler's server connection for its next client
                try (ResultSet rs = statement.executeQuery("SELECT setting, source FROM pg_settings "
                        + "WHERE name = 'default_transaction_read_only'")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1) + " " + rs.getString(2)).isEqualTo("on client");
                }
            }
            assertThatThrownBy(() -> statement.executeUpdate("INSERT INTO author (name) VALUES ('x')"))
                    .hasMessageContaining(backend == Backend.SQLITE ? "SQLITE_READONLY" : "read-only");
        }
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(url).build())) {
            assertThat(library.authors().count()).isEqualTo(1);
        }
    }

    /** Once closed, a read-only Library answers a write as it answers any call: it is closed. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void aClosedReadOnlyLibrarySaysItIsClosed(Backend backend) {
        String url = catalog(backend);
        Library library = Library.open(readOnly(url));
        AsyncLibrary async = library.async();
        library.close();
        assertThatThrownBy(() -> library.books().create("новая")).isInstanceOf(LibraryClosedException.class);
        assertThatThrownBy(() -> library.books().findById(1)).isInstanceOf(LibraryClosedException.class);
        assertThat(catchThrowable(() -> async.books().create("новая").join()))
                .hasCauseInstanceOf(LibraryClosedException.class);
    }

    /** Not migrated, not created: an empty database is refused with what to do, and left as it was. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void aNeverMigratedDatabaseIsRefusedClearly(Backend backend) throws Exception {
        String url = TestDatabases.newDatabaseUrl(backend);
        if (backend == Backend.SQLITE) {
            Files.createFile(Path.of(url.substring("jdbc:sqlite:".length())));
        }
        assertThatThrownBy(() -> Library.open(readOnly(url)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("has no migration history")
                .hasMessageContaining("a library open read-only (DATABASE_READ_ONLY=true) does not migrate: a writer "
                        + "must migrate the database first");
        assertThat(rows(url, backend)).isEmpty();
    }

    /** The same version check as an open without migrating: a schema behind is refused, one ahead opens. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void aSchemaBehindIsRefusedAndOneAheadOpensWithAWarning(Backend backend) throws Exception {
        String url = catalog(backend);
        String success = backend == Backend.SQLITE ? "1" : "true";
        execute(url, "UPDATE flyway_schema_history SET success = " + (backend == Backend.SQLITE ? "0" : "false")
                + " WHERE version = '3'");
        assertThatThrownBy(() -> Library.open(readOnly(url)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("is at version 2 and this library needs version 3; a library open read-only "
                        + "(DATABASE_READ_ONLY=true) does not migrate");
        execute(url, "UPDATE flyway_schema_history SET success = " + success + " WHERE version = '3'");
        execute(url, "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, "
                + "checksum, installed_by, execution_time, success) VALUES (99, '10', 'later', 'SQL', "
                + "'V10__later.sql', 0, 'test', 0, " + success + ")");
        Map<String, String> before = rows(url, backend);
        assertThat(Stderr.of(() -> {
            try (Library library = Library.open(readOnly(url))) {
                assertThat(library.books().searchByTitle("мир", 10)).hasSize(1);
            }
        })).contains("is at version 10, newer than this library's 3");
        assertThat(rows(url, backend)).isEqualTo(before);
    }

    @Test
    void aSqliteFileThatDoesNotExistIsNotCreated() throws Exception {
        Path file = TestDatabases.newSqliteFile();
        assertThatThrownBy(() -> Library.open(readOnly("jdbc:sqlite:" + file)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("the SQLite database file " + file + " does not exist; with "
                        + "DATABASE_READ_ONLY=true the library does not create it");
        assertThat(file.getParent()).isEmptyDirectory();
        assertThatThrownBy(() -> Library.open(readOnly("sqlite+aiosqlite:///:memory:")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("in-memory database");
    }

    /** The case the setting is for: a file this process may not write opens, and reads; writes are refused. */
    @Test
    void aSqliteFileThatCannotBeWrittenOpensForReading() throws Exception {
        Path file = Path.of(catalog(Backend.SQLITE).substring("jdbc:sqlite:".length()));
        try (ReadOnlyPath ignored = ReadOnlyPath.make(file)) {
            assertThatThrownBy(() -> Library.open(LibrarySettings.builder().databaseUrl("jdbc:sqlite:" + file)
                    .migrateOnOpen(false).build()))
                    .isInstanceOf(DatabaseUnavailableException.class)
                    .hasMessageContaining("the file is read-only; set DATABASE_READ_ONLY=true to open it for reading");
            try (Library library = Library.open(readOnly("jdbc:sqlite:" + file))) {
                assertThat(library.counts()).isEqualTo(new CatalogCounts(1, 1, 1, 1, 1));
                assertThat(library.books().searchByTitle("война", 10)).hasSize(1);
                assertThatThrownBy(() -> library.authors().create("Пушкин"))
                        .isInstanceOf(ConfigurationException.class)
                        .hasMessageStartingWith(REFUSED + "AuthorRepository.create");
            }
        }
    }

    /**
     * A file a process killed mid-commit left with a hot journal: a read-only library may not roll it back, so it
     * is refused saying what to do, and the file and its journal are left as they were.
     */
    @Test
    void aSqliteFileWithAHotJournalIsRefusedAndLeftAsItWas() throws Exception {
        String url = TestDatabases.newSqliteUrl();
        Path file = Path.of(url.substring("jdbc:sqlite:".length()));
        SchemaMigrator.migrate(Databases.migrationDataSource(LibrarySettings.builder().databaseUrl(url).build()),
                Backend.SQLITE);
        SqliteSpillingWriter.killMidCommit(file);
        byte[] before = Files.readAllBytes(file);
        byte[] journal = Files.readAllBytes(SqliteSpillingWriter.journal(file));
        assertThatThrownBy(() -> Library.open(readOnly(url)))
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessageContaining(file + " cannot be read: a process stopped while writing it left its journal "
                        + "library.db-journal")
                .hasMessageContaining("open it once with write access");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThat(Files.readAllBytes(SqliteSpillingWriter.journal(file))).isEqualTo(journal);
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(url).build())) {
            assertThat(library.counts()).isEqualTo(new CatalogCounts(0, 0, 0, 0, 0));
        }
        try (Library library = Library.open(readOnly(url))) {
            assertThat(library.counts()).isEqualTo(new CatalogCounts(0, 0, 0, 0, 0));
        }
    }

    /** The write calls of the API, by the name the refusal gives them. */
    private static Map<String, Consumer<Repos>> writes(long book, long author, long user, long comment) {
        Map<String, Consumer<Repos>> writes = new LinkedHashMap<>();
        writes.put("AuthorRepository.create", r -> r.authors().create("Пушкин"));
        writes.put("AuthorRepository.createAll", r -> r.authors().createAll(List.of("Гоголь")));
        writes.put("AuthorRepository.findOrCreateAll", r -> r.authors().findOrCreateAll(List.of("Лев Толстой")));
        writes.put("AuthorRepository.rename", r -> r.authors().rename(author, "Толстой"));
        writes.put("AuthorRepository.delete", r -> r.authors().delete(author));
        writes.put("BookRepository.create", r -> r.books().create("Анна Каренина"));
        writes.put("BookRepository.createWithAuthorIds", r -> r.books().createWithAuthorIds("Детство", List.of(author)));
        writes.put("BookRepository.createWithAuthors", r -> r.books().createWithAuthors("Юность", List.of("Лев Толстой")));
        writes.put("BookRepository.createAll", r -> r.books().createAll(List.of(new NewBook("Отрочество", List.of()))));
        writes.put("BookRepository.rename", r -> r.books().rename(book, "Мир"));
        writes.put("BookRepository.delete", r -> r.books().delete(book));
        writes.put("BookRepository.linkAuthor", r -> r.books().linkAuthor(book, author));
        writes.put("BookRepository.unlinkAuthor", r -> r.books().unlinkAuthor(book, author));
        writes.put("UserRepository.create", r -> r.users().create("boris"));
        writes.put("UserRepository.createAll", r -> r.users().createAll(List.of("vera")));
        writes.put("UserRepository.findOrCreateAll", r -> r.users().findOrCreateAll(List.of("anna")));
        writes.put("UserRepository.rename", r -> r.users().rename(user, "anya"));
        writes.put("UserRepository.delete", r -> r.users().delete(user));
        writes.put("CommentRepository.add", r -> r.comments().add(user, book, "ещё"));
        writes.put("CommentRepository.addAll", r -> r.comments().addAll(List.of(new NewComment(user, book, "и ещё"))));
        writes.put("CommentRepository.edit", r -> r.comments().edit(comment, "плохо"));
        writes.put("CommentRepository.delete", r -> r.comments().delete(comment));
        return writes;
    }

    private static Map<String, Function<AsyncLibrary, CompletableFuture<?>>> asyncWrites(long book, long author,
                                                                                       long user, long comment) {
        Map<String, Function<AsyncLibrary, CompletableFuture<?>>> writes = new LinkedHashMap<>();
        writes.put("AuthorRepository.create", a -> a.authors().create("Пушкин"));
        writes.put("AuthorRepository.findOrCreateAll", a -> a.authors().findOrCreateAll(List.of("Лев Толстой")));
        writes.put("AuthorRepository.delete", a -> a.authors().delete(author));
        writes.put("BookRepository.createWithAuthors", a -> a.books().createWithAuthors("Юность", List.of("Лев")));
        writes.put("BookRepository.rename", a -> a.books().rename(book, "Мир"));
        writes.put("BookRepository.linkAuthor", a -> a.books().linkAuthor(book, author));
        writes.put("UserRepository.createAll", a -> a.users().createAll(List.of("vera")));
        writes.put("UserRepository.delete", a -> a.users().delete(user));
        writes.put("CommentRepository.add", a -> a.comments().add("anna", book, "ещё"));
        writes.put("CommentRepository.edit", a -> a.comments().edit(comment, "плохо"));
        return writes;
    }

    /** The repositories of a Library or of a transaction's handle, so that one list of writes serves both. */
    private record Repos(AuthorRepository authors, BookRepository books, UserRepository users,
                         CommentRepository comments) {
        static Repos of(Library library) {
            return new Repos(library.authors(), library.books(), library.users(), library.comments());
        }

        static Repos of(Transaction tx) {
            return new Repos(tx.authors(), tx.books(), tx.users(), tx.comments());
        }
    }

    private static void execute(String url, String sql) throws Exception {
        try (Connection connection = java.sql.DriverManager.getConnection(url);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** Every row of the library's five tables, as text, by table: what a refused call must leave as it was. */
    private static Map<String, String> rows(String url, Backend backend) throws Exception {
        Map<String, String> rows = new LinkedHashMap<>();
        try (Connection connection = java.sql.DriverManager.getConnection(url);
             Statement statement = connection.createStatement()) {
            for (String table : List.of("author", "book", "author_book", "\"user\"", "comment")) {
                StringBuilder text = new StringBuilder();
                try (ResultSet rs = statement.executeQuery("SELECT * FROM " + table + " ORDER BY 1, 2")) {
                    while (rs.next()) {
                        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                            text.append(rs.getString(i)).append('|');
                        }
                        text.append('\n');
                    }
                } catch (java.sql.SQLException missing) {
                    continue; // a never-migrated database has no tables
                }
                rows.put(table, text.toString());
            }
        }
        return rows;
    }
}
