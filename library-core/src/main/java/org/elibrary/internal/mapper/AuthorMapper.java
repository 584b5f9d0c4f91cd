package org.elibrary.internal.mapper;

import java.util.List;
import org.elibrary.domain.Author;

public interface AuthorMapper extends NamedRowMapper<Author> {
    long insert(String name);

    Author selectById(long id);

    Author selectByName(String name);

    List<Author> selectByNames(Bulk names);

    /** The authors among these ids, in no particular order. */
    List<Author> selectByIds(Bulk ids);

    /**
     * Inserts those of the names that no author holds, skipping any a concurrent transaction has just taken;
     * returns the rows it inserted, in no particular order.
     */
    @OnlyOn("postgresql")
    List<Author> insertMissing(Bulk names);

    int updateName(long id, String name);

    /** Deletes the author with their links to books; returns 1, or 0 when there was no such author. */
    int deleteCascade(long id);

    /** {@link #deleteCascade} with the author row locked first: it cannot race (see the mapper XML). */
    int deleteCascadeLocked(long id);

    List<Author> selectAfter(long afterId, int limit);

    /** The authors after the name {@code afterKey} (whether an author still has it or not), in selectAfter's order. */
    List<Author> selectAfterName(String afterKey, int limit);

    List<CountedRow> selectPage(int offset, int limit);

    List<Author> searchByName(SearchQuery query);

    /** {@link #searchByName} for a query too short for the trigram index ({@link SearchQuery#fts()} false). */
    List<Author> searchByShortName(SearchQuery query);

    /** The page of {@link #searchByName} after the author {@link SearchQuery#afterId()} (by name). */
    List<Author> searchByNameAfter(SearchQuery query);

    /** {@link #searchByNameAfter} for a query too short for the trigram index. */
    List<Author> searchByShortNameAfter(SearchQuery query);

    /** The page of {@link #searchByName} after the name {@link SearchQuery#afterKey()}. */
    List<Author> searchByNameAfterName(SearchQuery query);

    /** {@link #searchByNameAfterName} for a query too short for the trigram index. */
    List<Author> searchByShortNameAfterName(SearchQuery query);

    List<AuthorBookRow> selectDetails(long id);

    long count();
}
