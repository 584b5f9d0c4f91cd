package org.elibrary.domain;

import java.util.List;
import java.util.Objects;

/**
 * One book with everything its page shows, read in one consistent snapshot.
 *
 * @param book     the book
 * @param authors  its authors, ordered by name
 * @param comments its comments, oldest (lowest id) first, each with its writer's username
 */
public record BookDetails(Book book, List<Author> authors, List<BookComment> comments) {
    /**
     * Checks that the book is given and keeps unmodifiable copies of the lists.
     *
     * @param book     the book
     * @param authors  its authors, ordered by name
     * @param comments its comments, oldest (lowest id) first
     * @throws NullPointerException if an argument is null, or an element of a list is
     */
    public BookDetails {
        Objects.requireNonNull(book, "book");
        authors = List.copyOf(authors);
        comments = List.copyOf(comments);
    }
}
