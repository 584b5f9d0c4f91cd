package org.elibrary.domain;

import java.util.List;
import java.util.Objects;

/**
 * One page of an offset-paginated list, with the total number of rows the list has.
 *
 * @param items  the rows of this page, at most {@code limit}
 * @param total  how many rows the whole list has (counted in the same snapshot as the page)
 * @param offset how many rows precede this page
 * @param limit  the page size that was asked for
 * @param <T>    the row type
 */
public record Page<T>(List<T> items, long total, int offset, int limit) {
    public Page {
        items = List.copyOf(Objects.requireNonNull(items, "items"));
        if (total < 0 || offset < 0 || limit < 1) {
            throw new IllegalArgumentException("total and offset must be >= 0 and limit >= 1");
        }
        if (items.size() > limit) {
            throw new IllegalArgumentException("a page holds at most limit (" + limit + ") items, not "
                    + items.size());
        }
    }

    /** Whether rows follow this page. */
    public boolean hasNext() {
        return (long) offset + items.size() < total;
    }
}
