package org.elibrary;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.elibrary.domain.Page;
import org.elibrary.internal.mapper.CountedRow;
import org.elibrary.internal.mapper.PageRow;
import org.elibrary.internal.session.Sessions;
import org.elibrary.internal.session.UnitOfWork;
import org.elibrary.internal.session.Validation;

/**
 * The offset pages ({@code page(offset, limit)}) of one table: one statement reads the page's rows, each with
 * the list's total, so page and total share a snapshot; only a page past the end, which has no row to carry
 * the total, counts it with a second statement.
 *
 * @param mapper the table's mapper
 * @param select the page's statement
 * @param count  the table's count statement
 * @param items  the page's items made from its rows (each row may be one of several of an item)
 * @param <M>    the mapper type
 * @param <R>    the statement's row type
 * @param <T>    the page's item type
 */
record OffsetPage<M, R extends PageRow, T>(Class<M> mapper, Select<M, R> select, ToLongFunction<M> count,
                                           Function<List<R>, List<T>> items) {
    /** The page statement of a mapper ({@code AuthorMapper::selectPage}). */
    interface Select<M, R> {
        List<R> selectPage(M mapper, int offset, int limit);
    }

    /** An item made of an id and its text ({@code Author::new}), without boxing the id. */
    interface Named<T> {
        T make(long id, String text);
    }

    /** {@code items} for a table whose rows are an id and one text (authors, users): one item a row. */
    static <T> Function<List<CountedRow>, List<T>> eachRow(Named<T> item) {
        return rows -> {
            List<T> items = new ArrayList<>(rows.size());
            for (CountedRow row : rows) {
                items.add(item.make(row.id(), row.text()));
            }
            return items;
        };
    }

    /** Validates the offset and the limit and reads the page. */
    Page<T> read(Sessions sessions, UnitOfWork bound, int offset, int limit) {
        Validation.offset(offset);
        Validation.limit(limit);
        return sessions.read(bound, uow -> {
            M on = uow.mapper(mapper);
            List<R> rows = select.selectPage(on, offset, limit);
            if (rows.isEmpty()) {
                return new Page<>(List.of(), offset == 0 ? 0 : count.applyAsLong(on), offset, limit);
            }
            return new Page<>(items.apply(rows), rows.get(0).total(), offset, limit);
        });
    }
}
