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

    /** Asynchronous {@link UserRepository#create(String)}. */
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

    /** Asynchronous {@link UserRepository#findById(long)}. */
    public CompletableFuture<Optional<User>> findById(long id) {
        return async.read(() -> sync.findById(id));
    }

    /**
     * Finds a user by exact username (case-sensitive).
     *
     * <p>Asynchronous {@link UserRepository#findByUsername(String)}.
     */
    public CompletableFuture<Optional<User>> findByUsername(String username) {
        return async.read(() -> sync.findByUsername(username));
    }

    /** Asynchronous {@link UserRepository#rename(long, String)}. */
    public CompletableFuture<User> rename(long id, String newUsername) {
        return async.write(() -> sync.rename(id, newUsername));
    }

    /**
     * Deletes a user and all their comments. Returns false when there was no such user.
     *
     * <p>Asynchronous {@link UserRepository#delete(long)}.
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
     */
    public CompletableFuture<List<User>> listAfter(long afterId, int limit) {
        return async.read(() -> sync.listAfter(afterId, limit));
    }

    /**
     * Offset pagination ordered by username, with the total; {@code limit} 1 to 1000.
     *
     * <p>Asynchronous {@link UserRepository#page(int, int)}.
     */
    public CompletableFuture<Page<User>> page(int offset, int limit) {
        return async.read(() -> sync.page(offset, limit));
    }

    /** Asynchronous {@link UserRepository#count()}. */
    public CompletableFuture<Long> count() {
        return async.read(() -> sync.count());
    }
}
