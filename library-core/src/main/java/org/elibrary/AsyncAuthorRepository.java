package org.elibrary;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.elibrary.domain.Author;
import org.elibrary.domain.AuthorDetails;
import org.elibrary.domain.Page;

/**
 * The asynchronous twin of {@link AuthorRepository}, obtained from {@link AsyncLibrary#authors()}: the same
 * methods with the same names and parameters, each returning a {@link CompletableFuture} of what the synchronous method
 * returns ({@code Void} for {@code void}). The call runs on the library's executor, never on the caller's
 * thread; the future fails with the exception the synchronous method would throw (the cause of the
 * {@code CompletionException} of {@code join()}), with {@link LibraryOverloadedException} when the queue is
 * full, {@link LibraryClosedException} after close, and {@link DatabaseUnavailableException} on a timeout.
 * See {@link AsyncLibrary} for threads, ordering, timeouts and cancellation.
 */
public final class AsyncAuthorRepository {
    private final AsyncLibrary async;
    private final AuthorRepository sync;

    AsyncAuthorRepository(AsyncLibrary async, AuthorRepository sync) {
        this.async = async;
        this.sync = sync;
    }

    /**
     * Creates an author.
     *
     * <p>Asynchronous {@link AuthorRepository#create(String)}.
     */
    public CompletableFuture<Author> create(String name) {
        return async.write(() -> sync.create(name));
    }

    /**
     * Creates many authors in one transaction (multi-row inserts), all or none. Returns them in the order
     * given. Duplicate names within the list are rejected before the database is touched.
     *
     * <p>Asynchronous {@link AuthorRepository#createAll(List)}.
     */
    public CompletableFuture<List<Author>> createAll(List<String> names) {
        List<String> given = AsyncLibrary.snapshot(names);
        return async.write(() -> sync.createAll(given));
    }

    /** Asynchronous {@link AuthorRepository#findById(long)}. */
    public CompletableFuture<Optional<Author>> findById(long id) {
        return async.read(() -> sync.findById(id));
    }

    /**
     * Finds an author by exact name (case-sensitive).
     *
     * <p>Asynchronous {@link AuthorRepository#findByName(String)}.
     */
    public CompletableFuture<Optional<Author>> findByName(String name) {
        return async.read(() -> sync.findByName(name));
    }

    /**
     * The author with their books ordered by title, in one query.
     *
     * <p>Asynchronous {@link AuthorRepository#findDetails(long)}.
     */
    public CompletableFuture<Optional<AuthorDetails>> findDetails(long id) {
        return async.read(() -> sync.findDetails(id));
    }

    /**
     * Renames an author; returns the renamed author.
     *
     * <p>Asynchronous {@link AuthorRepository#rename(long, String)}.
     */
    public CompletableFuture<Author> rename(long id, String newName) {
        return async.write(() -> sync.rename(id, newName));
    }

    /**
     * Deletes an author and their links to books; the books stay. Returns false when there was no such
     * author.
     *
     * <p>Asynchronous {@link AuthorRepository#delete(long)}.
     */
    public CompletableFuture<Boolean> delete(long id) {
        return async.write(() -> sync.delete(id));
    }

    /**
     * Keyset pagination ordered by name: up to {@code limit} (1 to 1000) authors after the author with id
     * {@code afterId}; pass 0 for the first page, then the id of the last author received.
     *
     * <p>The future fails with {@link NotFoundException} if {@code afterId} names an author that no longer exists.
     *
     * <p>Asynchronous {@link AuthorRepository#listAfter(long, int)}.
     */
    public CompletableFuture<List<Author>> listAfter(long afterId, int limit) {
        return async.read(() -> sync.listAfter(afterId, limit));
    }

    /**
     * Offset pagination ordered by name, with the total number of authors. {@code limit} is 1 to 1000.
     *
     * <p>Asynchronous {@link AuthorRepository#page(int, int)}.
     */
    public CompletableFuture<Page<Author>> page(int offset, int limit) {
        return async.read(() -> sync.page(offset, limit));
    }

    /**
     * Authors whose name contains {@code query}, case-insensitively across Unicode ({@code АННА} finds
     * {@code Анна}); {@code %}, {@code _} and {@code \} are literal. The first {@code limit} (1 to 1000) by
     * name; {@link #searchAfter} gives the next pages.
     *
     * <p>Asynchronous {@link AuthorRepository#search(String, int)}.
     */
    public CompletableFuture<List<Author>> search(String query, int limit) {
        return async.read(() -> sync.search(query, limit));
    }

    /**
     * The next page of {@link #search}: up to {@code limit} (1 to 1000) matching authors whose name sorts after
     * the name of the author with id {@code afterId} (0 for the first page, then the id of the last author
     * received; it need not match).
     *
     * <p>The future fails with {@link NotFoundException} if {@code afterId} names an author that no longer
     * exists.
     *
     * <p>Asynchronous {@link AuthorRepository#searchAfter(String, long, int)}.
     */
    public CompletableFuture<List<Author>> searchAfter(String query, long afterId, int limit) {
        return async.read(() -> sync.searchAfter(query, afterId, limit));
    }

    /** Asynchronous {@link AuthorRepository#count()}. */
    public CompletableFuture<Long> count() {
        return async.read(() -> sync.count());
    }
}
