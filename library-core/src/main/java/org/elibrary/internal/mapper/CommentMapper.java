package org.elibrary.internal.mapper;

import java.util.List;
import org.elibrary.domain.BookComment;
import org.elibrary.domain.Comment;
import org.elibrary.domain.NewComment;

public interface CommentMapper {
    /** Inserts only when the user and the book exist; returns null otherwise. */
    Long insert(String text, long userId, long bookId);

    int insertAll(List<NewComment> comments);

    Comment selectById(long id);

    List<BookComment> selectByBook(long bookId);

    List<Comment> selectByUser(long userId);

    int updateText(long id, String text);

    int delete(long id);

    long count();
}
