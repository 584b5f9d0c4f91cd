package org.elibrary;

import java.util.concurrent.CompletableFuture;
import org.elibrary.domain.Author;

/**
 * A program run in a JVM of its own by {@link ForgottenCloseIT} that forgets to close its {@code Library}: it
 * writes through the synchronous API and the async facade, leaves one async write to a thread of its own that
 * waits for it, prints {@link #RETURNING} and returns from main without {@code close()}.
 */
public final class ForgottenCloseApp {
    static final String RETURNING = "main returns";

    private ForgottenCloseApp() {
    }

    /** {@code args}: the database URL, then the prefix of the authors' names it writes. */
    public static void main(String[] args) {
        String prefix = args[1];
        Library library = Library.open(LibrarySettings.builder().databaseUrl(args[0]).build());
        library.authors().create(prefix + "-sync");
        library.async().authors().create(prefix + "-async").join();
        // a write that main does not wait for, but another (non-daemon) thread of the program does
        CompletableFuture<Author> awaited = library.async().authors().create(prefix + "-awaited");
        Thread waiter = new Thread(() -> System.out.println("awaited " + awaited.join().name()), "waiter");
        waiter.start();
        System.out.println(RETURNING);
        System.out.flush();
    }
}
