package org.elibrary.examples.common;

import org.elibrary.LibrarySettings;

/**
 * Takes passwords out of text the examples print: a driver's, a pool's or picocli's message may repeat a URL
 * the user gave, and with it the password. Used by the command-line tool and the benchmark alike; the rules
 * are the library's ({@link LibrarySettings#maskPasswords}).
 */
public final class Passwords {
    private Passwords() {
    }

    /**
     * {@code text} with the password of {@code url} taken out, as {@link LibrarySettings#maskPasswords} does.
     *
     * @param text the text to print, or null
     * @param url  the URL whose password may be in the text, or null
     * @return the text with every form of the password replaced by {@code ***}
     */
    public static String mask(String text, String url) {
        return LibrarySettings.maskPasswords(text, url);
    }
}
