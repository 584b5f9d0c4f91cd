package org.elibrary.internal.mapper;

import java.util.List;

/**
 * The bulk inserts of a table whose rows are an id and one unique text: author (name), book (title),
 * user (username). See {@code NewRows} for which is used when.
 *
 * @param <T> the table's record
 */
public interface NamedRowMapper<T> {
    /** Inserts the texts in order; the new rows, ids assigned by the database, in no particular order. */
    List<T> insertAll(Bulk texts);

    /** The largest id in use, 0 for an empty table. */
    @OnlyOn("sqlite")
    long selectMaxId();

    /** One row whose id the caller chose, for bulk rows ({@code UnitOfWork.insertRows}): many rows per statement. */
    @OnlyOn("sqlite")
    @MultiRowInsert
    int insertRowWithId(long id, String text);
}
