package org.elibrary.examples.cli;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import org.elibrary.InvalidInputException;

/**
 * Walks one of the library's keyset-paginated lists ({@code listAfter(afterId, limit)}: rows in the list's
 * order after the row with id {@code afterId}) one page in memory at a time, so a listing or an export of
 * any size runs in constant memory.
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

    /**
     * @param limit at most this many rows in all, or null for all of them
     * @param after continue after the row with this id, or null to start at the beginning
     */
    Pager(Integer limit, Long after, ToLongFunction<T> id, PageQuery<T> query) {
        this.limit = checkLimit(limit);
        this.after = after == null ? 0 : after;
        this.id = id;
        this.query = query;
    }

    static Integer checkLimit(Integer limit) {
        if (limit != null && limit < 1) {
            throw new InvalidInputException("limit", "must be at least 1");
        }
        return limit;
    }

    void forEach(Consumer<T> action) {
        long cursor = after;
        long remaining = limit == null ? Long.MAX_VALUE : limit;
        while (remaining > 0) {
            int size = (int) Math.min(PAGE_SIZE, remaining);
            List<T> page = query.fetch(cursor, size);
            for (T item : page) {
                action.accept(item);
                cursor = id.applyAsLong(item);
            }
            remaining -= page.size();
            if (page.size() < size) {
                return;
            }
        }
    }
}
