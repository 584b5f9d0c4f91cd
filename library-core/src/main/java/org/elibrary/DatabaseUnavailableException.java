package org.elibrary;

/**
 * The database could not be reached or did not answer in time: the server is down, the pool had no free
 * connection within its timeout, a statement timed out, or the SQLite file cannot be opened. Retrying later
 * may succeed; the operation that failed was not committed, unless the message says that whether it was
 * committed is unknown (the connection broke while its commit was on its way).
 */
public final class DatabaseUnavailableException extends LibraryException {
    private static final long serialVersionUID = 1L;

    /**
     * The database could not be reached or did not answer in time.
     *
     * @param message what could not be done, and why
     */
    public DatabaseUnavailableException(String message) {
        super(message);
    }

    /**
     * The database could not be reached or did not answer in time, with the error that tells so.
     *
     * @param message what could not be done, and why
     * @param cause   the underlying error (of the driver or the pool, for example), for diagnosis
     */
    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
