package org.elibrary.internal.schema;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import org.elibrary.Library;
import org.elibrary.LibrarySettings;
import org.elibrary.domain.NewBook;
import org.elibrary.domain.NewComment;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Run by {@link SqliteVersionIT} in a JVM whose sqlite-jdbc is another one: opens the library on a new SQLite
 * file, makes calls that reach each of the SQLite statements reading their rows from a JSON parameter, and
 * prints what happened, then how many tables the file has (0 or no file: nothing was created) and the counts.
 */
public final class OtherSqliteApp {
    private OtherSqliteApp() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        String url = "jdbc:sqlite:" + file;
        try {
            long anna;
            try (Library library = Library.open(LibrarySettings.builder().databaseUrl(url).build())) {
                anna = library.authors().create("Анна").id();
                // AuthorMapper.selectByIds
                library.books().createWithAuthorIds("Война и мир", List.of(anna));
                // AuthorMapper.selectByNames, BookMapper.insertLinks
                library.books().createWithAuthors("Анна Каренина", List.of("Анна", "Лев \"Толстой\""));
                // UserMapper.selectByUsernames
                library.users().findOrCreateAll(List.of("reader", "writer", "reader"));
            }
            // ids past the largest rowid: the database picks them, and the JSON inserts return them
            try (Connection connection = DriverManager.getConnection(url)) {
                for (String insert : List.of("INSERT INTO author (id, name) VALUES (9223372036854775807, 'Last')",
                        "INSERT INTO book (id, title) VALUES (9223372036854775807, 'Last')",
                        "INSERT INTO \"user\" (id, username) VALUES (9223372036854775807, 'last')")) {
                    connection.createStatement().execute(insert);
                }
            }
            // a connection without foreign keys: the set-based JSON inserts of links and comments
            SQLiteConfig config = new SQLiteConfig();
            config.enforceForeignKeys(false);
            SQLiteDataSource dataSource = new SQLiteDataSource(config);
            dataSource.setUrl(url);
            try (Library library = Library.open(dataSource)) {
                // Author-, Book- and UserMapper.insertAll
                var authors = library.authors().createAll(List.of("Фёдор", "Антон"));
                var users = library.users().createAll(List.of("critic"));
                var books = library.books().createAll(List.of(
                        new NewBook("Бесы", List.of(authors.get(0).id())),
                        new NewBook("Чайка", List.of(authors.get(1).id(), anna))));
                // CommentMapper.insertAll
                library.comments().addAll(List.of(new NewComment(users.get(0).id(), books.get(0).id(), "хорошо"),
                        new NewComment(users.get(0).id(), books.get(1).id(), "tab\there")));
                System.out.println("opened and wrote");
                System.out.println("counts: " + library.counts());
            }
        } catch (RuntimeException e) {
            System.out.println("refused: " + e.getClass().getName() + ": " + e.getMessage());
        }
        System.out.println("tables: " + (Files.exists(file) ? tables(url) : "no file"));
    }

    private static String tables(String url) throws Exception {
        try (Connection connection = DriverManager.getConnection(url);
             ResultSet rs = connection.createStatement().executeQuery(
                     "SELECT count(*) FROM sqlite_schema WHERE type = 'table'")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
