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
     *
     * @param name the author's name
     * @return a future of the author, with the id the database assigned
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

    /**
     * The authors of these names, creating those that do not exist yet, in one transaction, all or none; in the
     * order of {@code names}, a repeated name answered with the same author.
     *
     * <p>Asynchronous {@link AuthorRepository#findOrCreateAll(List)}.
     *
     * @param names the names, none null, each under the rules of a name; may be empty
     * @return a future of the authors, in the order of {@code names}
     */
    public CompletableFuture<List<Author>> findOrCreateAll(List<String> names) {
        List<String> given = AsyncLibrary.snapshot(names);
        return async.write(() -> sync.findOrCreateAll(given));
    }

    /**
     * Asynchronous {@link AuthorRepository#findById(long)}.
     *
     * @param id the author's id, positive
     * @return a future of the author, or of empty when there is no author with this id
     */
    public CompletableFuture<Optional<Author>> findById(long id) {
        return async.read(() -> sync.findById(id));
    }

    /**
     * Finds an author by exact name (case-sensitive).
     *
     * <p>Asynchronous {@link AuthorRepository#findByName(String)}.
     *
     * @param name the name to look for; one that breaks the rules of a name (blank, too long) is an
     *             {@link InvalidInputException}, not a miss
     * @return a future of the author, or of empty when no author has this name
     */
    public CompletableFuture<Optional<Author>> findByName(String name) {
        return async.read(() -> sync.findByName(name));
    }

    /**
     * The author with their books ordered by title, in one query.
     *
     * <p>Asynchronous {@link AuthorRepository#findDetails(long)}.
     *
     * @param id the author's id, positive
     * @return a future of the author and their books (an empty list when they have none), or of empty when there is no
     *         author with this id
     */
    public CompletableFuture<Optional<AuthorDetails>> findDetails(long id) {
        return async.read(() -> sync.findDetails(id));
    }

    /**
     * Renames an author; returns the renamed author.
     *
     * <p>Asynchronous {@link AuthorRepository#rename(long, String)}.
     *
     * @param id      the author's id, positive
     * @param newName the new name
     * @return a future of the author with the new name
     */
    public CompletableFuture<Author> rename(long id, String newName) {
        return async.write(() -> sync.rename(id, newName));
    }

    /**
     * Deletes an author and their links to books; the books stay. Returns false when there was no such
     * author.
     *
     * <p>Asynchronous {@link AuthorRepository#delete(long)}.
     *
     * @param id the author's id, positive
     * @return a future of true if the author was deleted, of false when there was no such author
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
     *
     * @param afterId 0 for the first page, else the id of the last author of the previous page
     * @param limit   the most authors to return, 1 to 1000
     * @return a future of up to {@code limit} authors by name, after the author {@code afterId}; empty after the last
     *         one
     */
    public CompletableFuture<List<Author>> listAfter(long afterId, int limit) {
        return async.read(() -> sync.listAfter(afterId, limit));
    }

    /**
     * Keyset pagination by the name itself: up to {@code limit} (1 to 1000) authors whose name sorts after
     * {@code afterName}, in the order of {@link #listAfter}; that author may have been deleted meanwhile.
     *
     * <p>Asynchronous {@link AuthorRepository#listAfterName(String, int)}.
     *
     * @param afterName the name of the last author of the previous page, under the rules of a name
     * @param limit     the most authors to return, 1 to 1000
     * @return a future of up to {@code limit} authors by name, after {@code afterName}; empty after the last one
     */
    public CompletableFuture<List<Author>> listAfterName(String afterName, int limit) {
        return async.read(() -> sync.listAfterName(afterName, limit));
    }

    /**
     * Offset pagination ordered by name, with the total number of authors. {@code limit} is 1 to 1000.
     *
     * <p>Asynchronous {@link AuthorRepository#page(int, int)}.
     *
     * @param offset how many authors (by name) to skip, 0 or more
     * @param limit  the page size, 1 to 1000
     * @return a future of the page: up to {@code limit} authors by name and the total number of authors; an offset past
     *         the end gives an empty page that still has the total
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
     *
     * @param query the text to look for, under the rules of a name (not blank, at most 100 characters)
     * @param limit the most authors to return, 1 to 1000
     * @return a future of the matching authors by name, empty when none matches
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
     *
     * @param query   the text to look for, under the rules of a name (not blank, at most 100 characters)
     * @param afterId 0 for the first page, else the id of the last author of the previous page
     * @param limit   the most authors to return, 1 to 1000
     * @return a future of up to {@code limit} matching authors by name, after the author {@code afterId}; empty after
     *         the last one
     */
    public CompletableFuture<List<Author>> searchAfter(String query, long afterId, int limit) {
        return async.read(() -> sync.searchAfter(query, afterId, limit));
    }

    /**
     * The next page of {@link #search} by the name itself: up to {@code limit} (1 to 1000) matching authors
     * whose name sorts after {@code afterName}; that author may have been deleted meanwhile.
     *
     * <p>Asynchronous {@link AuthorRepository#searchAfterName(String, String, int)}.
     *
     * @param query     the text to look for, under the rules of a name (not blank, at most 100 characters)
     * @param afterName the name of the last author of the previous page, under the rules of a name
     * @param limit     the most authors to return, 1 to 1000
     * @return a future of up to {@code limit} matching authors by name, after {@code afterName}
     */
    public CompletableFuture<List<Author>> searchAfterName(String query, String afterName, int limit) {
        return async.read(() -> sync.searchAfterName(query, afterName, limit));
    }

    /**
     * Asynchronous {@link AuthorRepository#count()}.
     *
     * @return a future of the number of authors
     */
    public CompletableFuture<Long> count() {
        return async.read(() -> sync.count());
    }
}
