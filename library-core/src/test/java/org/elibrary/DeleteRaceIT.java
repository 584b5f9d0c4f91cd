package org.elibrary;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.elibrary.domain.Book;
import org.elibrary.domain.User;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL: a delete that has to wait for another transaction writing a dependent row. The library's one
 * statement then fails on the foreign key (its snapshot predates the other commit), and the delete runs again
 * with the parent row locked first, so it sees the row the other transaction committed meanwhile and removes
 * it too; inside a caller's transaction, where a failed statement cannot be retried, it locks first at once.
 * Either way the caller sees a successful delete, never a foreign-key error.
 */
class DeleteRaceIT {

    @Test
    void deletingABookWaitsForACommentBeingAddedAndDeletesItToo() throws Exception {
        String url = TestDatabases.newPostgresUrl();
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(url).build())) {
            Book book = library.books().create("Бесы");
            User user = library.users().create("reader");
            try (Connection other = commentInOpenTransaction(url, user.id(), book.id())) {
                CompletableFuture<Boolean> delete = CompletableFuture.supplyAsync(() -> library.books().delete(book.id()));
                awaitLockWait(url, Duration.ofSeconds(10));
                assertThat(delete).as("the delete waits for the open transaction").isNotDone();
                other.commit();
                assertThat(delete.get(10, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(library.books().findById(book.id())).isEmpty();
            assertThat(library.comments().listForUser(user.id())).isEmpty();
        }
    }

    @Test
    void insideATransactionTheDeleteLocksFirstAndDeletesTheCommentToo() throws Exception {
        String url = TestDatabases.newPostgresUrl();
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(url).build())) {
            Book book = library.books().create("Подросток");
            User user = library.users().create("teen");
            try (Connection other = commentInOpenTransaction(url, user.id(), book.id())) {
                CompletableFuture<Boolean> delete = CompletableFuture.supplyAsync(
                        () -> library.inTransaction(tx -> tx.books().delete(book.id())));
                awaitLockWait(url, Duration.ofSeconds(10));
                other.commit();
                assertThat(delete.get(10, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(library.books().findById(book.id())).isEmpty();
            assertThat(library.comments().listForUser(user.id())).isEmpty();
        }
    }

    @Test
    void deletingAUserWaitsForACommentBeingAddedAndDeletesItToo() throws Exception {
        String url = TestDatabases.newPostgresUrl();
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(url).build())) {
            Book book = library.books().create("Идиот");
            User user = library.users().create("writer");
            try (Connection other = commentInOpenTransaction(url, user.id(), book.id())) {
                CompletableFuture<Boolean> delete = CompletableFuture.supplyAsync(() -> library.users().delete(user.id()));
                awaitLockWait(url, Duration.ofSeconds(10));
                other.commit();
                assertThat(delete.get(10, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(library.users().findById(user.id())).isEmpty();
            assertThat(library.comments().listForBook(book.id())).isEmpty();
            assertThat(library.books().findById(book.id())).isPresent();
        }
    }

    /**
     * Another session's transaction that has added a comment and not committed yet: it holds KEY SHARE locks
     * on the user and book rows until then.
     */
    private static Connection commentInOpenTransaction(String url, long userId, long bookId) throws SQLException {
        Connection other = DriverManager.getConnection(url);
        try (PreparedStatement insert = other.prepareStatement(
                "INSERT INTO comment (text, user_id, book_id) VALUES ('late', ?, ?)")) {
            other.setAutoCommit(false);
            insert.setLong(1, userId);
            insert.setLong(2, bookId);
            insert.executeUpdate();
            return other;
        } catch (SQLException | RuntimeException e) {
            other.close();
            throw e;
        }
    }

    /** Waits until some session of this database waits for a lock (the library's delete). */
    private static void awaitLockWait(String url, Duration bound) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        try (Connection monitor = DriverManager.getConnection(url);
             PreparedStatement waiting = monitor.prepareStatement("SELECT count(*) FROM pg_stat_activity"
                     + " WHERE datname = current_database() AND wait_event_type = 'Lock'")) {
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = waiting.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) > 0) {
                        return;
                    }
                }
                Thread.sleep(20);
            }
        }
        throw new AssertionError("no session started waiting for a lock within " + bound);
    }
}
