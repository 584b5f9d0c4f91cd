package org.elibrary;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.elibrary.domain.Author;
import org.elibrary.domain.Book;
import org.elibrary.domain.NewBook;
import org.elibrary.domain.User;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The ids bulk creates hand back are the rows' ids in the database, whoever chose them (on SQLite the library,
 * after the largest id in use; past the largest possible id and on PostgreSQL the database).
 */
class NewRowsIT {

    @ParameterizedTest
    @EnumSource(Backend.class)
    void bulkCreatesReturnTheStoredIdOfEachRow(Backend backend) {
        CatalogIT.withLibrary(backend, library -> {
            // more than one chunk, after single creates, then again after the rows with the largest ids are gone
            library.authors().create("single");
            List<Author> authors = library.authors().createAll(texts("Автор %d", 0, 1500));
            assertStored(library, authors);
            library.users().create("single");
            List<User> users = library.users().createAll(texts("user%d", 0, 1200));
            assertStored(library, users);
            List<Book> books = library.books().createAll(newBooks(0, 1100, authors));
            assertStored(library, books);

            for (int i = 1; i <= 3; i++) {
                library.authors().delete(authors.get(authors.size() - i).id());
                library.users().delete(users.get(users.size() - i).id());
                library.books().delete(books.get(books.size() - i).id());
            }
            assertStored(library, library.authors().createAll(texts("Later %d", 0, 10)));
            assertStored(library, library.users().createAll(texts("later%d", 0, 10)));
            assertStored(library, library.books().createAll(newBooks(2000, 2010, authors)));
        });
    }

    @Test
    void pastTheLargestPossibleSqliteIdTheDatabaseChoosesAndTheRowsAreStillTold() throws SQLException {
        String url = TestDatabases.newSqliteUrl();
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(url).build())) {
            try (Connection connection = DriverManager.getConnection(url);
                 Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO author (id, name) VALUES (9223372036854775805, 'near the end')");
                statement.execute("INSERT INTO book (id, title) VALUES (9223372036854775807, 'at the end')");
            }
            // authors: two ids left, three rows; books: none left (SQLite then picks unused ids at random)
            List<Author> authors = library.authors().createAll(List.of("A", "B", "C"));
            assertStored(library, authors);
            assertStored(library, library.books().createAll(newBooks(0, 5, authors)));
        }
    }

    @Test
    void aConcurrentWriterOnACallersSqliteConnectionMakesABulkCreateFailNeverReturnWrongIds() throws Exception {
        // a caller's DataSource: its transactions begin DEFERRED, so another writer may get in between the
        // library's look at the largest id and its insert
        String url = TestDatabases.newSqliteUrl();
        SQLiteConfig config = new SQLiteConfig();
        config.enforceForeignKeys(true);
        config.setBusyTimeout(20);
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl(url);
        try (Library library = Library.open(dataSource)) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger othersWritten = new AtomicInteger();
            Thread other = new Thread(() -> {
                try (Connection connection = DriverManager.getConnection(url);
                     Statement statement = connection.createStatement()) {
                    statement.execute("PRAGMA busy_timeout = 20");
                    for (int i = 0; !stop.get(); i++) {
                        try {
                            statement.execute("INSERT INTO book (title) VALUES ('other " + i + "')");
                            othersWritten.incrementAndGet();
                        } catch (SQLException busy) {
                            // the library's transaction holds the lock: try again
                        }
                        LockSupport.parkNanos(100_000); // leaves the library room to finish some of its calls
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            other.start();
            List<Book> created = new ArrayList<>();
            List<String> refused = new ArrayList<>();
            // at least 200 rounds, and on until a few creates were refused: the race this test is about happened
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            try {
                for (int round = 0; round < 200 || refused.size() < 3 && System.nanoTime() < deadline; round++) {
                    List<NewBook> books = new ArrayList<>();
                    for (int i = 0; i < 20; i++) {
                        books.add(new NewBook("round %d book %d".formatted(round, i), List.of()));
                    }
                    try {
                        created.addAll(library.books().createAll(books));
                    } catch (DatabaseUnavailableException busy) {
                        refused.add(books.get(0).title());
                    }
                }
            } finally {
                stop.set(true);
                other.join();
            }
            // checked once the other writer has stopped (its lock would make these reads busy too)
            assertThat(created).isNotEmpty();
            assertThat(refused).as("bulk creates the other writer made fail").isNotEmpty();
            assertThat(othersWritten.get()).isPositive();
            assertStored(library, created);
            for (String title : refused) {
                assertThat(library.books().findByTitle(title)).isEmpty();
            }
        }
    }

    private static List<String> texts(String format, int from, int to) {
        List<String> texts = new ArrayList<>();
        for (int i = from; i < to; i++) {
            texts.add(format.formatted(i));
        }
        return texts;
    }

    private static List<NewBook> newBooks(int from, int to, List<Author> authors) {
        List<NewBook> books = new ArrayList<>();
        for (int i = from; i < to; i++) {
            books.add(new NewBook("Book %07d".formatted(i), List.of(authors.get(i % authors.size()).id())));
        }
        return books;
    }

    private static void assertStored(Library library, List<?> rows) {
        for (Object row : rows) {
            if (row instanceof Author author) {
                assertThat(library.authors().findById(author.id())).contains(author);
            } else if (row instanceof User user) {
                assertThat(library.users().findById(user.id())).contains(user);
            } else {
                Book book = (Book) row;
                assertThat(library.books().findById(book.id())).contains(book);
            }
        }
    }
}
