package org.elibrary.internal.schema;

import java.nio.file.Files;
import java.nio.file.Path;
import org.elibrary.Library;
import org.elibrary.LibrarySettings;

/**
 * Run by {@link SqliteVersionIT} in a JVM whose sqlite-jdbc is an older one: opens the library on a new SQLite
 * file and prints what happened, then how many tables the file has (0 or no file: nothing was created).
 */
public final class OldSqliteApp {
    private OldSqliteApp() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl("jdbc:sqlite:" + file).build())) {
            var anna = library.authors().create("Анна");
            // links a book to its authors through jsonb_each: with an old SQLite, "no such table: jsonb_each"
            library.books().createWithAuthorIds("Война и мир", java.util.List.of(anna.id()));
            System.out.println("opened and wrote");
        } catch (RuntimeException e) {
            System.out.println("refused: " + e.getClass().getName() + ": " + e.getMessage());
        }
        System.out.println("tables: " + (Files.exists(file) ? tables(file) : "no file"));
    }

    private static String tables(Path file) throws Exception {
        try (var connection = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
             var rs = connection.createStatement().executeQuery(
                     "SELECT count(*) FROM sqlite_schema WHERE type = 'table'")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
