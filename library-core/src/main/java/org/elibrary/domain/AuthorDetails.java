package org.elibrary.domain;

import java.util.List;
import java.util.Objects;

/**
 * One author with their books, read in one consistent snapshot.
 *
 * @param author the author
 * @param books  their books, ordered by title
 */
public record AuthorDetails(Author author, List<Book> books) {
    /**
     * Checks that the author is given and keeps an unmodifiable copy of the books.
     *
     * @param author the author
     * @param books  their books, ordered by title
     * @throws NullPointerException if {@code author} or {@code books} is null, or a book is
     */
    public AuthorDetails {
        Objects.requireNonNull(author, "author");
        books = List.copyOf(books);
    }
}
