package org.elibrary;

/**
 * The {@code Library} (or its {@code AsyncLibrary} view) has been closed, or is closing: the call was not
 * accepted, or it was accepted but had not started when the close deadline passed, or it was cut short by
 * the close deadline. In every case nothing of the call was committed. Open a new {@code Library} to continue.
 */
public final class LibraryClosedException extends LibraryException {
    private static final long serialVersionUID = 1L;

    /**
     * A call the closed or closing library did not run or did not finish.
     *
     * @param message what was refused or cut short
     */
    public LibraryClosedException(String message) {
        super(message);
    }

    /**
     * A call the closing library cut short.
     *
     * @param message what was cut short
     * @param cause   the error the call failed with, for diagnosis
     */
    public LibraryClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
