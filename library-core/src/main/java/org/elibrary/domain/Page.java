package org.elibrary.domain;

import java.util.List;
import java.util.Objects;

/**
 * One page of an offset-paginated list, with the total number of rows the list has.
 *
 * @param items  the rows of this page, at most {@code limit}
 * @param total  how many rows the whole list has (counted in the same snapshot as the page, except for an empty
 *               page past the end, whose total is counted by a second statement)
 * @param offset how many rows precede this page
 * @param limit  the page size that was asked for
 * @param <T>    the row type
 */
public record Page<T>(List<T> items, long total, int offset, int limit) {
    /**
     * Checks the page and keeps an unmodifiable copy of its items.
     *
     * @param items  the rows of this page, at most {@code limit}
     * @param total  how many rows the whole list has
     * @param offset how many rows precede this page
     * @param limit  the page size that was asked for
     * @throws NullPointerException     if {@code items} is null or holds a null
     * @throws IllegalArgumentException if {@code total} or {@code offset} is negative, {@code limit} is below 1,
     *                                  or {@code items} holds more than {@code limit} rows
     */
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

    /** {@return whether rows follow this page} */
    public boolean hasNext() {
        return (long) offset + items.size() < total;
    }
}
