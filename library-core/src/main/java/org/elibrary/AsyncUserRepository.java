package org.elibrary;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.elibrary.domain.Page;
import org.elibrary.domain.User;

/**
 * The asynchronous twin of {@link UserRepository}, obtained from {@link AsyncLibrary#users()}: the same
 * methods with the same names and parameters, each returning a {@link CompletableFuture} of what the synchronous method
 * returns ({@code Void} for {@code void}). The call runs on the library's executor, never on the caller's
 * thread; the future fails with the exception the synchronous method would throw (the cause of the
 * {@code CompletionException} of {@code join()}), with {@link LibraryOverloadedException} when the queue is
 * full, {@link LibraryClosedException} after close, and {@link DatabaseUnavailableException} on a timeout.
 * See {@link AsyncLibrary} for threads, ordering, timeouts and cancellation.
 */
public final class AsyncUserRepository {
    private final AsyncLibrary async;
    private final UserRepository sync;

    AsyncUserRepository(AsyncLibrary async, UserRepository sync) {
        this.async = async;
        this.sync = sync;
    }

    /**
     * Asynchronous {@link UserRepository#create(String)}.
     *
     * @param username the user's username
     * @return a future of the user, with the id the database assigned
     */
    public CompletableFuture<User> create(String username) {
        return async.write(() -> sync.create(username));
    }

    /**
     * Creates many users in one transaction, all or none; returns them in the order given.
     *
     * <p>Asynchronous {@link UserRepository#createAll(List)}.
     */
    public CompletableFuture<List<User>> createAll(List<String> usernames) {
        List<String> given = AsyncLibrary.snapshot(usernames);
        return async.write(() -> sync.createAll(given));
    }

    /**
     * The users of these usernames, creating those that do not exist yet, in one transaction, all or none; in
     * the order of {@code usernames}, a repeated username answered with the same user.
     *
     * <p>Asynchronous {@link UserRepository#findOrCreateAll(List)}.
     *
     * @param usernames the usernames, none null, each under the rules of a username; may be empty
     * @return a future of the users, in the order of {@code usernames}
     */
    public CompletableFuture<List<User>> findOrCreateAll(List<String> usernames) {
        List<String> given = AsyncLibrary.snapshot(usernames);
        return async.write(() -> sync.findOrCreateAll(given));
    }

    /**
     * Asynchronous {@link UserRepository#findById(long)}.
     *
     * @param id the user's id, positive
     * @return a future of the user, or of empty when there is no user with this id
     */
    public CompletableFuture<Optional<User>> findById(long id) {
        return async.read(() -> sync.findById(id));
    }

    /**
     * Finds a user by exact username (case-sensitive).
     *
     * <p>Asynchronous {@link UserRepository#findByUsername(String)}.
     *
     * @param username the username to look for; one that breaks the rules of a username (blank, too long) is an
     *                 {@link InvalidInputException}, not a miss
     * @return a future of the user, or of empty when no user has this username
     */
    public CompletableFuture<Optional<User>> findByUsername(String username) {
        return async.read(() -> sync.findByUsername(username));
    }

    /**
     * Asynchronous {@link UserRepository#rename(long, String)}.
     *
     * @param id          the user's id, positive
     * @param newUsername the new username
     * @return a future of the user with the new username
     */
    public CompletableFuture<User> rename(long id, String newUsername) {
        return async.write(() -> sync.rename(id, newUsername));
    }

    /**
     * Deletes a user and all their comments. Returns false when there was no such user.
     *
     * <p>Asynchronous {@link UserRepository#delete(long)}.
     *
     * @param id the user's id, positive
     * @return a future of true if the user was deleted, of false when there was no such user
     */
    public CompletableFuture<Boolean> delete(long id) {
        return async.write(() -> sync.delete(id));
    }

    /**
     * Keyset pagination ordered by username; {@code afterId} 0 for the first page, then the id of the last
     * user received; {@code limit} 1 to 1000.
     *
     * <p>The future fails with {@link NotFoundException} if {@code afterId} names a user that no longer exists.
     *
     * <p>Asynchronous {@link UserRepository#listAfter(long, int)}.
     *
     * @param afterId 0 for the first page, else the id of the last user of the previous page
     * @param limit   the most users to return, 1 to 1000
     * @return a future of up to {@code limit} users by username, after the user {@code afterId}; empty after the last
     *         one
     */
    public CompletableFuture<List<User>> listAfter(long afterId, int limit) {
        return async.read(() -> sync.listAfter(afterId, limit));
    }

    /**
     * Keyset pagination by the username itself: up to {@code limit} (1 to 1000) users whose username sorts
     * after {@code afterUsername}, in the order of {@link #listAfter}; that user may have been deleted meanwhile.
     *
     * <p>Asynchronous {@link UserRepository#listAfterUsername(String, int)}.
     *
     * @param afterUsername the username of the last user of the previous page, under the rules of a username
     * @param limit         the most users to return, 1 to 1000
     * @return a future of up to {@code limit} users by username, after {@code afterUsername}
     */
    public CompletableFuture<List<User>> listAfterUsername(String afterUsername, int limit) {
        return async.read(() -> sync.listAfterUsername(afterUsername, limit));
    }

    /**
     * Offset pagination ordered by username, with the total; {@code limit} 1 to 1000.
     *
     * <p>Asynchronous {@link UserRepository#page(int, int)}.
     *
     * @param offset how many users (by username) to skip, 0 or more
     * @param limit  the page size, 1 to 1000
     * @return a future of the page: up to {@code limit} users by username and the total number of users; an offset past
     *         the end gives an empty page that still has the total
     */
    public CompletableFuture<Page<User>> page(int offset, int limit) {
        return async.read(() -> sync.page(offset, limit));
    }

    /**
     * Asynchronous {@link UserRepository#count()}.
     *
     * @return a future of the number of users
     */
    public CompletableFuture<Long> count() {
        return async.read(() -> sync.count());
    }
}
