package org.elibrary.internal.session;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.apache.ibatis.mapping.BoundSql;
import org.apache.ibatis.mapping.MappedStatement;
import org.apache.ibatis.mapping.ParameterMapping;
import org.apache.ibatis.reflection.ParamNameResolver;
import org.apache.ibatis.scripting.defaults.DefaultParameterHandler;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.elibrary.Backend;
import org.elibrary.Library;
import org.elibrary.LibrarySettings;
import org.elibrary.internal.mapper.AuthorMapper;
import org.elibrary.internal.mapper.BookMapper;
import org.elibrary.internal.mapper.Bulk;
import org.elibrary.internal.mapper.CatalogMapper;
import org.elibrary.internal.mapper.CommentMapper;
import org.elibrary.internal.mapper.OnlyOn;
import org.elibrary.internal.mapper.SearchQuery;
import org.elibrary.internal.mapper.UserMapper;
import org.elibrary.testing.TestDatabases;

/**
 * The cases of {@link DirectMappersIT}'s differential test, and the two ways it runs them: through
 * {@link DirectMappers}, and through a MyBatis session on the same parsed mapper XML (the oracle).
 *
 * <p>One deliberate exception in the oracle: a statement whose text holds several statements (the cascade
 * deletes) runs in a MyBatis session as the driver takes it, which is not what the library asks of it:
 * sqlite-jdbc prepares only the first statement of a text (binding the second one's parameter then fails), and
 * for PostgreSQL's locked delete (a SELECT first) MyBatis returns the first result's update count, -1. The
 * library's contract is every statement, in order, and the last one's row count, so for those the oracle binds
 * each statement with MyBatis's own {@link DefaultParameterHandler} and runs them in turn.
 */
final class MapperOracle {
    private static final List<String> TABLES = List.of("author", "book", "\"user\"", "author_book", "comment");

    private final Configuration configuration;
    private final SqlSessionFactory sessions;
    private final Set<String> covered = new ConcurrentSkipListSet<>();

    MapperOracle(Backend backend) {
        this.configuration = CatalogConfiguration.create(backend, Duration.ofSeconds(30));
        this.sessions = new SqlSessionFactoryBuilder().build(configuration);
    }

    /** A case of the test; {@code name} says which. */
    sealed interface Case permits Calls, Rows {
        String name();
    }

    /** Calls of mapper methods with their arguments; the value is what the calls return. */
    record Calls<M>(String name, Class<M> mapper, Invocation<M> call) implements Case {
    }

    @FunctionalInterface
    interface Invocation<M> {
        Object on(M mapper);
    }

    /**
     * Bulk rows of a one-row insert, each row its parameters' values (Long or String): through a {@link RowWriter}
     * on the direct path, as a call of the mapper method per row through MyBatis; the value is the rows inserted.
     */
    record Rows(String name, Class<?> mapper, String method, List<List<Object>> rows) implements Case {
    }

    /** What a call gave: its value, or the SQL error that refused it (SQLState and vendor code). */
    record Outcome(Object value, String sqlState, int errorCode) {
    }

    Outcome direct(Case call, Connection connection) {
        Statements statements = new Statements(connection, new DirectMappers(configuration));
        if (call instanceof Rows rows) {
            try {
                RowWriter writer = statements.rowWriter(rows.mapper(), rows.method());
                for (List<Object> row : rows.rows()) {
                    for (Object value : row) {
                        if (value instanceof String text) {
                            writer.add(text);
                        } else {
                            writer.add((Long) value);
                        }
                    }
                    writer.endRow();
                }
                return new Outcome(writer.finish(), null, 0);
            } catch (RuntimeException e) {
                return failed(e);
            }
        }
        Calls<?> calls = (Calls<?>) call;
        return run(calls, statements.mapper(calls.mapper()), null);
    }

    Outcome throughMyBatis(Case call, Connection connection) throws ReflectiveOperationException {
        // A session per case, so its cache answers nothing twice; not closed: that would close the connection,
        // whose autocommit ends each statement.
        SqlSession session = sessions.openSession(connection);
        if (call instanceof Rows rows) {
            Object mapper = session.getMapper(rows.mapper());
            Method insert = Arrays.stream(rows.mapper().getMethods())
                    .filter(method -> method.getName().equals(rows.method())).findFirst().orElseThrow();
            int inserted = 0;
            try {
                for (List<Object> row : rows.rows()) {
                    inserted += (Integer) insert.invoke(mapper, row.toArray());
                }
            } catch (InvocationTargetException e) {
                return failed((RuntimeException) e.getCause());
            }
            return new Outcome(inserted, null, 0);
        }
        Calls<?> calls = (Calls<?>) call;
        return run(calls, session.getMapper(calls.mapper()), connection);
    }

    /** Every mapper method the library plans on this database (as DirectMappers.planAll), by mapper and name. */
    Set<String> planned() {
        Set<String> planned = new TreeSet<>();
        for (Class<?> type : configuration.getMapperRegistry().getMappers()) {
            for (Method method : type.getMethods()) {
                OnlyOn onlyOn = method.getAnnotation(OnlyOn.class);
                if (!method.isDefault() && !method.isSynthetic() && !Modifier.isStatic(method.getModifiers())
                        && (onlyOn == null || onlyOn.value().equals(configuration.getDatabaseId()))) {
                    planned.add(type.getSimpleName() + "." + method.getName());
                }
            }
        }
        return planned;
    }

    /** The mapper methods the cases called so far. */
    Set<String> covered() {
        return covered;
    }

    /**
     * Runs the case on {@code target} through a proxy that records which method it calls; {@code oracleOn}, when
     * not null, is the MyBatis side's connection, on which a text of several statements runs one by one.
     */
    private <M> Outcome run(Calls<M> call, Object target, Connection oracleOn) {
        Class<M> type = call.mapper();
        Class<?>[] interfaces = {type};
        M recording = type.cast(Proxy.newProxyInstance(type.getClassLoader(), interfaces, (p, method, args) -> {
            covered.add(type.getSimpleName() + "." + method.getName());
            if (oracleOn != null) {
                MappedStatement statement = configuration.getMappedStatement(type.getName() + "." + method.getName());
                Object parameter = new ParamNameResolver(configuration, method).getNamedParams(args);
                BoundSql bound = statement.getBoundSql(parameter);
                if (statementTexts(bound.getSql()).size() > 1) {
                    return oneByOne(oracleOn, statement, parameter, bound);
                }
            }
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }));
        try {
            return new Outcome(call.call().on(recording), null, 0);
        } catch (RuntimeException e) {
            return failed(e);
        }
    }

    /** The SQL error that refused a call; anything else is rethrown. */
    private static Outcome failed(RuntimeException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                return new Outcome(null, sql.getSQLState(), sql.getErrorCode());
            }
        }
        throw e;
    }

    private static List<String> statementTexts(String sql) {
        List<String> texts = new ArrayList<>();
        for (String text : sql.split(";")) {
            if (!text.isBlank()) {
                texts.add(text.strip());
            }
        }
        return texts;
    }

    /** Each statement of the text bound by MyBatis's parameter handler and run in turn: the last one's count. */
    private int oneByOne(Connection connection, MappedStatement statement, Object parameter, BoundSql bound)
            throws SQLException {
        int count = -1;
        int from = 0;
        for (String text : statementTexts(bound.getSql())) {
            int markers = (int) text.chars().filter(c -> c == '?').count();
            List<ParameterMapping> mappings = bound.getParameterMappings().subList(from, from + markers);
            from += markers;
            BoundSql part = new BoundSql(configuration, text, mappings, parameter);
            try (PreparedStatement prepared = connection.prepareStatement(text)) {
                new DefaultParameterHandler(statement, parameter, part).setParameters(prepared);
                if (!prepared.execute()) {
                    count = prepared.getUpdateCount();
                }
            }
        }
        return count;
    }

    /** Every row of every table of the catalog, each row as its columns' text, in a fixed order. */
    static List<List<String>> tables(Connection connection) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        for (String table : TABLES) {
            try (Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT * FROM " + table + " ORDER BY 1, 2")) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<String> row = new ArrayList<>(columns + 1);
                    row.add(table);
                    for (int c = 1; c <= columns; c++) {
                        row.add(rs.getString(c));
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    /**
     * A migrated catalog with representative rows, and fresh copies of it: a file copy on SQLite, a database made
     * from it as template on PostgreSQL (sequences included, so both copies hand out the same next ids).
     * Ids follow insertion order from 1. Author 4 (Пушкин) and books 5 (Untitled) and 6 have no links, user 3
     * (carol) and book 5 no comments; "Anon" and "anon", "Мастер…" and "мастерская" differ only in case.
     */
    static final class Catalog {
        private static final AtomicInteger COPIES = new AtomicInteger();
        private final Backend backend;
        private final String url;

        private Catalog(Backend backend, String url) {
            this.backend = backend;
            this.url = url;
        }

        static Catalog seed(Backend backend) throws SQLException {
            String url = TestDatabases.newDatabaseUrl(backend);
            Library.open(LibrarySettings.builder().databaseUrl(url).build()).close();
            try (Connection connection = DriverManager.getConnection(url);
                 Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO author (name) VALUES ('Булгаков'), ('Толстой'), ('Anon'), ('Пушкин'),"
                        + " ('anon')");
                statement.execute("INSERT INTO book (title) VALUES ('Мастер и Маргарита'), ('Война и мир'),"
                        + " ('Anna Karenina'), ('Белая гвардия'), ('Untitled'), ('мастерская'),"
                        + " ('Master and Margarita')");
                statement.execute("INSERT INTO author_book (author_id, book_id) VALUES (1, 1), (3, 1), (2, 2), (2, 3),"
                        + " (1, 4), (1, 7), (5, 7)");
                statement.execute("INSERT INTO \"user\" (username) VALUES ('anna'), ('Борис'), ('carol'), ('Анна')");
                statement.execute("INSERT INTO comment (text, user_id, book_id) VALUES ('первый', 1, 1),"
                        + " ('second', 2, 1), ('Ок', 1, 2), ('Отлично', 2, 3), ('ещё', 1, 1), ('Nice', 4, 7)");
            }
            return new Catalog(backend, url);
        }

        /** A connection to a new copy of the catalog, set up as the library's connections are for its SQL. */
        Connection copy() throws Exception {
            if (backend == Backend.SQLITE) {
                Path file = TestDatabases.newSqliteFile();
                Files.copy(Path.of(url.substring("jdbc:sqlite:".length())), file);
                Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("PRAGMA foreign_keys = ON");
                }
                SqliteFunctions.registerFold(connection);
                return connection;
            }
            String template = org.postgresql.Driver.parseURL(url, null).getProperty("PGDBNAME");
            String copy = template + "_" + COPIES.incrementAndGet();
            try (Connection admin = DriverManager.getConnection(TestDatabases.postgresAdminUrl());
                 Statement statement = admin.createStatement()) {
                for (int attempt = 1; ; attempt++) {
                    try {
                        statement.execute("CREATE DATABASE " + copy + " TEMPLATE " + template);
                        break;
                    } catch (SQLException e) {
                        // 55006: a closed connection's server process has not quite ended yet
                        if (!"55006".equals(e.getSQLState()) || attempt == 50) {
                            throw e;
                        }
                        Thread.sleep(100);
                    }
                }
            }
            return DriverManager.getConnection(url.replace("/" + template + "?", "/" + copy + "?"));
        }
    }

    // ------------------------------------------------------------------------------------------------ cases

    private static <M> Calls<M> of(String name, Class<M> mapper, Invocation<M> call) {
        return new Calls<>(name, mapper, call);
    }

    /** A search method called with each query in turn; its value the list of their results. */
    private static <M> Calls<M> search(String name, Class<M> mapper, BiFunction<M, SearchQuery, List<?>> method,
                                       SearchQuery... queries) {
        return of(name, mapper, m -> Arrays.stream(queries).map(query -> method.apply(m, query)).toList());
    }

    /** A first page of ten for {@code text}. */
    private static SearchQuery q(String text) {
        return SearchQuery.of(text, 0, 10);
    }

    /** Queries: run on one copy, through both paths. */
    static List<Case> reads(Backend backend) {
        List<Case> cases = new ArrayList<>();
        cases.add(of("authors by id", AuthorMapper.class, m -> List.of(m.selectById(1), m.selectById(3))));
        cases.add(of("missing author by id", AuthorMapper.class, m -> m.selectById(999)));
        cases.add(of("author by name", AuthorMapper.class, m -> m.selectByName("Булгаков")));
        cases.add(of("missing author by name", AuthorMapper.class, m -> m.selectByName("булгаков")));
        cases.add(of("authors by names", AuthorMapper.class,
                m -> m.selectByNames(Bulk.of(List.of("Толстой", "Anon", "nobody", "anon")))));
        cases.add(of("authors by ids", AuthorMapper.class, m -> m.selectByIds(Bulk.of(List.of(5L, 1L, 99L)))));
        cases.add(of("authors by no ids", AuthorMapper.class, m -> m.selectByIds(Bulk.of(List.of(99L)))));
        cases.add(of("authors after", AuthorMapper.class,
                m -> List.of(m.selectAfter(0, 2), m.selectAfter(3, 10), m.selectAfter(0, 100), m.selectAfter(999, 5))));
        cases.add(of("authors after name", AuthorMapper.class, m -> List.of(m.selectAfterName("Anon", 10),
                m.selectAfterName("Б", 10), m.selectAfterName("Булгаков", 2), m.selectAfterName("ёж", 5))));
        cases.add(of("author pages", AuthorMapper.class,
                m -> List.of(m.selectPage(0, 2), m.selectPage(2, 10), m.selectPage(100, 10))));
        cases.add(search("authors by name search", AuthorMapper.class, AuthorMapper::searchByName,
                q("ano"), q("улг"), q("xyz"), SearchQuery.of("Тол", 0, 1)));
        cases.add(search("authors by short name search", AuthorMapper.class, AuthorMapper::searchByShortName,
                q("ан"), SearchQuery.of("AN", 0, 1), q("щ")));
        cases.add(search("authors by name search after", AuthorMapper.class, AuthorMapper::searchByNameAfter,
                SearchQuery.of("ano", 3, 10), SearchQuery.of("ano", 999, 10)));
        cases.add(search("authors by short name search after", AuthorMapper.class, AuthorMapper::searchByShortNameAfter,
                SearchQuery.of("о", 1, 10), SearchQuery.of("а", 999, 10)));
        cases.add(search("authors by name search after name", AuthorMapper.class, AuthorMapper::searchByNameAfterName,
                SearchQuery.ofKey("ano", "Anon", 10), SearchQuery.ofKey("улг", "A", 10)));
        cases.add(search("authors by short name search after name", AuthorMapper.class,
                AuthorMapper::searchByShortNameAfterName, SearchQuery.ofKey("о", "Булгаков", 10),
                SearchQuery.ofKey("а", "я", 10)));
        cases.add(of("author details", AuthorMapper.class,
                m -> List.of(m.selectDetails(1), m.selectDetails(4), m.selectDetails(999))));
        cases.add(of("author count", AuthorMapper.class, AuthorMapper::count));

        cases.add(of("books by id", BookMapper.class, m -> List.of(m.selectById(1), m.selectById(5))));
        cases.add(of("missing book by id", BookMapper.class, m -> m.selectById(999)));
        cases.add(of("book by title", BookMapper.class,
                m -> Arrays.asList(m.selectByTitle("Война и мир"), m.selectByTitle("война и мир"))));
        cases.add(of("book details", BookMapper.class,
                m -> List.of(m.selectDetails(1), m.selectDetails(5), m.selectDetails(7), m.selectDetails(999))));
        cases.add(of("book with authors", BookMapper.class,
                m -> List.of(m.selectWithAuthors(1), m.selectWithAuthors(5), m.selectWithAuthors(999))));
        cases.add(of("books after", BookMapper.class,
                m -> List.of(m.selectAfter(0, 3), m.selectAfter(2, 100), m.selectAfter(999, 5))));
        cases.add(of("books after title", BookMapper.class, m -> List.of(m.selectAfterTitle("Anna Karenina", 100),
                m.selectAfterTitle("Война", 3), m.selectAfterTitle("ё", 5))));
        cases.add(of("book pages", BookMapper.class,
                m -> List.of(m.selectPage(0, 2), m.selectPage(3, 100), m.selectPage(50, 10))));
        cases.add(search("books by title search", BookMapper.class, BookMapper::searchByTitle,
                q("мас"), q("MAR"), q("нет такой")));
        cases.add(search("books by short title search", BookMapper.class, BookMapper::searchByShortTitle,
                q("ма"), SearchQuery.of("a", 0, 2)));
        cases.add(search("titles search", BookMapper.class, BookMapper::searchTitles, q("мас"), q("and")));
        cases.add(search("short titles search", BookMapper.class, BookMapper::searchShortTitles,
                q("ма"), SearchQuery.of("и", 0, 1)));
        cases.add(search("books by author search", BookMapper.class, BookMapper::searchByAuthor,
                q("булг"), SearchQuery.of("anon", 0, 1)));
        cases.add(search("books by short author search", BookMapper.class, BookMapper::searchByShortAuthor,
                q("то"), q("й")));
        cases.add(search("books by title search after", BookMapper.class, BookMapper::searchByTitleAfter,
                SearchQuery.of("мас", 1, 10), SearchQuery.of("мас", 999, 10)));
        cases.add(search("books by short title search after", BookMapper.class, BookMapper::searchByShortTitleAfter,
                SearchQuery.of("а", 3, 10)));
        cases.add(search("books by author search after", BookMapper.class, BookMapper::searchByAuthorAfter,
                SearchQuery.of("булг", 4, 10)));
        cases.add(search("books by short author search after", BookMapper.class, BookMapper::searchByShortAuthorAfter,
                SearchQuery.of("an", 3, 10)));
        cases.add(search("books by title search after title", BookMapper.class, BookMapper::searchByTitleAfterTitle,
                SearchQuery.ofKey("мас", "Master", 10), SearchQuery.ofKey("мас", "я", 10)));
        cases.add(search("books by short title search after title", BookMapper.class,
                BookMapper::searchByShortTitleAfterTitle, SearchQuery.ofKey("а", "Anna Karenina", 10)));
        cases.add(search("books by author search after title", BookMapper.class, BookMapper::searchByAuthorAfterTitle,
                SearchQuery.ofKey("булг", "Белая", 10)));
        cases.add(search("books by short author search after title", BookMapper.class,
                BookMapper::searchByShortAuthorAfterTitle, SearchQuery.ofKey("an", "Anna", 10)));
        cases.add(of("book count", BookMapper.class, BookMapper::count));

        cases.add(of("users by id", UserMapper.class, m -> Arrays.asList(m.selectById(2), m.selectById(999))));
        cases.add(of("users by username", UserMapper.class,
                m -> Arrays.asList(m.selectByUsername("Анна"), m.selectByUsername("АННА"))));
        cases.add(of("users after", UserMapper.class,
                m -> List.of(m.selectAfter(0, 2), m.selectAfter(1, 10), m.selectAfter(999, 10))));
        cases.add(of("users by usernames", UserMapper.class,
                m -> m.selectByUsernames(Bulk.of(List.of("Анна", "carol", "nobody", "ANNA")))));
        cases.add(of("users after username", UserMapper.class,
                m -> List.of(m.selectAfterUsername("anna", 10), m.selectAfterUsername("Б", 1), m.selectAfterUsername("я", 10))));
        cases.add(of("user pages", UserMapper.class,
                m -> List.of(m.selectPage(0, 3), m.selectPage(3, 3), m.selectPage(9, 3))));
        cases.add(of("user count", UserMapper.class, UserMapper::count));

        cases.add(of("comments by id", CommentMapper.class,
                m -> Arrays.asList(m.selectById(1), m.selectById(999))));
        cases.add(of("comments by book", CommentMapper.class,
                m -> List.of(m.selectByBook(1), m.selectByBook(5), m.selectByBook(999))));
        cases.add(of("comments by user", CommentMapper.class, m -> List.of(m.selectByUser(1), m.selectByUser(3))));
        cases.add(of("comment count", CommentMapper.class, CommentMapper::count));

        cases.add(of("catalog counts", CatalogMapper.class, CatalogMapper::selectCounts));
        if (backend == Backend.SQLITE) {
            cases.add(of("largest author id", AuthorMapper.class, AuthorMapper::selectMaxId));
            cases.add(of("largest book id", BookMapper.class, BookMapper::selectMaxId));
            cases.add(of("largest user id", UserMapper.class, UserMapper::selectMaxId));
        }
        return cases;
    }

    /** Writes (and queries that write): each on two fresh copies, one per path. */
    static List<Case> writes(Backend backend) {
        List<Case> cases = new ArrayList<>();
        cases.add(of("insert author", AuthorMapper.class, m -> m.insert("Достоевский")));
        cases.add(of("insert a taken author name", AuthorMapper.class, m -> m.insert("Anon")));
        cases.add(of("insert authors", AuthorMapper.class,
                m -> m.insertAll(Bulk.of(List.of("Гоголь", "Chekhov", "Гончаров")))));
        cases.add(of("insert authors, one taken", AuthorMapper.class,
                m -> m.insertAll(Bulk.of(List.of("Гоголь", "Толстой")))));
        cases.add(of("rename author", AuthorMapper.class,
                m -> List.of(m.updateName(3, "Аноним"), m.updateName(999, "x"))));
        cases.add(of("rename author to a taken name", AuthorMapper.class, m -> m.updateName(3, "anon")));
        cases.add(of("delete author", AuthorMapper.class, m -> List.of(m.deleteCascade(1), m.deleteCascade(999))));
        cases.add(of("delete author, locked", AuthorMapper.class,
                m -> List.of(m.deleteCascadeLocked(2), m.deleteCascadeLocked(4), m.deleteCascadeLocked(999))));

        cases.add(of("insert book", BookMapper.class, m -> m.insert("Идиот")));
        cases.add(of("insert a taken title", BookMapper.class, m -> m.insert("Untitled")));
        cases.add(of("insert books", BookMapper.class, m -> m.insertAll(Bulk.of(List.of("Идиот", "Бесы", "Hamlet")))));
        cases.add(of("insert links", BookMapper.class,
                m -> m.insertLinks(Bulk.of(List.of(4L, 5L, 2L), List.of(5L, 5L, 6L)))));
        cases.add(of("insert a link to a missing author", BookMapper.class,
                m -> m.insertLinks(Bulk.of(List.of(4L, 99L), List.of(5L, 5L)))));
        cases.add(of("insert link row", BookMapper.class, m -> m.insertLinkRow(4, 5)));
        cases.add(of("insert a link row twice", BookMapper.class, m -> m.insertLinkRow(1, 1)));
        cases.add(of("insert a link row to a missing book", BookMapper.class, m -> m.insertLinkRow(1, 99)));
        cases.add(of("insert link", BookMapper.class,
                m -> List.of(m.insertLink(4, 5), m.insertLink(99, 5), m.insertLink(4, 99))));
        cases.add(of("delete link", BookMapper.class,
                m -> List.of(m.deleteLink(1, 1), m.deleteLink(1, 1), m.deleteLink(4, 5))));
        cases.add(of("retitle book", BookMapper.class,
                m -> List.of(m.updateTitle(5, "Без названия"), m.updateTitle(999, "x"))));
        cases.add(of("retitle book to a taken title", BookMapper.class, m -> m.updateTitle(5, "мастерская")));
        cases.add(of("delete book", BookMapper.class,
                m -> List.of(m.deleteCascade(1), m.deleteCascade(5), m.deleteCascade(999))));
        cases.add(of("delete book, locked", BookMapper.class,
                m -> List.of(m.deleteCascadeLocked(7), m.deleteCascadeLocked(999))));

        cases.add(of("insert user", UserMapper.class, m -> m.insert("дмитрий")));
        cases.add(of("insert a taken username", UserMapper.class, m -> m.insert("carol")));
        cases.add(of("insert users", UserMapper.class, m -> m.insertAll(Bulk.of(List.of("Ёж", "eve")))));
        cases.add(of("rename user", UserMapper.class,
                m -> List.of(m.updateUsername(3, "Кэрол"), m.updateUsername(999, "x"))));
        cases.add(of("delete user", UserMapper.class,
                m -> List.of(m.deleteCascade(1), m.deleteCascade(3), m.deleteCascade(999))));
        cases.add(of("delete user, locked", UserMapper.class,
                m -> List.of(m.deleteCascadeLocked(2), m.deleteCascadeLocked(999))));

        cases.add(of("insert comment", CommentMapper.class,
                m -> Arrays.asList(m.insert("Новый", 3, 5), m.insert("x", 99, 5), m.insert("x", 3, 99))));
        cases.add(of("insert comments", CommentMapper.class,
                m -> m.insertAll(Bulk.of(List.of("раз", "two"), List.of(3L, 1L), List.of(5L, 2L)))));
        cases.add(of("insert comment row", CommentMapper.class, m -> m.insertRow("строка", 4, 6)));
        cases.add(of("insert a comment row of a missing user", CommentMapper.class, m -> m.insertRow("x", 99, 6)));
        cases.add(of("edit comment", CommentMapper.class,
                m -> List.of(m.updateText(2, "изменён"), m.updateText(999, "x"))));
        cases.add(of("delete comment", CommentMapper.class, m -> List.of(m.delete(1), m.delete(1), m.delete(999))));
        // three rows: with MultiRowInsert a statement of two, then one of one
        cases.add(new Rows("link rows", BookMapper.class, "insertLinkRow",
                List.of(List.of(4L, 5L), List.of(5L, 5L), List.of(2L, 6L))));
        cases.add(new Rows("comment rows", CommentMapper.class, "insertRow",
                List.of(List.of("раз", 3L, 5L), List.of("two", 4L, 6L), List.of("три", 1L, 1L))));

        if (backend == Backend.POSTGRESQL) {
            cases.add(of("insert missing authors", AuthorMapper.class,
                    m -> m.insertMissing(Bulk.of(List.of("Толстой", "Гоголь", "anon", "Чехов")))));
            cases.add(of("insert missing users", UserMapper.class,
                    m -> m.insertMissing(Bulk.of(List.of("carol", "Ёж", "Анна", "dave")))));
        } else {
            cases.add(of("insert author rows with ids", AuthorMapper.class,
                    m -> List.of(m.insertRowWithId(10, "Гоголь"), m.insertRowWithId(11, "Chekhov"))));
            cases.add(of("insert an author row with a taken id", AuthorMapper.class, m -> m.insertRowWithId(1, "x")));
            cases.add(of("insert book rows with ids", BookMapper.class, m -> m.insertRowWithId(10, "Идиот")));
            cases.add(of("insert user rows with ids", UserMapper.class, m -> m.insertRowWithId(10, "Ёж")));
            for (Class<?> mapper : List.of(AuthorMapper.class, BookMapper.class, UserMapper.class)) {
                cases.add(new Rows(mapper.getSimpleName() + " rows with ids", mapper, "insertRowWithId",
                        List.of(List.of(10L, "Гоголь"), List.of(12L, "Chekhov"), List.of(11L, "Ёж"))));
            }
        }
        return cases;
    }
}
