package org.elibrary;

import java.util.List;
import java.util.function.BiFunction;
import org.elibrary.internal.mapper.SearchQuery;
import org.elibrary.internal.session.Sessions;
import org.elibrary.internal.session.UnitOfWork;
import org.elibrary.internal.session.Validation;

/**
 * The keyset pages of one table and their two rules. After an id ({@code listAfter}, {@code search…After}):
 * the statements continue after the sort key (title, name, username) of the row {@code afterId}, which is
 * NULL when that row no longer exists, so such a page comes back empty; only then is it worth asking whether
 * the row is gone. After a key ({@code listAfterTitle}, {@code search…AfterTitle}, ...): the statements
 * continue after the key itself, in the same order, so a row deleted meanwhile changes nothing.
 *
 * @param mapper     the table's mapper
 * @param entity     the table as {@link NotFoundException#entity()} names it
 * @param selectById the look-up of a row by id, null when there is none; an unbound method reference, so that
 *                   a call allocates nothing for it
 * @param keyField   the key's parameter as {@link InvalidInputException#field()} names it ({@code afterTitle})
 * @param keyMax     the most characters of the sort key's column
 * @param <M>        the mapper type
 */
record KeysetPage<M>(Class<M> mapper, String entity, Lookup<M> selectById, String keyField, int keyMax) {
    /** A row by id on a given mapper ({@code AuthorMapper::selectById}), without boxing the id. */
    interface Lookup<M> {
        Object selectById(M mapper, long id);
    }

    /** The page after a key on a given mapper ({@code AuthorMapper::selectAfterName}). */
    interface AfterKey<M, T> {
        List<T> select(M mapper, String afterKey, int limit);
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

    /** Validates the key and the limit and reads the page after the key. */
    <T> List<T> afterKey(Sessions sessions, UnitOfWork bound, String afterKey, int limit, AfterKey<M, T> select) {
        Validation.text(keyField, afterKey, keyMax);
        Validation.limit(limit);
        return sessions.read(bound, uow -> select.select(uow.mapper(mapper), afterKey, limit));
    }

    /**
     * Runs a substring search, the one body of every {@code search…} method after an id: validates the query
     * (as the field of at most {@code maxLength} characters it is matched against), the keyset and the limit,
     * and on SQLite registers the Unicode fold function that the scan of a short query (under 3 characters, too
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
        return search(sessions, bound, SearchQuery.of(query, afterId, limit), run);
    }

    /**
     * {@link #search} after a key ({@link SearchQuery#afterKey()}) instead of an id: validated as the field
     * {@link #keyField}; never a {@link NotFoundException}.
     */
    <T> List<T> searchAfterKey(Sessions sessions, UnitOfWork bound, String query, int maxLength, String afterKey,
                               int limit, BiFunction<M, SearchQuery, List<T>> run) {
        Validation.text("query", query, maxLength);
        Validation.text(keyField, afterKey, keyMax);
        Validation.limit(limit);
        return search(sessions, bound, SearchQuery.ofKey(query, afterKey, limit), run);
    }

    private <T> List<T> search(Sessions sessions, UnitOfWork bound, SearchQuery q, BiFunction<M, SearchQuery, List<T>> run) {
        return sessions.read(bound, uow -> {
            uow.prepareSearch(q);
            M on = uow.mapper(mapper);
            return checked(run.apply(on, q), on, q.afterId());
        });
    }
}
