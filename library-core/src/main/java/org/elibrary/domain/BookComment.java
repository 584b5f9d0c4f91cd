package org.elibrary.domain;

import java.util.Objects;

/**
 * A comment as shown under a book: with the username of its writer, so that a book's page needs no further
 * lookups.
 *
 * @param id       the comment's id
 * @param text     the comment's text
 * @param userId   the id of the user who wrote it
 * @param username that user's username
 */
public record BookComment(long id, String text, long userId, String username) {
    /**
     * Checks that the text and the username are given.
     *
     * @param id       the comment's id
     * @param text     the comment's text
     * @param userId   the id of the user who wrote it
     * @param username that user's username
     * @throws NullPointerException if {@code text} or {@code username} is null
     */
    public BookComment {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(username, "username");
    }
}
