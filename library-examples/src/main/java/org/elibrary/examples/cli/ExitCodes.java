package org.elibrary.examples.cli;

import org.elibrary.ConfigurationException;
import org.elibrary.DatabaseUnavailableException;
import org.elibrary.DuplicateException;
import org.elibrary.ForeignKeyViolationException;
import org.elibrary.InvalidInputException;
import org.elibrary.LibraryException;
import org.elibrary.NotFoundException;
import picocli.CommandLine;

/**
 * The CLI's exit codes, and the mapping from the library's exception hierarchy to them. Every failure is
 * reported as one line on stderr; a stack trace is never printed, because the message of each library
 * exception already names the field, key or setting that is wrong.
 */
final class ExitCodes {
    static final int OK = 0;
    /** An unexpected failure: a bug in the CLI or the library. */
    static final int SOFTWARE = 1;
    /** The command line is malformed (picocli's default for usage errors). */
    static final int USAGE = 2;
    /** Invalid input, something not found, or a duplicate. */
    static final int INVALID = 3;
    /** The database is unreachable or the configuration is bad. */
    static final int UNAVAILABLE = 4;

    private ExitCodes() {
    }

    /** Picocli hook: turns whatever a command threw into one stderr line and an exit code. */
    static final class Handler implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine commandLine,
                                            CommandLine.ParseResult parseResult) {
            commandLine.getErr().println("error: " + message(ex));
            commandLine.getErr().flush();
            return codeOf(ex);
        }
    }

    static int codeOf(Throwable ex) {
        if (ex instanceof BenchRounds.BenchRunException failedRun) {
            return failedRun.exitCode();
        }
        if (dataAtFault(ex) || ex instanceof CliInputException) {
            return INVALID;
        }
        if (ex instanceof DatabaseUnavailableException || ex instanceof ConfigurationException
                // closed or overloaded: the database cannot take the call now
                || ex instanceof LibraryException) {
            return UNAVAILABLE;
        }
        if (ex instanceof CommandLine.ParameterException) {
            return USAGE;
        }
        return SOFTWARE;
    }

    /** The library's exceptions that blame the input: invalid, not found, duplicate, a broken foreign key. */
    static boolean dataAtFault(Throwable ex) {
        return ex instanceof InvalidInputException || ex instanceof NotFoundException
                || ex instanceof DuplicateException
                // the data is at fault, as with invalid input (MigrationsCommand says 3 as well)
                || ex instanceof ForeignKeyViolationException;
    }

    private static String message(Throwable ex) {
        String message = ex.getMessage();
        if (message == null || message.isBlank()) {
            message = ex.getClass().getSimpleName();
        }
        // One line, whatever the message holds.
        return message.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
