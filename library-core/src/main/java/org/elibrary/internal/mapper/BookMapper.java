package org.elibrary.internal.mapper;

import java.util.List;
import org.elibrary.domain.Book;

public interface BookMapper extends NamedRowMapper<Book> {
    long insert(String title);

    /** Inserts (author id, book id) rows whose author exists; returns how many. */
    int insertLinks(Bulk links);

    /** One link of bulk rows (UnitOfWork.insertRows), on a connection that enforces foreign keys. */
    @MultiRowInsert
    int insertLinkRow(long authorId, long bookId);

    /** Links only when both rows exist (0 rows otherwise), whatever the state of foreign-key enforcement. */
    int insertLink(long authorId, long bookId);

    int deleteLink(long authorId, long bookId);

    Book selectById(long id);

    Book selectByTitle(String title);

    int updateTitle(long id, String title);

    /** Deletes the book with its comments and author links; returns 1, or 0 when there was no such book. */
    int deleteCascade(long id);

    /** {@link #deleteCascade} with the book row locked first: it cannot race (see the mapper XML). */
    int deleteCascadeLocked(long id);

    /** A book's details: its {@code Book}, then its {@code Author}s by name, then its {@code BookComment}s by id. */
    List<Object> selectDetails(long id);

    List<BookAuthorRow> selectWithAuthors(long id);

    List<BookAuthorRow> selectAfter(long afterId, int limit);

    /** The books after the title {@code afterKey} (whether a book still has it or not), in selectAfter's order. */
    List<BookAuthorRow> selectAfterTitle(String afterKey, int limit);

    List<BookAuthorRow> selectPage(int offset, int limit);

    List<BookAuthorRow> searchByTitle(SearchQuery query);

    /** {@link #searchByTitle} for a query too short for the trigram index ({@link SearchQuery#fts()} false). */
    List<BookAuthorRow> searchByShortTitle(SearchQuery query);

    List<Book> searchTitles(SearchQuery query);

    /** {@link #searchTitles} for a query too short for the trigram index. */
    List<Book> searchShortTitles(SearchQuery query);

    List<BookAuthorRow> searchByAuthor(SearchQuery query);

    /** {@link #searchByAuthor} for a query too short for the trigram index. */
    List<BookAuthorRow> searchByShortAuthor(SearchQuery query);

    /** The page of {@link #searchByTitle} after the book {@link SearchQuery#afterId()} (by title). */
    List<BookAuthorRow> searchByTitleAfter(SearchQuery query);

    /** {@link #searchByTitleAfter} for a query too short for the trigram index. */
    List<BookAuthorRow> searchByShortTitleAfter(SearchQuery query);

    /** The page of {@link #searchByAuthor} after the book {@link SearchQuery#afterId()} (by title). */
    List<BookAuthorRow> searchByAuthorAfter(SearchQuery query);

    /** {@link #searchByAuthorAfter} for a query too short for the trigram index. */
    List<BookAuthorRow> searchByShortAuthorAfter(SearchQuery query);

    /** The page of {@link #searchByTitle} after the title {@link SearchQuery#afterKey()}. */
    List<BookAuthorRow> searchByTitleAfterTitle(SearchQuery query);

    /** {@link #searchByTitleAfterTitle} for a query too short for the trigram index. */
    List<BookAuthorRow> searchByShortTitleAfterTitle(SearchQuery query);

    /** The page of {@link #searchByAuthor} after the title {@link SearchQuery#afterKey()}. */
    List<BookAuthorRow> searchByAuthorAfterTitle(SearchQuery query);

    /** {@link #searchByAuthorAfterTitle} for a query too short for the trigram index. */
    List<BookAuthorRow> searchByShortAuthorAfterTitle(SearchQuery query);

    long count();
}
