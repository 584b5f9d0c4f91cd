package org.elibrary;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.elibrary.internal.mapper.Bulk;
import org.elibrary.internal.mapper.NamedRowMapper;
import org.elibrary.internal.session.UnitOfWork;

/**
 * Bulk inserts of rows made of an id and one unique text (authors, books, users): the new rows in the order
 * of the texts.
 *
 * <p>On SQLite the ids are chosen here: the next ones after the largest in use, which is what SQLite itself
 * gives a row inserted without an id while the write transaction holds the database's one write lock (on a
 * caller's connection that began without that lock, a concurrent writer makes this insert fail on the id,
 * never share it). The rows go as multi-row inserts (MultiRowInsert) and nothing is read back: returning
 * the rows cost about 10% of a bulk insert of books, SQLite handing each text back to Java. Past the largest possible rowid (SQLite then picks ids at random)
 * and on PostgreSQL (whose sequence concurrent sessions share) the database assigns the ids and returns
 * them with their texts, which tell the rows apart (RETURNING has no order).
 */
final class NewRows {
    private NewRows() {
    }

    /** Inserts {@code texts} (at most one chunk) and returns the new rows, made by {@code row}, in their order. */
    static <T, M extends NamedRowMapper<T>> List<T> insert(UnitOfWork uow, Class<M> type, List<String> texts,
                                                           BiFunction<Long, String, T> row, Function<T, String> text) {
        M mapper = uow.mapper(type);
        List<T> rows = new ArrayList<>(texts.size());
        if (uow.backend() == Backend.SQLITE) {
            long largest = mapper.selectMaxId();
            if (largest <= Long.MAX_VALUE - texts.size()) {
                uow.batch(type, batch -> {
                    for (int i = 0; i < texts.size(); i++) {
                        batch.insertRowWithId(largest + 1 + i, texts.get(i));
                    }
                });
                for (int i = 0; i < texts.size(); i++) {
                    rows.add(row.apply(largest + 1 + i, texts.get(i)));
                }
                return rows;
            }
        }
        Map<String, T> byText = new HashMap<>(texts.size() * 2);
        for (T inserted : mapper.insertAll(Bulk.of(texts))) {
            byText.put(text.apply(inserted), inserted);
        }
        for (String value : texts) {
            rows.add(byText.get(value));
        }
        return rows;
    }
}
