package org.elibrary.reliability;

import org.elibrary.Library;
import org.elibrary.LibrarySettings;

/**
 * Child JVM of {@link CrashDurabilityIT}: opens (and so creates and migrates) the database given as the only
 * argument, prints {@code READY}, and waits to be killed.
 */
public final class OpenAndWait {
    private OpenAndWait() {
    }

    public static void main(String[] args) throws Exception {
        Library library = Library.open(LibrarySettings.builder().databaseUrl(args[0]).build());
        System.out.println("READY " + library.counts());
        System.out.flush();
        Thread.sleep(60_000);
    }
}
