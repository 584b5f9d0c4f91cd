package org.elibrary;

/**
 * A value that must be unique is already taken (an author's name, a book's title, a username, an author
 * already linked to a book), or a bulk call gives the same value twice. The database is unchanged.
 */
public final class DuplicateException extends LibraryException {
    private static final long serialVersionUID = 1L;

    /** The unique field, as {@link #field()} returns it. */
    private final String field;
    /** The value that is taken, as {@link #value()} returns it. */
    private final String value;

    /**
     * A value that is already taken; the message reads {@code book.title 'Война и мир' already exists}.
     *
     * @param field the unique field, for example {@code book.title}
     * @param value the value that is already taken
     */
    public DuplicateException(String field, String value) {
        this(field, value, null);
    }

    /**
     * A value that is already taken, as the database reported it.
     *
     * @param field the unique field, for example {@code book.title}
     * @param value the value that is already taken
     * @param cause the database's error, for diagnosis
     */
    public DuplicateException(String field, String value, Throwable cause) {
        super(field + " '" + value + "' already exists", cause);
        this.field = field;
        this.value = value;
    }

    /** The same value given twice in the list of a bulk call, as elements {@code first} and {@code second}. */
    DuplicateException(String field, String value, String list, int first, int second) {
        super(field + " '" + value + "' is given twice, in " + list + "[" + first + "] and " + list + "["
                + second + "]");
        this.field = field;
        this.value = value;
    }

    /** {@return the unique field, for example {@code book.title}} */
    public String field() {
        return field;
    }

    /** {@return the value that is already taken} */
    public String value() {
        return value;
    }
}
