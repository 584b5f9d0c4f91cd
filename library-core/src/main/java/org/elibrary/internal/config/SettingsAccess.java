package org.elibrary.internal.config;

import java.util.Objects;
import java.util.function.Function;
import org.elibrary.LibrarySettings;

/**
 * Gives the internal packages the parsed database URL (with its credentials) of a {@link LibrarySettings}
 * without a public accessor for the password. {@code LibrarySettings} registers the accessor once, in its
 * static initialiser, which has run by the time any instance exists.
 */
public final class SettingsAccess {
    private static volatile Function<LibrarySettings, DatabaseUrl> databaseUrl;

    private SettingsAccess() {
    }

    /** Called once by {@code LibrarySettings}; later calls are ignored. */
    public static synchronized void register(Function<LibrarySettings, DatabaseUrl> accessor) {
        if (databaseUrl == null) {
            databaseUrl = Objects.requireNonNull(accessor);
        }
    }

    /** The parsed URL of the settings, credentials included. */
    public static DatabaseUrl databaseUrl(LibrarySettings settings) {
        return databaseUrl.apply(Objects.requireNonNull(settings, "settings"));
    }
}
