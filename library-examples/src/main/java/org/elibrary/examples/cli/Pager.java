package org.elibrary.examples.cli;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import org.elibrary.InvalidInputException;

/**
 * Walks one of the library's keyset-paginated lists ({@code listAfter(afterId, limit)}, {@code
 * searchByTitleAfter(query, afterId, limit)}, ...: rows in the list's order after the row with id {@code
 * afterId}) one page in memory at a time, so a listing or an export of any size runs in constant memory.
 */
final class Pager<T> {
    /** Rows fetched per query (the library accepts up to 1000). */
    static final int PAGE_SIZE = 500;

    @FunctionalInterface
    interface PageQuery<T> {
        List<T> fetch(long afterId, int limit);
    }

    private final Integer limit;
    private final long after;
    private final ToLongFunction<T> id;
    private final PageQuery<T> query;
    private final Predicate<T> filter;

    /**
     * @param limit at most this many rows in all, or null for all of them
     * @param after continue after the row with this id, or null to start at the beginning
     */
    Pager(Integer limit, Long after, ToLongFunction<T> id, PageQuery<T> query) {
        this(limit, after, id, query, null);
    }

    /**
     * Only the rows that pass {@code filter} (all of them if it is null) count towards the limit and reach
     * the action; the others only move the keyset on.
     */
    Pager(Integer limit, Long after, ToLongFunction<T> id, PageQuery<T> query, Predicate<T> filter) {
        this.limit = checkLimit(limit);
        this.after = after == null ? 0 : after;
        this.id = id;
        this.query = query;
        this.filter = filter;
    }

    private static Integer checkLimit(Integer limit) {
        if (limit != null && limit < 1) {
            throw new InvalidInputException("limit", "must be at least 1");
        }
        return limit;
    }

    void forEach(Consumer<T> action) {
        long cursor = after;
        long remaining = limit == null ? Long.MAX_VALUE : limit;
        while (remaining > 0) {
            // a filter may drop rows, so a page then cannot be cut to what is still wanted
            int size = filter == null ? (int) Math.min(PAGE_SIZE, remaining) : PAGE_SIZE;
            List<T> page = query.fetch(cursor, size);
            for (T item : page) {
                cursor = id.applyAsLong(item);
                if (filter == null || filter.test(item)) {
                    action.accept(item);
                    if (--remaining == 0) {
                        return;
                    }
                }
            }
            if (page.size() < size) {
                return;
            }
        }
    }
}
