package org.elibrary;

import java.util.List;
import java.util.function.BiFunction;
import org.elibrary.internal.mapper.SearchQuery;
import org.elibrary.internal.session.Sessions;
import org.elibrary.internal.session.UnitOfWork;
import org.elibrary.internal.session.Validation;

/**
 * The keyset pages of one table ({@code listAfter}, {@code search…After}) and their one rule: the statements
 * continue after the sort key (title, name, username) of the row {@code afterId}, which is NULL when that row
 * no longer exists, so such a page comes back empty; only then is it worth asking whether the row is gone.
 *
 * @param mapper     the table's mapper
 * @param entity     the table as {@link NotFoundException#entity()} names it
 * @param selectById the look-up of a row by id, null when there is none; an unbound method reference, so that
 *                   a call allocates nothing for it
 * @param <M>        the mapper type
 */
record KeysetPage<M>(Class<M> mapper, String entity, Lookup<M> selectById) {
    /** A row by id on a given mapper ({@code AuthorMapper::selectById}), without boxing the id. */
    interface Lookup<M> {
        Object selectById(M mapper, long id);
    }

    /**
     * {@code page}, unless it is empty because the row {@code afterId} no longer exists.
     *
     * @throws NotFoundException naming the entity and the id, in that case
     */
    <T> List<T> checked(List<T> page, M on, long afterId) {
        if (page.isEmpty() && afterId > 0 && selectById.selectById(on, afterId) == null) {
            throw new NotFoundException(entity, "id=" + afterId);
        }
        return page;
    }

    /**
     * Runs a substring search, the one body of every {@code search…} method: validates the query (as the
     * field of at most {@code maxLength} characters it is matched against), the keyset and the limit, and on
     * SQLite registers the Unicode fold function that the scan of a short query (under 3 characters, too
     * short for the trigram index) needs. {@code run} picks the mapper's statement for the query's length
     * ({@link SearchQuery#fts()}) and page (first, or after a row: {@link SearchQuery#afterId()}); a
     * non-capturing lambda, so that it is one object for all calls. A page after a row that no longer exists
     * is a {@link NotFoundException}, as for {@code listAfter}.
     */
    <T> List<T> search(Sessions sessions, UnitOfWork bound, String query, int maxLength, long afterId, int limit,
                       BiFunction<M, SearchQuery, List<T>> run) {
        Validation.text("query", query, maxLength);
        Validation.afterId(afterId);
        Validation.limit(limit);
        SearchQuery q = SearchQuery.of(query, afterId, limit);
        return sessions.read(bound, uow -> {
            uow.prepareSearch(q);
            M on = uow.mapper(mapper);
            return checked(run.apply(on, q), on, afterId);
        });
    }
}
