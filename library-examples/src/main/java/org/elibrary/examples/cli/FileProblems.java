package org.elibrary.examples.cli;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Locale;

/**
 * Why a file could not be read or written, in the plain words of one error line. The JDK's own messages are
 * no help there: an {@link AccessDeniedException}'s message is only the path, and a decoder's is
 * {@code Input length = 1}.
 */
final class FileProblems {
    private FileProblems() {
    }

    static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or folder";
        }
        if (e instanceof CharacterCodingException) {
            return "not valid UTF-8";
        }
        String reason = e instanceof FileSystemException fileSystem ? fileSystem.getReason() : e.getMessage();
        if (reason == null || reason.isBlank()) {
            return e.getClass().getSimpleName();
        }
        // The operating system's wording ("Is a directory", "No space left on device"), as the tail of a line.
        return reason.substring(0, 1).toLowerCase(Locale.ROOT) + reason.substring(1);
    }
}
