package org.elibrary.domain;

import java.util.List;
import java.util.Objects;

/**
 * Input of a bulk book insert: a title and the ids of existing authors to link it to.
 *
 * @param title     the unique title
 * @param authorIds ids of existing authors (duplicates are ignored); may be empty
 */
public record NewBook(String title, List<Long> authorIds) {
    public NewBook {
        Objects.requireNonNull(title, "title");
        authorIds = List.copyOf(authorIds);
    }
}
