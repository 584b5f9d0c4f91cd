package org.elibrary;

/**
 * The database could not be reached or did not answer in time: the server is down, the pool had no free
 * connection within its timeout, a statement timed out, or the SQLite file cannot be opened. Retrying later
 * may succeed; the operation that failed was not committed.
 */
public final class DatabaseUnavailableException extends LibraryException {
    private static final long serialVersionUID = 1L;

    public DatabaseUnavailableException(String message) {
        super(message);
    }

    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
