package org.elibrary.domain;

import java.util.Objects;

/**
 * A book as stored: the database id and the unique title (at most 150 characters).
 *
 * @param id    the id the database assigned, positive
 * @param title the unique title
 */
public record Book(long id, String title) {
    /**
     * Checks that the title is given.
     *
     * @param id    the id the database assigned, positive
     * @param title the unique title
     * @throws NullPointerException if {@code title} is null
     */
    public Book {
        Objects.requireNonNull(title, "title");
    }
}
