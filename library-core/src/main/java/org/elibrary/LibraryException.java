package org.elibrary;

/**
 * Root of every exception the library throws. Unchecked: each subclass names a condition the caller can act
 * on, and the same input produces the same subclass on SQLite and on PostgreSQL. A raw {@code SQLException}
 * or MyBatis exception never reaches a caller; when a database error is the cause it is attached as
 * {@link #getCause()} for diagnosis only.
 *
 * <p>Messages never contain a password or other secret from the settings.
 */
public abstract class LibraryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * For subclasses.
     *
     * @param message what went wrong, without secrets
     */
    protected LibraryException(String message) {
        super(message);
    }

    /**
     * For subclasses.
     *
     * @param message what went wrong, without secrets
     * @param cause   the underlying error, for diagnosis
     */
    protected LibraryException(String message, Throwable cause) {
        super(message, cause);
    }
}
