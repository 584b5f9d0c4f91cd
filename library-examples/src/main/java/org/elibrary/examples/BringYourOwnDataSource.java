package org.elibrary.examples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.elibrary.ConfigurationException;
import org.elibrary.Library;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * An application that already has a connection pool hands it to the library with
 * {@code Library.open(dataSource)}. The library migrates the schema through it (unless told not to), detects
 * the backend from the connection, and never closes it: the pool belongs to the application.
 * {@code Library.builder(dataSource)} sets what {@code LibrarySettings} would: a read-only library here.
 *
 * <p>On SQLite the application's connections should do what the library's own pool does: enforce foreign
 * keys, use WAL and wait on a lock (busy timeout) instead of failing at once.
 *
 * <p>Argument: the SQLite file to use (default: a new file in a temporary folder).
 */
public final class BringYourOwnDataSource {
    private BringYourOwnDataSource() {
    }

    public static void main(String... args) throws Exception {
        Path file = args.length > 0 ? Path.of(args[0])
                : Files.createTempDirectory("elibrary-").resolve("own-pool.db");

        // The application's pool: sqlite-jdbc's DataSource with the pragmas set on every connection, wrapped
        // in HikariCP. (Set pragmas as driver properties: a pool's connectionInitSql applies only one.)
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.enforceForeignKeys(true);
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        sqlite.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        sqlite.setBusyTimeout(5_000);
        SQLiteDataSource driver = new SQLiteDataSource(sqlite);
        driver.setUrl("jdbc:sqlite:" + file);
        HikariConfig pool = new HikariConfig();
        pool.setDataSource(driver);
        pool.setMaximumPoolSize(4);
        pool.setPoolName("my-app");

        try (HikariDataSource dataSource = new HikariDataSource(pool)) {
            try (Library library = Library.open(dataSource)) {
                library.books().createWithAuthors("Евгений Онегин", List.of("Александр Пушкин"));
                System.out.println("Backend detected: " + library.backend() + "; counts " + library.counts());
            }
            // The options LibrarySettings carries for a URL, on the application's pool: here a second library
            // that only reads, with its own statement timeout.
            try (Library reader = Library.builder(dataSource).readOnly(true)
                    .statementTimeout(Duration.ofSeconds(5)).open()) {
                System.out.println("Read-only library: " + reader.books().count() + " book(s)");
                try {
                    reader.books().create("Пиковая дама");
                } catch (ConfigurationException refused) {
                    System.out.println("Write refused: " + refused.getMessage());
                }
            }
            // The library is closed; the application's pool is still open and usable.
            System.out.println("Pool still open after the library closed: " + !dataSource.isClosed());
        }
    }
}
