package org.elibrary.domain;

import java.util.Objects;

/**
 * Input of a bulk comment insert.
 *
 * @param userId the id of an existing user
 * @param bookId the id of an existing book
 * @param text   the text, at most 300 characters
 */
public record NewComment(long userId, long bookId, String text) {
    public NewComment {
        Objects.requireNonNull(text, "text");
    }
}
