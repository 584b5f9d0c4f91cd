package org.elibrary.internal.mapper;

/**
 * One row of the single-statement book details query: kind 0 is the book (id, title), 1 an author (id, name),
 * 2 a comment (id, text, user id, username). One statement means one consistent snapshot on both backends.
 */
public record DetailRow(int kind, long id, String text, long userId, String username) {
    public static final int BOOK = 0;
    public static final int AUTHOR = 1;
    public static final int COMMENT = 2;

    /** A book or author row: no user. */
    public DetailRow(int kind, long id, String text) {
        this(kind, id, text, 0, null);
    }
}
