package org.elibrary;

/**
 * The {@code Library} (or its {@code AsyncLibrary} view) has been closed, or is closing: the call was not
 * accepted, or it was accepted but had not started when the close deadline passed, or it was cut short by
 * the close deadline. In every case nothing of the call was committed. Open a new {@code Library} to continue.
 */
public final class LibraryClosedException extends LibraryException {
    private static final long serialVersionUID = 1L;

    public LibraryClosedException(String message) {
        super(message);
    }

    public LibraryClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
