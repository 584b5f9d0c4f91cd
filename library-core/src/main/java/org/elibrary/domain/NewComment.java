package org.elibrary.domain;

import org.elibrary.InvalidInputException;

/**
 * Input of a bulk comment insert.
 *
 * @param userId the id of an existing user
 * @param bookId the id of an existing book
 * @param text   the text, at most 300 characters
 */
public record NewComment(long userId, long bookId, String text) {
    /**
     * Checks that the text is given.
     *
     * @param userId the id of an existing user
     * @param bookId the id of an existing book
     * @param text   the text, at most 300 characters
     * @throws InvalidInputException if {@code text} is null (the rest is checked by the call that adds it)
     */
    public NewComment {
        if (text == null) {
            throw new InvalidInputException("comment.text", "is required");
        }
    }
}
