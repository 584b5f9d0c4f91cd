package com.example.reader;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.elibrary.Library;
import org.elibrary.LibrarySettings;
import org.elibrary.domain.BookDetails;
import org.elibrary.domain.BookWithAuthors;

/**
 * A small application on top of elibrary: a reading club that recommends books and collects reviews. It
 * uses only what an outside project sees: the published jars, by their Maven coordinates.
 */
public final class ReadingClub implements AutoCloseable {
    private final Library library;

    private ReadingClub(Library library) {
        this.library = library;
    }

    /** Opens (and migrates) the club's catalog. */
    public static ReadingClub open(LibrarySettings settings) {
        return new ReadingClub(Library.open(settings));
    }

    /** Adds a book with its authors (created when new); returns its id. */
    public long recommend(String title, List<String> authors) {
        return library.books().createWithAuthors(title, authors).id();
    }

    /** A review by a member, who joins the club with their first review: both or neither are stored. */
    public long review(String username, long bookId, String text) {
        return library.inTransaction(tx -> {
            long userId = tx.users().findByUsername(username)
                    .orElseGet(() -> tx.users().create(username)).id();
            return tx.comments().add(userId, bookId, text).id();
        });
    }

    public BookDetails page(long bookId) {
        return library.books().findDetails(bookId).orElseThrow();
    }

    /** Titles containing the query, any case, any alphabet. */
    public List<String> search(String query) {
        return library.books().searchByTitle(query, 20).stream()
                .map(book -> book.book().title())
                .collect(Collectors.toList());
    }

    /** Every title containing the query, fetched {@code pageSize} at a time (the library's keyset pages). */
    public List<String> searchAll(String query, int pageSize) {
        List<String> titles = new ArrayList<>();
        List<BookWithAuthors> page = library.books().searchByTitleAfter(query, 0, pageSize);
        while (!page.isEmpty()) {
            page.forEach(book -> titles.add(book.book().title()));
            long last = page.get(page.size() - 1).id();
            page = library.books().searchByTitleAfter(query, last, pageSize);
        }
        return titles;
    }

    /** Books by authors whose name contains the query, without blocking the caller. */
    public CompletableFuture<List<BookWithAuthors>> byAuthorAsync(String query) {
        return library.async().books().searchByAuthor(query, 20);
    }

    public Library library() {
        return library;
    }

    @Override
    public void close() {
        library.close();
    }
}
