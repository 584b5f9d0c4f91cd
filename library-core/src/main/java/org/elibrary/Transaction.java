package org.elibrary;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import org.elibrary.domain.CatalogCounts;
import org.elibrary.internal.session.Sessions;
import org.elibrary.internal.session.UnitOfWork;

/**
 * The handle a transaction callback receives ({@link Library#inTransaction}, {@link Library#useTransaction}):
 * the same repositories as {@link Library}, bound to one transaction on one connection.
 *
 * <p>Valid only inside its callback and only on the thread running it; using it elsewhere throws
 * {@link IllegalStateException}. (Calls on the {@code Library}'s own repositories made on that thread
 * during the callback join the same transaction too.)
 */
public final class Transaction {
    private final Sessions sessions;
    private final UnitOfWork uow;
    private final AuthorRepository authors;
    private final BookRepository books;
    private final UserRepository users;
    private final CommentRepository comments;

    Transaction(Sessions sessions, UnitOfWork uow) {
        this.sessions = sessions;
        this.uow = uow;
        this.authors = new AuthorRepository(sessions, uow);
        this.books = new BookRepository(sessions, uow);
        this.users = new UserRepository(sessions, uow);
        this.comments = new CommentRepository(sessions, uow);
    }

    /** {@return the repository of authors, bound to this transaction} */
    public AuthorRepository authors() {
        return authors;
    }

    /** {@return the repository of books, bound to this transaction} */
    public BookRepository books() {
        return books;
    }

    /** {@return the repository of users, bound to this transaction} */
    public UserRepository users() {
        return users;
    }

    /** {@return the repository of comments, bound to this transaction} */
    public CommentRepository comments() {
        return comments;
    }

    /** {@return the row counts as this transaction sees them} */
    public CatalogCounts counts() {
        return Library.counts(sessions, uow);
    }

    /**
     * Runs {@code work} in a SAVEPOINT of this transaction: if it throws, its changes are rolled back to the
     * savepoint and the exception propagates; this transaction continues if the caller catches it.
     *
     * @param work the work, given this handle
     * @param <T>  the type of its result
     * @return what {@code work} returned
     */
    public <T> T inTransaction(Function<Transaction, T> work) {
        Objects.requireNonNull(work, "work");
        return sessions.transaction(uow, unit -> work.apply(this));
    }

    /**
     * {@link #inTransaction} without a result.
     *
     * @param work the work, given this handle
     */
    public void useTransaction(Consumer<Transaction> work) {
        Objects.requireNonNull(work, "work");
        inTransaction(tx -> {
            work.accept(tx);
            return null;
        });
    }
}
