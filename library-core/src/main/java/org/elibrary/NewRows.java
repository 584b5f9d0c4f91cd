package org.elibrary;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.elibrary.internal.mapper.Bulk;
import org.elibrary.internal.mapper.NamedRowMapper;
import org.elibrary.internal.session.Sessions;
import org.elibrary.internal.session.SqlErrors;
import org.elibrary.internal.session.UnitOfWork;
import org.elibrary.internal.session.Validation;

/**
 * Bulk inserts of rows made of an id and one unique text (authors, books, users): the new rows in the order
 * of the texts.
 *
 * <p>On SQLite the ids are chosen here: the next ones after the largest in use, which is what SQLite itself
 * gives a row inserted without an id while the write transaction holds the database's one write lock (on a
 * caller's connection that began without that lock, a concurrent writer makes this insert fail on the id,
 * never share it). The rows go as multi-row inserts (MultiRowInsert) and nothing is read back: returning
 * the rows cost about 10% of a bulk insert of books, SQLite handing each text back to Java. Past the largest
 * possible rowid (SQLite then picks ids at random) and on PostgreSQL (whose sequence concurrent sessions
 * share) the database assigns the ids and returns them with their texts, which tell the rows apart
 * (RETURNING has no order).
 */
final class NewRows {
    /**
     * A table of such rows: its mapper, its unique field (as {@link DuplicateException#field()} names it), how
     * a row is made and read, and how one is found by its text.
     */
    record Table<T, M extends NamedRowMapper<T>>(Class<M> mapper, String field, BiFunction<Long, String, T> row,
                                                 ToLongFunction<T> id, Function<T, String> text,
                                                 BiFunction<M, String, T> find) {
    }

    /**
     * What {@code findOrCreateAll} needs beyond {@link Table}: the rows among some texts, and on PostgreSQL the
     * insert of those texts that skips any a row holds or a concurrent transaction has just taken.
     */
    record Reused<T, M extends NamedRowMapper<T>>(Table<T, M> table, BiFunction<M, Bulk, List<T>> selectAll,
                                                 BiFunction<M, Bulk, List<T>> insertMissing) {
    }

    /** Rounds of insert-and-read before a find-or-create gives up on texts whose rows keep vanishing. */
    private static final int FIND_OR_CREATE_ROUNDS = 8;

    private NewRows() {
    }

    /**
     * Checks a bulk call's {@code texts} (the argument {@code list}) before anything is written: each by the
     * field's rules, none given twice.
     */
    static void checkTexts(Table<?, ?> table, int max, String list, List<String> texts) {
        check(table, max, list, texts, false);
    }

    /**
     * Checks a bulk call's {@code texts} as {@link #checkTexts} does, but a text may be given more than once;
     * returns each text once, in the order of its first appearance.
     */
    static List<String> distinctTexts(Table<?, ?> table, int max, String list, List<String> texts) {
        return new ArrayList<>(check(table, max, list, texts, true).keySet());
    }

    private static Map<String, Integer> check(Table<?, ?> table, int max, String list, List<String> texts,
                                              boolean repeats) {
        Validation.required(list, texts);
        Map<String, Integer> seen = repeats ? new LinkedHashMap<>(texts.size() * 2) : new HashMap<>(texts.size() * 2);
        int index = 0;
        for (String text : texts) {
            try {
                Validation.text(table.field(), text, max);
            } catch (InvalidInputException e) {
                throw new InvalidInputException(e, list, index);
            }
            Integer first = seen.putIfAbsent(text, index);
            if (first != null && !repeats) {
                throw new DuplicateException(table.field(), text, list, first, index);
            }
            index++;
        }
        return seen;
    }

    /**
     * The rows of {@code texts} (the argument {@code list}; a text may repeat), found or created in one write
     * transaction, in the order of the texts.
     */
    static <T, M extends NamedRowMapper<T>> List<T> findOrCreateAll(Sessions sessions, UnitOfWork bound,
                                                                    Reused<T, M> reused, int max, String list,
                                                                    List<String> texts) {
        List<String> distinct = distinctTexts(reused.table(), max, list, texts);
        if (distinct.isEmpty()) {
            return new ArrayList<>();
        }
        return sessions.write(bound, uow -> {
            Map<String, T> byText = findOrCreate(uow, reused, distinct);
            List<T> rows = new ArrayList<>(texts.size());
            for (String text : texts) {
                rows.add(byText.get(text));
            }
            return rows;
        });
    }

    /**
     * The rows of {@code texts} (each given once), found or created, by text. On SQLite the write transaction
     * holds the database's one write lock from its first read, so no text can be taken between the read and
     * the insert. On PostgreSQL one can: the insert skips it (ON CONFLICT waits for the transaction that took
     * it), and, that transaction committed, the next read (READ COMMITTED) finds it.
     */
    static <T, M extends NamedRowMapper<T>> Map<String, T> findOrCreate(UnitOfWork uow, Reused<T, M> reused,
                                                                        List<String> texts) {
        Table<T, M> table = reused.table();
        M mapper = uow.mapper(table.mapper());
        Map<String, T> rows = new HashMap<>(texts.size() * 2);
        List<String> missing = found(rows, table, reused.selectAll().apply(mapper, Bulk.of(texts)), texts);
        if (missing.isEmpty()) {
            return rows;
        }
        if (uow.backend() == Backend.SQLITE) {
            found(rows, table, insertAll(uow, table, missing), missing);
            return rows;
        }
        // in one order whatever the caller's: two calls inserting the same new texts in opposite orders would
        // each wait for a row the other holds, and PostgreSQL ends one as a deadlock
        missing.sort(null);
        for (int round = 0; round < FIND_OR_CREATE_ROUNDS; round++) {
            missing = found(rows, table, reused.insertMissing().apply(mapper, Bulk.of(missing)), missing);
            if (missing.isEmpty()) {
                return rows;
            }
            // taken by a concurrent transaction since the first read; gone again when this read misses it
            missing = found(rows, table, reused.selectAll().apply(mapper, Bulk.of(missing)), missing);
            if (missing.isEmpty()) {
                return rows;
            }
        }
        String field = table.field();
        throw new NotFoundException(field.substring(0, field.indexOf('.')),
                field.substring(field.indexOf('.') + 1) + "=" + missing.get(0));
    }

    /** Adds {@code rows} to {@code byText}; returns those of {@code wanted} still without a row. */
    private static <T> List<String> found(Map<String, T> byText, Table<T, ?> table, List<T> rows, List<String> wanted) {
        for (T row : rows) {
            byText.put(table.text().apply(row), row);
        }
        List<String> missing = new ArrayList<>();
        for (String text : wanted) {
            if (!byText.containsKey(text)) {
                missing.add(text);
            }
        }
        return missing;
    }

    /** Whether an id is past PostgreSQL's {@code INTEGER} columns. */
    static boolean beyondInteger(List<Long> ids) {
        for (Long id : ids) {
            if (id > Integer.MAX_VALUE) {
                return true;
            }
        }
        return false;
    }

    /** Inserts {@code texts} (no text twice), a chunk at a time, and returns the new rows in their order. */
    static <T, M extends NamedRowMapper<T>> List<T> insertAll(UnitOfWork uow, Table<T, M> table, List<String> texts) {
        List<T> rows = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += Bulk.CHUNK) {
            rows.addAll(insert(uow, table, texts.subList(from, Math.min(texts.size(), from + Bulk.CHUNK))));
        }
        return rows;
    }

    /** Inserts {@code texts} (one {@link Bulk#CHUNK} at most, no text twice); the new rows, in their order. */
    static <T, M extends NamedRowMapper<T>> List<T> insert(UnitOfWork uow, Table<T, M> table, List<String> texts) {
        M mapper = uow.mapper(table.mapper());
        if (uow.backend() != Backend.SQLITE) {
            return returned(table, mapper, texts);
        }
        long largest = mapper.selectMaxId();
        try {
            if (largest > Long.MAX_VALUE - texts.size()) {
                return returned(table, mapper, texts);
            }
            List<T> rows = new ArrayList<>(texts.size());
            uow.insertRows(table.mapper(), "insertRowWithId", row -> {
                // one pass: a bulk create runs this once per chunk, often before the JIT compiles it
                for (int i = 0; i < texts.size(); i++) {
                    String text = texts.get(i);
                    row.add(largest + 1 + i).add(text).endRow();
                    rows.add(table.row().apply(largest + 1 + i, text));
                }
            });
            return rows;
        } catch (RuntimeException e) {
            if (SqlErrors.violatesUnique(e)) {
                nameTaken(uow, table, mapper, texts, largest);
            }
            throw e;
        }
    }

    /** The database assigns the ids and returns them with the texts. */
    private static <T, M extends NamedRowMapper<T>> List<T> returned(Table<T, M> table, M mapper, List<String> texts) {
        Map<String, T> byText = new HashMap<>(texts.size() * 2);
        for (T inserted : mapper.insertAll(Bulk.of(texts))) {
            byText.put(table.text().apply(inserted), inserted);
        }
        List<T> rows = new ArrayList<>(texts.size());
        for (String value : texts) {
            rows.add(byText.get(value));
        }
        return rows;
    }

    /**
     * SQLite refused a text as taken; its message names the column, not the value. The value is the first text
     * stored before this insert (ids up to {@code largest}): the failed statement was undone alone, so rows of
     * this insert's earlier statements are still there, and the transaction can still be read.
     */
    private static <T, M extends NamedRowMapper<T>> void nameTaken(UnitOfWork uow, Table<T, M> table, M mapper,
                                                                 List<String> texts, long largest) {
        try {
            for (String text : texts) {
                T found = table.find().apply(mapper, text);
                if (found != null && table.id().applyAsLong(found) <= largest) {
                    uow.writing(table.field(), text);
                    return;
                }
            }
        } catch (RuntimeException lookupFailed) {
            // a cancelled call or a broken connection: the duplicate is reported without its value
        }
    }
}
