package org.elibrary;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.elibrary.domain.BookComment;
import org.elibrary.domain.Comment;
import org.elibrary.domain.NewComment;

/**
 * The asynchronous twin of {@link CommentRepository}, obtained from {@link AsyncLibrary#comments()}: the same
 * methods with the same names and parameters, each returning a {@link CompletableFuture} of what the synchronous method
 * returns ({@code Void} for {@code void}). The call runs on the library's executor, never on the caller's
 * thread; the future fails with the exception the synchronous method would throw (the cause of the
 * {@code CompletionException} of {@code join()}), with {@link LibraryOverloadedException} when the queue is
 * full, {@link LibraryClosedException} after close, and {@link DatabaseUnavailableException} on a timeout.
 * See {@link AsyncLibrary} for threads, ordering, timeouts and cancellation.
 */
public final class AsyncCommentRepository {
    private final AsyncLibrary async;
    private final CommentRepository sync;

    AsyncCommentRepository(AsyncLibrary async, CommentRepository sync) {
        this.async = async;
        this.sync = sync;
    }

    /**
     * Adds a comment by a user on a book (one statement that also checks both exist).
     *
     * <p>The future fails with {@link NotFoundException} if the user or the book does not exist.
     *
     * <p>Asynchronous {@link CommentRepository#add(long, long, String)}.
     *
     * @param userId the id of the user who writes it, positive
     * @param bookId the id of the book it is about, positive
     * @param text   the comment's text
     * @return a future of the comment, with the id the database assigned
     */
    public CompletableFuture<Comment> add(long userId, long bookId, String text) {
        return async.write(() -> sync.add(userId, bookId, text));
    }

    /**
     * Adds a comment by the user with this username on a book.
     *
     * <p>The future fails with {@link NotFoundException} if the user ({@code username=...}) or the book does not exist.
     *
     * <p>Asynchronous {@link CommentRepository#add(String, long, String)}.
     *
     * @param username the exact username of the user who writes it
     * @param bookId   the id of the book it is about, positive
     * @param text     the comment's text
     * @return a future of the comment, with the id the database assigned
     */
    public CompletableFuture<Comment> add(String username, long bookId, String text) {
        return async.write(() -> sync.add(username, bookId, text));
    }

    /**
     * Adds many comments in one transaction, all or none: the bulk path for imports.
     * Returns how many were added.
     *
     * <p>The future fails with {@link NotFoundException} if a user or book id does not exist.
     *
     * <p>Asynchronous {@link CommentRepository#addAll(List)}.
     *
     * @param comments the comments to add, none null; may be empty
     * @return a future of how many were added: the size of {@code comments}
     */
    public CompletableFuture<Integer> addAll(List<NewComment> comments) {
        List<NewComment> given = AsyncLibrary.snapshot(comments);
        return async.write(() -> sync.addAll(given));
    }

    /**
     * Asynchronous {@link CommentRepository#findById(long)}.
     *
     * @param id the comment's id, positive
     * @return a future of the comment, or of empty when there is no comment with this id
     */
    public CompletableFuture<Optional<Comment>> findById(long id) {
        return async.read(() -> sync.findById(id));
    }

    /**
     * A book's comments, oldest first, each with its writer's username; empty for a missing book.
     *
     * <p>Asynchronous {@link CommentRepository#listForBook(long)}.
     *
     * @param bookId the book's id, positive
     * @return a future of the comments, oldest (lowest id) first; empty when the book has none or does not exist
     */
    public CompletableFuture<List<BookComment>> listForBook(long bookId) {
        return async.read(() -> sync.listForBook(bookId));
    }

    /**
     * A user's comments, oldest first; empty for a missing user.
     *
     * <p>Asynchronous {@link CommentRepository#listForUser(long)}.
     *
     * @param userId the user's id, positive
     * @return a future of the comments, oldest (lowest id) first; empty when the user has none or does not exist
     */
    public CompletableFuture<List<Comment>> listForUser(long userId) {
        return async.read(() -> sync.listForUser(userId));
    }

    /**
     * Replaces a comment's text; returns the updated comment.
     *
     * <p>Asynchronous {@link CommentRepository#edit(long, String)}.
     *
     * @param id   the comment's id, positive
     * @param text the new text
     * @return a future of the comment with the new text
     */
    public CompletableFuture<Comment> edit(long id, String text) {
        return async.write(() -> sync.edit(id, text));
    }

    /**
     * Deletes a comment; returns false when there was no such comment.
     *
     * <p>Asynchronous {@link CommentRepository#delete(long)}.
     *
     * @param id the comment's id, positive
     * @return a future of true if the comment was deleted, of false when there was no such comment
     */
    public CompletableFuture<Boolean> delete(long id) {
        return async.write(() -> sync.delete(id));
    }

    /**
     * Asynchronous {@link CommentRepository#count()}.
     *
     * @return a future of the number of comments
     */
    public CompletableFuture<Long> count() {
        return async.read(() -> sync.count());
    }
}
