package org.elibrary.examples.cli;

/**
 * Bad input found by the CLI itself rather than the library: an import file that does not exist or does
 * not hold the JSON lines {@code export} writes, or an export file that cannot be written. Also the
 * library's invalid-input, not-found and duplicate errors of an import, with the file and line put in
 * front. Exit code 3, like the library's invalid-input errors.
 */
final class CliInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CliInputException(String message) {
        super(message);
    }

    CliInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
