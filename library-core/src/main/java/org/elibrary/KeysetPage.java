package org.elibrary;

import java.util.List;
import java.util.function.LongFunction;

/**
 * The one rule of the keyset pages ({@code listAfter}, {@code search…After}): the statements continue after
 * the sort key (title, name, username) of the row {@code afterId}, which is NULL when that row no longer
 * exists, so such a page comes back empty; only then is it worth asking whether the row is gone.
 */
final class KeysetPage {
    private KeysetPage() {
    }

    /**
     * {@code page}, unless it is empty because the row {@code afterId} no longer exists.
     *
     * @throws NotFoundException naming {@code entity} and the id, in that case
     */
    static <T> List<T> of(List<T> page, long afterId, String entity, LongFunction<?> findById) {
        if (page.isEmpty() && afterId > 0 && findById.apply(afterId) == null) {
            throw new NotFoundException(entity, "id=" + afterId);
        }
        return page;
    }
}
