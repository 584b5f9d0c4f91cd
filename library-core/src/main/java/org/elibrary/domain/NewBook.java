package org.elibrary.domain;

import java.util.List;
import org.elibrary.InvalidInputException;

/**
 * Input of a bulk book insert: a title and the ids of existing authors to link it to.
 *
 * @param title     the unique title
 * @param authorIds ids of existing authors (duplicates are ignored); may be empty
 */
public record NewBook(String title, List<Long> authorIds) {
    /**
     * Checks that the title and the ids are given and keeps an unmodifiable copy of the ids.
     *
     * @param title     the unique title
     * @param authorIds ids of existing authors (duplicates are ignored); may be empty
     * @throws InvalidInputException if {@code title} or {@code authorIds} is null or an id is null (the rest is
     *                               checked by the call that takes the book)
     */
    public NewBook {
        if (title == null) {
            throw new InvalidInputException("book.title", "is required");
        }
        if (authorIds == null) {
            throw new InvalidInputException("authorIds", "is required");
        }
        try {
            authorIds = List.copyOf(authorIds); // no copy of a list that is already immutable
        } catch (NullPointerException nullId) {
            throw new InvalidInputException("authorIds", "must not contain null");
        }
    }
}
