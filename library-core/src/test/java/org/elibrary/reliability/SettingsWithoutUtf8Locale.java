package org.elibrary.reliability;

import org.elibrary.LibraryException;
import org.elibrary.LibrarySettings;

/**
 * Child JVM of {@link SettingsFailureIT}, started without a locale: prints its file-name encoding, then the
 * error of settings naming a SQLite file under a Cyrillic folder (built from escapes, so that no argument
 * has to pass through that encoding).
 */
public final class SettingsWithoutUtf8Locale {
    private SettingsWithoutUtf8Locale() {
    }

    public static void main(String[] args) {
        System.out.println("ENCODING " + System.getProperty("sun.jnu.encoding"));
        try {
            LibrarySettings.builder().databaseUrl("sqlite:///" + args[0] + "/\u043a\u0430\u0442\u0430\u043b\u043e\u0433"
                    + "/library.db").build();
            System.out.println("ACCEPTED");
        } catch (LibraryException e) {
            System.out.println(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
