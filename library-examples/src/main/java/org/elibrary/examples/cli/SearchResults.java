package org.elibrary.examples.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;
import org.elibrary.NotFoundException;

/**
 * {@code --limit} and {@code --after} applied to a search result. The library's searches return the first
 * matches in the list's order (at most {@value #MAX} of them) and have no keyset cursor, so the CLI asks for
 * all {@value #MAX} and continues after the given id itself.
 */
final class SearchResults {
    /** The most matches one library search returns. */
    static final int MAX = 1000;

    private SearchResults() {
    }

    static <T> List<T> page(List<T> matches, Integer limit, Long after, ToLongFunction<T> id, String entity) {
        Pager.checkLimit(limit);
        int from = 0;
        if (after != null && after != 0) {
            from = -1;
            for (int i = 0; i < matches.size(); i++) {
                if (id.applyAsLong(matches.get(i)) == after) {
                    from = i + 1;
                    break;
                }
            }
            if (from < 0) {
                throw new NotFoundException(entity, "id=" + after + " among the matches");
            }
        }
        int to = limit == null ? matches.size() : (int) Math.min(matches.size(), (long) from + limit);
        return new ArrayList<>(matches.subList(from, Math.max(from, to)));
    }
}
