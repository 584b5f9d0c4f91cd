package org.elibrary;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.elibrary.domain.BookComment;
import org.elibrary.domain.Comment;
import org.elibrary.domain.NewComment;
import org.elibrary.domain.User;
import org.elibrary.internal.mapper.BookMapper;
import org.elibrary.internal.mapper.Bulk;
import org.elibrary.internal.mapper.CommentMapper;
import org.elibrary.internal.mapper.UserMapper;
import org.elibrary.internal.session.Sessions;
import org.elibrary.internal.session.UnitOfWork;
import org.elibrary.internal.session.Validation;

/**
 * Comments of users on books: add, find, list, edit, delete. Obtained from {@link Library#comments()} or,
 * bound to one transaction, from {@link Transaction#comments()}.
 *
 * <p>Every method is atomic. Text is at most 300 characters (code points), not blank, without NUL. A comment
 * for a missing user or book fails with {@link NotFoundException} naming which one. Exceptions as described
 * on {@link AuthorRepository}.
 */
public final class CommentRepository {

    private final Sessions sessions;
    private final UnitOfWork bound;

    CommentRepository(Sessions sessions, UnitOfWork bound) {
        this.sessions = sessions;
        this.bound = bound;
    }

    /**
     * Adds a comment by a user on a book (one statement that also checks both exist).
     *
     * @param userId the id of the user who writes it, positive
     * @param bookId the id of the book it is about, positive
     * @param text   the comment's text
     * @return the comment, with the id the database assigned
     * @throws NotFoundException if the user or the book does not exist
     */
    public Comment add(long userId, long bookId, String text) {
        Validation.id("user.id", userId);
        Validation.id("book.id", bookId);
        Validation.text("comment.text", text, Validation.TEXT_MAX);
        return sessions.write(bound, uow -> insert(uow, userId, null, bookId, text));
    }

    /**
     * Adds a comment by the user with this username on a book.
     *
     * @param username the exact username of the user who writes it
     * @param bookId   the id of the book it is about, positive
     * @param text     the comment's text
     * @return the comment, with the id the database assigned
     * @throws NotFoundException if the user ({@code username=...}) or the book does not exist
     */
    public Comment add(String username, long bookId, String text) {
        Validation.text("user.username", username, Validation.USERNAME_MAX);
        Validation.id("book.id", bookId);
        Validation.text("comment.text", text, Validation.TEXT_MAX);
        return sessions.write(bound, uow -> {
            User user = uow.mapper(UserMapper.class).selectByUsername(username);
            if (user == null) {
                throw new NotFoundException("user", "username=" + username);
            }
            return insert(uow, user.id(), username, bookId, text);
        });
    }

    /**
     * Adds many comments in one transaction, all or none: the bulk path for imports. Returns how many were
     * added. Inside a transaction of yours, a failed call leaves it able only to roll back (rows before the
     * failing one may be written): committing it throws the same exception.
     *
     * @param comments the comments to add, none null; may be empty
     * @return how many were added: the size of {@code comments}
     * @throws NotFoundException if a user or book id does not exist
     */
    public int addAll(List<NewComment> comments) {
        Validation.required("comments", comments);
        int index = 0;
        for (NewComment comment : comments) {
            try {
                Validation.required("comment", comment);
                Validation.id("user.id", comment.userId());
                Validation.id("book.id", comment.bookId());
                Validation.text("comment.text", comment.text(), Validation.TEXT_MAX);
            } catch (InvalidInputException e) {
                throw new InvalidInputException(e, "comments", index);
            }
            index++;
        }
        if (comments.isEmpty()) {
            return 0;
        }
        return sessions.write(bound, uow -> {
            if (uow.batchesCheckForeignKeys()) {
                return addAllBatched(uow, comments);
            }
            CommentMapper mapper = uow.mapper(CommentMapper.class);
            int added = 0;
            for (int from = 0; from < comments.size(); from += Bulk.CHUNK) {
                List<NewComment> chunk = comments.subList(from, Math.min(comments.size(), from + Bulk.CHUNK));
                List<String> texts = new ArrayList<>(chunk.size());
                List<Long> users = new ArrayList<>(chunk.size());
                List<Long> books = new ArrayList<>(chunk.size());
                for (NewComment comment : chunk) {
                    texts.add(comment.text());
                    users.add(comment.userId());
                    books.add(comment.bookId());
                }
                if (uow.backend() == Backend.POSTGRESQL
                        && (NewRows.beyondInteger(users) || NewRows.beyondInteger(books))) {
                    // no such row can exist in PostgreSQL's INTEGER columns, which would refuse the value itself
                    throw uow.rollbackOnlyWith(missing(uow, chunk));
                }
                int inserted = mapper.insertAll(Bulk.of(texts, users, books));
                if (inserted != chunk.size()) {
                    // the rows that had their user and book are written: this transaction must not commit
                    throw uow.rollbackOnlyWith(missing(uow, chunk));
                }
                added += inserted;
            }
            return added;
        });
    }

    /** SQLite enforcing foreign keys: the rows as JDBC batches of a one-row insert, the database checking them. */
    private static int addAllBatched(UnitOfWork uow, List<NewComment> comments) {
        int added = 0;
        for (int from = 0; from < comments.size(); from += Bulk.CHUNK) {
            List<NewComment> chunk = comments.subList(from, Math.min(comments.size(), from + Bulk.CHUNK));
            added += uow.insertRows(CommentMapper.class, "insertRow", row -> {
                for (NewComment comment : chunk) {
                    row.add(comment.text()).add(comment.userId()).add(comment.bookId()).endRow();
                }
            }, () -> missing(uow, chunk));
        }
        return added;
    }

    /**
     * Finds a comment by id.
     *
     * @param id the comment's id, positive
     * @return the comment, or empty when there is no comment with this id
     */
    public Optional<Comment> findById(long id) {
        Validation.id("comment.id", id);
        return sessions.read(bound, uow -> Optional.ofNullable(uow.mapper(CommentMapper.class).selectById(id)));
    }

    /**
     * A book's comments, oldest first, each with its writer's username; empty for a missing book.
     *
     * @param bookId the book's id, positive
     * @return the comments, oldest (lowest id) first; empty when the book has none or does not exist
     */
    public List<BookComment> listForBook(long bookId) {
        Validation.id("book.id", bookId);
        return sessions.read(bound, uow -> uow.mapper(CommentMapper.class).selectByBook(bookId));
    }

    /**
     * A user's comments, oldest first; empty for a missing user.
     *
     * @param userId the user's id, positive
     * @return the comments, oldest (lowest id) first; empty when the user has none or does not exist
     */
    public List<Comment> listForUser(long userId) {
        Validation.id("user.id", userId);
        return sessions.read(bound, uow -> uow.mapper(CommentMapper.class).selectByUser(userId));
    }

    /**
     * Replaces a comment's text; returns the updated comment.
     *
     * @param id   the comment's id, positive
     * @param text the new text
     * @return the comment with the new text
     * @throws NotFoundException if there is no comment with this id
     */
    public Comment edit(long id, String text) {
        Validation.id("comment.id", id);
        Validation.text("comment.text", text, Validation.TEXT_MAX);
        return sessions.write(bound, uow -> {
            CommentMapper mapper = uow.mapper(CommentMapper.class);
            if (mapper.updateText(id, text) == 0) {
                throw new NotFoundException("comment", "id=" + id);
            }
            return mapper.selectById(id);
        });
    }

    /**
     * Deletes a comment; returns false when there was no such comment.
     *
     * @param id the comment's id, positive
     * @return true if the comment was deleted, false when there was no such comment
     */
    public boolean delete(long id) {
        Validation.id("comment.id", id);
        return sessions.write(bound, uow -> uow.mapper(CommentMapper.class).delete(id) == 1);
    }

    /** {@return the number of comments} */
    public long count() {
        return sessions.read(bound, uow -> uow.mapper(CommentMapper.class).count());
    }

    private static Comment insert(UnitOfWork uow, long userId, String username, long bookId, String text) {
        uow.referencing("book", bookId);
        Long id = uow.mapper(CommentMapper.class).insert(text, userId, bookId);
        if (id == null) {
            if (uow.mapper(UserMapper.class).selectById(userId) == null) {
                throw new NotFoundException("user", username != null ? "username=" + username : "id=" + userId);
            }
            throw new NotFoundException("book", "id=" + bookId);
        }
        return new Comment(id, text, userId, bookId);
    }

    /**
     * After a bulk insert skipped or refused rows: the first row's missing user, else book, as PostgreSQL's own
     * check names it (it checks the rows in order, and a row's foreign keys as the seed declares them).
     */
    private static NotFoundException missing(UnitOfWork uow, List<NewComment> comments) {
        UserMapper users = uow.mapper(UserMapper.class);
        BookMapper books = uow.mapper(BookMapper.class);
        Set<Long> usersFound = new HashSet<>();
        Set<Long> booksFound = new HashSet<>();
        for (NewComment comment : comments) {
            if (!usersFound.contains(comment.userId())) {
                if (users.selectById(comment.userId()) == null) {
                    return new NotFoundException("user", "id=" + comment.userId());
                }
                usersFound.add(comment.userId());
            }
            if (!booksFound.contains(comment.bookId())) {
                if (books.selectById(comment.bookId()) == null) {
                    return new NotFoundException("book", "id=" + comment.bookId());
                }
                booksFound.add(comment.bookId());
            }
        }
        return new NotFoundException("user or book", "one of the given ids");
    }
}
