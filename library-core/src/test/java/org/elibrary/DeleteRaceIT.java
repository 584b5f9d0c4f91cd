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
import java.util.function.Supplier;
import org.elibrary.domain.Author;
import org.elibrary.domain.Book;
import org.elibrary.domain.User;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL: a delete that has to wait for another transaction writing a dependent row. The library's one
 * statement then fails on the foreign key (its snapshot predates the other commit), and the delete runs again
 * with the parent row locked first, so it sees the row the other transaction committed meanwhile and removes
 * it too; inside a caller's transaction, where a failed statement cannot be retried, it locks first at once.
 * Either way the caller sees a successful delete, never a foreign-key error. Authors are raced inside a
 * transaction only: there the lock is what makes the difference (the auto-commit retry succeeds either way).
 */
class DeleteRaceIT {
    private static final String COMMENT = "INSERT INTO comment (text, user_id, book_id) VALUES ('late', ?, ?)";
    private static final String LINK = "INSERT INTO author_book (author_id, book_id) VALUES (?, ?)";

    @Test
    void deletingABookWaitsForACommentBeingAddedAndDeletesItToo() throws Exception {
        String url = TestDatabases.newPostgresUrl();
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(url).build())) {
            Book book = library.books().create("Бесы");
            User user = library.users().create("reader");
            deleteWhileAnotherTransactionInserts(url, COMMENT, new long[] {user.id(), book.id()},
                    () -> library.books().delete(book.id()));
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
            deleteWhileAnotherTransactionInserts(url, COMMENT, new long[] {user.id(), book.id()},
                    () -> library.inTransaction(tx -> tx.books().delete(book.id())));
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
            deleteWhileAnotherTransactionInserts(url, COMMENT, new long[] {user.id(), book.id()},
                    () -> library.users().delete(user.id()));
            assertThat(library.users().findById(user.id())).isEmpty();
            assertThat(library.comments().listForBook(book.id())).isEmpty();
            assertThat(library.books().findById(book.id())).isPresent();
        }
    }

    @Test
    void insideATransactionAnAuthorDeleteLocksFirstAndDeletesTheLinkToo() throws Exception {
        String url = TestDatabases.newPostgresUrl();
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(url).build())) {
            Author author = library.authors().create("Гоголь");
            Book book = library.books().create("Нос");
            deleteWhileAnotherTransactionInserts(url, LINK, new long[] {author.id(), book.id()},
                    () -> library.inTransaction(tx -> tx.authors().delete(author.id())));
            assertThat(library.authors().findById(author.id())).isEmpty();
            assertThat(library.counts().authorBook()).isZero();
            assertThat(library.books().findById(book.id())).contains(book);
        }
    }

    /**
     * Runs {@code delete} while another session's transaction has run {@code insertSql} with these ids and not
     * committed yet (it holds KEY SHARE locks on the referenced rows until then); commits that transaction once
     * the delete waits for it, and expects the delete to succeed.
     */
    private static void deleteWhileAnotherTransactionInserts(String url, String insertSql, long[] ids,
                                                             Supplier<Boolean> delete) throws Exception {
        try (Connection other = inOpenTransaction(url, insertSql, ids[0], ids[1])) {
            CompletableFuture<Boolean> deleted = CompletableFuture.supplyAsync(delete);
            awaitLockWait(url, Duration.ofSeconds(10));
            assertThat(deleted).as("the delete waits for the open transaction").isNotDone();
            other.commit();
            assertThat(deleted.get(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** Another session's transaction that has run {@code insertSql} with these values and not committed yet. */
    static Connection inOpenTransaction(String url, String insertSql, Object... values) throws SQLException {
        Connection other = DriverManager.getConnection(url);
        try (PreparedStatement insert = other.prepareStatement(insertSql)) {
            other.setAutoCommit(false);
            for (int i = 0; i < values.length; i++) {
                insert.setObject(i + 1, values[i]);
            }
            insert.executeUpdate();
            return other;
        } catch (SQLException | RuntimeException e) {
            other.close();
            throw e;
        }
    }

    /** Waits until some session of this database waits for a lock (the library's delete). */
    static void awaitLockWait(String url, Duration bound) throws SQLException, InterruptedException {
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
