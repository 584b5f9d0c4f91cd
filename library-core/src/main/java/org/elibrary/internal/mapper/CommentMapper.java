package org.elibrary.internal.mapper;

import java.util.List;
import org.elibrary.domain.BookComment;
import org.elibrary.domain.Comment;

public interface CommentMapper {
    /** Inserts only when the user and the book exist; returns null otherwise. */
    Long insert(String text, long userId, long bookId);

    /** Inserts (text, user id, book id) rows whose user and book exist; returns how many. */
    int insertAll(Bulk comments);

    /**
     * One row of bulk rows (UnitOfWork.insertRows), on a connection that enforces foreign keys: the database
     * refuses a missing user or book.
     */
    int insertRow(String text, long userId, long bookId);

    Comment selectById(long id);

    List<BookComment> selectByBook(long bookId);

    List<Comment> selectByUser(long userId);

    int updateText(long id, String text);

    int delete(long id);

    long count();
}
