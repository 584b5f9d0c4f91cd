package org.elibrary.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.elibrary.ConfigurationException;
import org.elibrary.Library;
import org.elibrary.LibrarySettings;
import org.elibrary.domain.BookWithAuthors;
import org.elibrary.domain.NewBook;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * A SQLite file damaged on disk (cut short by a failed copy, pages overwritten) stays damaged whatever one
 * retries: at open and in a later call the caller gets a ConfigurationException that says to restore it.
 */
class SqliteCorruptionIT {

    @Test
    void aFileCutShortIsRefusedAtOpenAsCorrupt() throws Exception {
        Path file = libraryFile();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(20_000);
        }
        Throwable error = catchThrowable(() -> Library.open(settings(file)).close());
        assertThat(error).isExactlyInstanceOf(ConfigurationException.class)
                .hasMessageContaining(" is corrupt (the disk image is malformed): PRAGMA integrity_check tells "
                        + "what is damaged; restore the file from a backup");
    }

    @Test
    void anOverwrittenTablePageFailsTheCallsThatReadItAsCorrupt() throws Exception {
        Path file = libraryFile();
        overwriteRootPage(file, "book");
        // the schema's pages are intact: it opens, and the calls that read the book table fail
        try (Library library = Library.open(settings(file))) {
            Throwable error = catchThrowable(() -> {
                long after = 0;
                for (List<BookWithAuthors> page; !(page = library.books().listAfter(after, 1_000)).isEmpty(); ) {
                    after = page.get(page.size() - 1).book().id();
                }
                library.books().searchByTitle("книга", 1_000);
            });
            assertThat(error).isExactlyInstanceOf(ConfigurationException.class)
                    .hasMessage("the database file " + file + " is corrupt (the disk image is malformed): PRAGMA "
                            + "integrity_check tells what is damaged; restore the file from a backup (a damaged "
                            + "full-text search index alone can be rebuilt with FTS5's 'rebuild' command)");
        }
    }

    @Test
    void anOverwrittenMigrationHistoryIsRefusedAtOpenAsCorrupt() throws Exception {
        Path file = libraryFile();
        overwriteRootPage(file, "flyway_schema_history");
        // named as DATABASE_URL gives it, with what to do: not Flyway's "Error while retrieving the list of
        // applied migrations" and the driver's [SQLITE_CORRUPT]
        String url = "sqlite:///" + file;
        Throwable error = catchThrowable(() -> Library.open(LibrarySettings.builder().databaseUrl(url).build()).close());
        assertThat(error).isExactlyInstanceOf(ConfigurationException.class)
                .hasMessage("the schema of " + url + " could not be read: the database file is corrupt (the disk "
                        + "image is malformed): PRAGMA integrity_check tells what is damaged; restore the file from "
                        + "a backup (a damaged full-text search index alone can be rebuilt with FTS5's 'rebuild' "
                        + "command)");
    }

    /** Overwrites the first page of {@code table}'s b-tree with random bytes, as a damaged disk might. */
    private static void overwriteRootPage(Path file, String table) throws Exception {
        long rootPage;
        long pageSize;
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement();
             ResultSet root = statement.executeQuery("SELECT rootpage, (SELECT page_size FROM pragma_page_size) "
                     + "FROM sqlite_master WHERE type = 'table' AND name = '" + table + "'")) {
            assertThat(root.next()).isTrue();
            rootPage = root.getLong(1);
            pageSize = root.getLong(2);
        }
        byte[] garbage = new byte[(int) pageSize];
        new Random(42).nextBytes(garbage);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek((rootPage - 1) * pageSize);
            raf.write(garbage);
        }
    }

    /** A library file of 2,000 books, closed (its WAL checkpointed into it). */
    private static Path libraryFile() {
        Path file = TestDatabases.newSqliteFile();
        try (Library library = Library.open(settings(file))) {
            List<NewBook> books = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                books.add(new NewBook("Книга номер " + i + " о войне и мире", List.of()));
            }
            library.books().createAll(books);
        }
        assertThat(file).exists();
        assertThat(Files.exists(Path.of(file + "-wal"))).as("WAL checkpointed and removed at close").isFalse();
        return file;
    }

    private static LibrarySettings settings(Path file) {
        return LibrarySettings.builder().databaseUrl("jdbc:sqlite:" + file).build();
    }
}
