package org.elibrary.internal.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.elibrary.DatabaseUnavailableException;
import org.elibrary.Library;
import org.elibrary.LibrarySettings;
import org.elibrary.domain.CatalogCounts;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * A SQLite file that may not grow (its {@code max_page_count} reached: SQLITE_FULL, as on a full disk): the call
 * fails with a retryable {@link DatabaseUnavailableException} that says the disk is full and what to do, nothing of
 * it is kept, reads go on, and once there is room the same call succeeds on the same {@code Library}. PostgreSQL's
 * disk_full (53100) is translated alike (SqlErrorsTest: provoking it needs a tablespace on a full volume).
 */
class DiskFullIT {
    @Test
    void aWriteThatFindsNoRoomSaysTheDiskIsFullKeepsNothingAndSucceedsOnceThereIsRoom() throws Exception {
        Path file = TestDatabases.newSqliteFile();
        Library.open(LibrarySettings.builder().databaseUrl("sqlite:///" + file).build()).close(); // the schema
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:sqlite:" + file + "?foreign_keys=true&journal_mode=WAL&busy_timeout=5000");
        config.setMaximumPoolSize(1); // one connection, to give it room again below
        config.setConnectionInitSql("PRAGMA max_page_count = 1"); // raised by SQLite to the file's size: no growth
        try (HikariDataSource pool = new HikariDataSource(config); Library library = Library.open(pool, false)) {
            long user = library.users().create("reader").id(); // fits in a page the file has
            RuntimeException full = null;
            CatalogCounts before = null;
            String title = null;
            for (int i = 0; i < 1000 && full == null; i++) {
                before = library.counts();
                title = "Book " + i + " " + "x".repeat(120);
                try {
                    library.books().createWithAuthors(title, List.of("Author " + i, "Other " + i));
                } catch (RuntimeException e) {
                    full = e;
                }
            }
            assertThat(full).isInstanceOf(DatabaseUnavailableException.class)
                    .hasMessageStartingWith("the disk is full ([SQLITE_FULL]")
                    .hasMessageContaining("nothing it wrote was kept")
                    .hasMessageContaining("free space on the disk of the SQLite file")
                    .hasMessageContaining("max_page_count")
                    .hasMessageEndingWith(", then retry");
            assertThat(library.counts()).isEqualTo(before);
            assertThat(library.books().findByTitle(title)).isEmpty();
            assertThat(library.users().findById(user)).isPresent(); // reads go on
            String again = title;
            assertThatThrownBy(() -> library.async().books().createWithAuthors(again, List.of("A")).join())
                    .isInstanceOf(CompletionException.class).cause()
                    .isInstanceOf(DatabaseUnavailableException.class).hasMessageStartingWith("the disk is full");
            assertThat(library.counts()).isEqualTo(before);

            try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA max_page_count = 1073741823"); // room again
            }
            assertThat(library.books().createWithAuthors(title, List.of("Author", "Other")).book().title())
                    .isEqualTo(title);
            assertThat(library.books().findByTitle(title)).isPresent();
        }
    }
}
