package org.elibrary.domain;

import java.util.Objects;

/**
 * A comment as stored: its text (at most 300 characters), who wrote it and on which book.
 *
 * @param id     the id the database assigned, positive
 * @param text   the comment's text
 * @param userId the id of the user who wrote it
 * @param bookId the id of the book it is about
 */
public record Comment(long id, String text, long userId, long bookId) {
    /**
     * Checks that the text is given.
     *
     * @param id     the id the database assigned, positive
     * @param text   the comment's text
     * @param userId the id of the user who wrote it
     * @param bookId the id of the book it is about
     * @throws NullPointerException if {@code text} is null
     */
    public Comment {
        Objects.requireNonNull(text, "text");
    }
}
