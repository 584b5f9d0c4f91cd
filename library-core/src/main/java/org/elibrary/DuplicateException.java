package org.elibrary;

/**
 * A value that must be unique is already taken (an author's name, a book's title, a username, an author
 * already linked to a book). The database is unchanged.
 */
public final class DuplicateException extends LibraryException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String value;

    public DuplicateException(String field, String value) {
        this(field, value, null);
    }

    public DuplicateException(String field, String value, Throwable cause) {
        super(field + " '" + value + "' already exists", cause);
        this.field = field;
        this.value = value;
    }

    /** The unique field, for example {@code book.title}. */
    public String field() {
        return field;
    }

    /** The value that is already taken. */
    public String value() {
        return value;
    }
}
