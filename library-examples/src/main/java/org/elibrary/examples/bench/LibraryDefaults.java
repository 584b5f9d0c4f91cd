package org.elibrary.examples.bench;

import org.elibrary.Backend;
import org.elibrary.LibrarySettings;

/** The library's defaults the baseline copies, so that both sides run with the same pools. */
final class LibraryDefaults {
    private LibraryDefaults() {
    }

    /** The library's default pool size (SQLite: its reader pool, beside one writer connection). */
    static int poolSize(Backend backend, String jdbcUrl) {
        return LibrarySettings.builder().databaseUrl(jdbcUrl).build().maxPoolSize();
    }
}
