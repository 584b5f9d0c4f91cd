package org.elibrary;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.elibrary.domain.Book;
import org.elibrary.domain.BookDetails;
import org.elibrary.domain.BookWithAuthors;
import org.elibrary.domain.NewBook;
import org.elibrary.domain.Page;

/**
 * The asynchronous twin of {@link BookRepository}, obtained from {@link AsyncLibrary#books()}: the same
 * methods with the same names and parameters, each returning a {@link CompletableFuture} of what the synchronous method
 * returns ({@code Void} for {@code void}). The call runs on the library's executor, never on the caller's
 * thread; the future fails with the exception the synchronous method would throw (the cause of the
 * {@code CompletionException} of {@code join()}), with {@link LibraryOverloadedException} when the queue is
 * full, {@link LibraryClosedException} after close, and {@link DatabaseUnavailableException} on a timeout.
 * See {@link AsyncLibrary} for threads, ordering, timeouts and cancellation.
 */
public final class AsyncBookRepository {
    private final AsyncLibrary async;
    private final BookRepository sync;

    AsyncBookRepository(AsyncLibrary async, BookRepository sync) {
        this.async = async;
        this.sync = sync;
    }

    /**
     * Creates a book without authors.
     *
     * <p>Asynchronous {@link BookRepository#create(String)}.
     *
     * @param title the book's title
     * @return a future of the book, with the id the database assigned
     */
    public CompletableFuture<Book> create(String title) {
        return async.write(() -> sync.create(title));
    }

    /**
     * Creates a book linked to existing authors, in one transaction.
     *
     * <p>The future fails with {@link NotFoundException} if an author id does not exist, with
     * {@link DuplicateException} if the title is taken.
     *
     * <p>Asynchronous {@link BookRepository#createWithAuthorIds(String, Collection)}.
     */
    public CompletableFuture<Book> createWithAuthorIds(String title, Collection<Long> authorIds) {
        List<Long> given = AsyncLibrary.snapshot(authorIds);
        return async.write(() -> sync.createWithAuthorIds(title, given));
    }

    /**
     * Creates a book with its authors by name, creating the authors that do not exist yet, all in one
     * transaction. Duplicate names in the list count once.
     *
     * <p>Asynchronous {@link BookRepository#createWithAuthors(String, Collection)}.
     *
     * @param title       the book's title
     * @param authorNames the names of its authors, each under the rules of a name; may be empty
     * @return a future of the book with its authors, ordered by name
     */
    public CompletableFuture<BookWithAuthors> createWithAuthors(String title, Collection<String> authorNames) {
        List<String> given = AsyncLibrary.snapshot(authorNames);
        return async.write(() -> sync.createWithAuthors(title, given));
    }

    /**
     * Creates many books with their author links in one transaction (multi-row inserts of up to 1000 rows),
     * all or none: the bulk path for imports. Returns the books in the order given.
     *
     * <p>The future fails with {@link NotFoundException} if an author id does not exist.
     *
     * <p>The future fails with {@link DuplicateException} if a title is taken or given twice.
     *
     * <p>Asynchronous {@link BookRepository#createAll(List)}.
     */
    public CompletableFuture<List<Book>> createAll(List<NewBook> books) {
        List<NewBook> given = AsyncLibrary.snapshot(books);
        return async.write(() -> sync.createAll(given));
    }

    /**
     * Asynchronous {@link BookRepository#findById(long)}.
     *
     * @param id the book's id, positive
     * @return a future of the book, or of empty when there is no book with this id
     */
    public CompletableFuture<Optional<Book>> findById(long id) {
        return async.read(() -> sync.findById(id));
    }

    /**
     * Finds a book by exact title (case-sensitive).
     *
     * <p>Asynchronous {@link BookRepository#findByTitle(String)}.
     *
     * @param title the title to look for; one that breaks the rules of a title (blank, too long) is an
     *              {@link InvalidInputException}, not a miss
     * @return a future of the book, or of empty when no book has this title
     */
    public CompletableFuture<Optional<Book>> findByTitle(String title) {
        return async.read(() -> sync.findByTitle(title));
    }

    /**
     * A book with its authors (by name), in one query.
     *
     * <p>Asynchronous {@link BookRepository#findWithAuthors(long)}.
     *
     * @param id the book's id, positive
     * @return a future of the book with its authors ordered by name (an empty list when it has none), or of empty when
     *         there is no book with this id
     */
    public CompletableFuture<Optional<BookWithAuthors>> findWithAuthors(long id) {
        return async.read(() -> sync.findWithAuthors(id));
    }

    /**
     * A book's page: the book, its authors by name and its comments by id with their writers' usernames.
     * One SQL statement whatever the number of comments, hence one consistent snapshot.
     *
     * <p>Asynchronous {@link BookRepository#findDetails(long)}.
     *
     * @param id the book's id, positive
     * @return a future of the book's details, or of empty when there is no book with this id
     */
    public CompletableFuture<Optional<BookDetails>> findDetails(long id) {
        return async.read(() -> sync.findDetails(id));
    }

    /**
     * Changes a book's title; returns the renamed book.
     *
     * <p>Asynchronous {@link BookRepository#rename(long, String)}.
     *
     * @param id       the book's id, positive
     * @param newTitle the new title
     * @return a future of the book with the new title
     */
    public CompletableFuture<Book> rename(long id, String newTitle) {
        return async.write(() -> sync.rename(id, newTitle));
    }

    /**
     * Deletes a book with its comments and its author links (the authors stay), atomically; works on
     * databases whose foreign keys have no ON DELETE clause. Returns false when there was no such book.
     *
     * <p>Asynchronous {@link BookRepository#delete(long)}.
     *
     * @param id the book's id, positive
     * @return a future of true if the book was deleted, of false when there was no such book
     */
    public CompletableFuture<Boolean> delete(long id) {
        return async.write(() -> sync.delete(id));
    }

    /**
     * Links an author to a book.
     *
     * <p>The future fails with {@link NotFoundException} if the book or the author does not exist.
     *
     * <p>The future fails with {@link DuplicateException} if they are already linked (field {@code author_book}).
     *
     * <p>Asynchronous {@link BookRepository#linkAuthor(long, long)}.
     *
     * @param bookId   the book's id, positive
     * @param authorId the author's id, positive
     * @return a future completed (with {@code null}) once they are linked
     */
    public CompletableFuture<Void> linkAuthor(long bookId, long authorId) {
        return async.write(() -> {
            sync.linkAuthor(bookId, authorId);
            return null;
        });
    }

    /**
     * Unlinks an author from a book; returns false when they were not linked.
     *
     * <p>Asynchronous {@link BookRepository#unlinkAuthor(long, long)}.
     *
     * @param bookId   the book's id, positive
     * @param authorId the author's id, positive
     * @return a future of true if the link was removed; of false when there was none, also when the book or the author
     *         does not exist
     */
    public CompletableFuture<Boolean> unlinkAuthor(long bookId, long authorId) {
        return async.write(() -> sync.unlinkAuthor(bookId, authorId));
    }

    /**
     * Keyset pagination ordered by title, each book with its authors, in one query: up to {@code limit}
     * (1 to 1000) books after the book with id {@code afterId}; 0 for the first page, then the id of the last
     * book received.
     *
     * <p>The future fails with {@link NotFoundException} if {@code afterId} names a book that no longer exists.
     *
     * <p>Asynchronous {@link BookRepository#listAfter(long, int)}.
     *
     * @param afterId 0 for the first page, else the id of the last book of the previous page
     * @param limit   the most books to return, 1 to 1000
     * @return a future of up to {@code limit} books by title, after the book {@code afterId}, each with its authors by
     *         name; empty after the last one
     */
    public CompletableFuture<List<BookWithAuthors>> listAfter(long afterId, int limit) {
        return async.read(() -> sync.listAfter(afterId, limit));
    }

    /**
     * Keyset pagination by the title itself: up to {@code limit} (1 to 1000) books whose title sorts after
     * {@code afterTitle}, each with its authors, in the order of {@link #listAfter}; that book may have been
     * deleted meanwhile.
     *
     * <p>Asynchronous {@link BookRepository#listAfterTitle(String, int)}.
     *
     * @param afterTitle the title of the last book of the previous page, under the rules of a title
     * @param limit      the most books to return, 1 to 1000
     * @return a future of up to {@code limit} books by title, after {@code afterTitle}, each with its authors
     */
    public CompletableFuture<List<BookWithAuthors>> listAfterTitle(String afterTitle, int limit) {
        return async.read(() -> sync.listAfterTitle(afterTitle, limit));
    }

    /**
     * Offset pagination ordered by title, each book with its authors, with the total number of books.
     *
     * <p>Asynchronous {@link BookRepository#page(int, int)}.
     *
     * @param offset how many books (by title) to skip, 0 or more
     * @param limit  the page size, 1 to 1000
     * @return a future of the page: up to {@code limit} books by title, each with its authors by name, and the total
     *         number of books; an offset past the end gives an empty page that still has the total
     */
    public CompletableFuture<Page<BookWithAuthors>> page(int offset, int limit) {
        return async.read(() -> sync.page(offset, limit));
    }

    /**
     * Books whose title contains {@code query}, case-insensitively across Unicode ({@code ВОЙНА} finds
     * {@code Война и мир} on both databases); {@code %}, {@code _} and {@code \} are literal. The first
     * {@code limit} (1 to 1000) by title, each with its authors; {@link #searchByTitleAfter} gives the next
     * pages. Index-served for queries of 3 or more characters; shorter ones scan the table.
     *
     * <p>Asynchronous {@link BookRepository#searchByTitle(String, int)}.
     *
     * @param query the text to look for, under the rules of a title (not blank, at most 150 characters)
     * @param limit the most books to return, 1 to 1000
     * @return a future of the matching books by title, each with its authors by name; empty when none matches
     */
    public CompletableFuture<List<BookWithAuthors>> searchByTitle(String query, int limit) {
        return async.read(() -> sync.searchByTitle(query, limit));
    }

    /**
     * The next page of {@link #searchByTitle}: up to {@code limit} (1 to 1000) matching books whose title
     * sorts after the title of the book with id {@code afterId} (0 for the first page, then the id of the last
     * book received; it need not match), each with its authors.
     *
     * <p>The future fails with {@link NotFoundException} if {@code afterId} names a book that no longer exists.
     *
     * <p>Asynchronous {@link BookRepository#searchByTitleAfter(String, long, int)}.
     *
     * @param query   the text to look for, under the rules of a title (not blank, at most 150 characters)
     * @param afterId 0 for the first page, else the id of the last book of the previous page
     * @param limit   the most books to return, 1 to 1000
     * @return a future of up to {@code limit} matching books by title, after the book {@code afterId}, each with its
     *         authors by name; empty after the last one
     */
    public CompletableFuture<List<BookWithAuthors>> searchByTitleAfter(String query, long afterId, int limit) {
        return async.read(() -> sync.searchByTitleAfter(query, afterId, limit));
    }

    /**
     * The next page of {@link #searchByTitle} by the title itself: matching books whose title sorts after
     * {@code afterTitle}; that book may have been deleted meanwhile.
     *
     * <p>Asynchronous {@link BookRepository#searchByTitleAfterTitle(String, String, int)}.
     *
     * @param query      the text to look for, under the rules of a title (not blank, at most 150 characters)
     * @param afterTitle the title of the last book of the previous page, under the rules of a title
     * @param limit      the most books to return, 1 to 1000
     * @return a future of up to {@code limit} matching books by title, after {@code afterTitle}
     */
    public CompletableFuture<List<BookWithAuthors>> searchByTitleAfterTitle(String query, String afterTitle, int limit) {
        return async.read(() -> sync.searchByTitleAfterTitle(query, afterTitle, limit));
    }

    /**
     * Books whose title contains {@code query}, matched as {@link #searchByTitle} matches, without their
     * authors: the first {@code limit} (1 to 1000) by title.
     *
     * <p>Asynchronous {@link BookRepository#searchTitles(String, int)}.
     *
     * @param query the text to look for, under the rules of a title (not blank, at most 150 characters)
     * @param limit the most books to return, 1 to 1000
     * @return a future of the matching books by title; empty when none matches
     */
    public CompletableFuture<List<Book>> searchTitles(String query, int limit) {
        return async.read(() -> sync.searchTitles(query, limit));
    }

    /**
     * Books having an author whose name contains {@code query} (same matching rules as
     * {@link #searchByTitle}); the first {@code limit} by title, each with all its authors;
     * {@link #searchByAuthorAfter} gives the next pages.
     *
     * <p>Asynchronous {@link BookRepository#searchByAuthor(String, int)}.
     *
     * @param query the text to look for in the authors' names, under the rules of a name (not blank, at most 100
     *              characters)
     * @param limit the most books to return, 1 to 1000
     * @return a future of the matching books by title, each once and with all its authors by name; empty when none
     *         matches
     */
    public CompletableFuture<List<BookWithAuthors>> searchByAuthor(String query, int limit) {
        return async.read(() -> sync.searchByAuthor(query, limit));
    }

    /**
     * The next page of {@link #searchByAuthor}: up to {@code limit} (1 to 1000) of those books whose title
     * sorts after the title of the book with id {@code afterId} (0 for the first page, then the id of the last
     * book received; it need not match), each with all its authors.
     *
     * <p>The future fails with {@link NotFoundException} if {@code afterId} names a book that no longer exists.
     *
     * <p>Asynchronous {@link BookRepository#searchByAuthorAfter(String, long, int)}.
     *
     * @param query   the text to look for in the authors' names, under the rules of a name (not blank, at most 100
     *                characters)
     * @param afterId 0 for the first page, else the id of the last book of the previous page
     * @param limit   the most books to return, 1 to 1000
     * @return a future of up to {@code limit} matching books by title, after the book {@code afterId}, each once and
     *         with all its authors by name; empty after the last one
     */
    public CompletableFuture<List<BookWithAuthors>> searchByAuthorAfter(String query, long afterId, int limit) {
        return async.read(() -> sync.searchByAuthorAfter(query, afterId, limit));
    }

    /**
     * The next page of {@link #searchByAuthor} by the title itself: those books whose title sorts after
     * {@code afterTitle}; that book may have been deleted meanwhile.
     *
     * <p>Asynchronous {@link BookRepository#searchByAuthorAfterTitle(String, String, int)}.
     *
     * @param query      the text to look for in the authors' names, under the rules of a name
     * @param afterTitle the title of the last book of the previous page, under the rules of a title
     * @param limit      the most books to return, 1 to 1000
     * @return a future of up to {@code limit} matching books by title, after {@code afterTitle}
     */
    public CompletableFuture<List<BookWithAuthors>> searchByAuthorAfterTitle(String query, String afterTitle, int limit) {
        return async.read(() -> sync.searchByAuthorAfterTitle(query, afterTitle, limit));
    }

    /**
     * Asynchronous {@link BookRepository#count()}.
     *
     * @return a future of the number of books
     */
    public CompletableFuture<Long> count() {
        return async.read(() -> sync.count());
    }
}
