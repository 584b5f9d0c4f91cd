package org.elibrary.domain;

import java.util.List;
import java.util.Objects;

/**
 * A book with its authors: one entry of a list, page or search result of books.
 *
 * @param book    the book
 * @param authors its authors, ordered by name (empty when it has none)
 */
public record BookWithAuthors(Book book, List<Author> authors) {
    /**
     * Checks that the book is given and keeps an unmodifiable copy of the authors.
     *
     * @param book    the book
     * @param authors its authors, ordered by name
     * @throws NullPointerException if {@code book} or {@code authors} is null, or an author is
     */
    public BookWithAuthors {
        Objects.requireNonNull(book, "book");
        authors = List.copyOf(authors);
    }

    /** {@return the book's id} For use as the keyset cursor of the next page. */
    public long id() {
        return book.id();
    }

    /** {@return the book's title} For use as the keyset of the next page by title ({@code listAfterTitle}). */
    public String title() {
        return book.title();
    }
}
