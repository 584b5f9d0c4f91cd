package org.elibrary.examples;

import java.util.List;
import org.elibrary.Backend;
import org.elibrary.Library;
import org.elibrary.LibrarySettings;
import org.elibrary.domain.BookWithAuthors;

/**
 * The library on a PostgreSQL server. The URL comes from the first argument or, as in an application, from
 * {@code DATABASE_URL} (system property, environment or {@code .env}); the Python app's SQLAlchemy form
 * works as it is:
 *
 * <pre>
 * DATABASE_URL=postgresql+asyncpg://user:password@localhost:5432/library java -cp library-cli.jar \
 *     org.elibrary.examples.PostgresExample
 * </pre>
 *
 * Safe to run more than once: it adds its rows only when they are missing.
 */
public final class PostgresExample {
    private PostgresExample() {
    }

    public static void main(String... args) {
        LibrarySettings.Builder builder = LibrarySettings.builder().withEnvironment();
        if (args.length > 0) {
            builder.databaseUrl(args[0]);
        }
        LibrarySettings settings;
        try {
            settings = builder.build();
        } catch (org.elibrary.ConfigurationException e) {
            System.err.println("PostgresExample needs a PostgreSQL server: set DATABASE_URL (for example "
                    + "postgresql://user:password@localhost:5432/library) or pass the URL as the argument.");
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (settings.backend() != Backend.POSTGRESQL) {
            System.err.println("PostgresExample needs a PostgreSQL URL; DATABASE_URL is " + settings.displayUrl());
            System.exit(2);
            return;
        }

        // The pool size (DATABASE_POOL_SIZE, default 10) bounds the connections this process holds.
        try (Library library = Library.open(settings)) {
            System.out.println("Connected to " + settings.displayUrl() + ", pool of " + settings.poolSize());
            library.useTransaction(tx -> {
                if (tx.books().findByTitle("Братья Карамазовы").isEmpty()) {
                    tx.books().createWithAuthors("Братья Карамазовы", List.of("Фёдор Достоевский"));
                }
            });
            // Case-insensitive substring search, served by a pg_trgm GIN index on lower(title).
            for (BookWithAuthors book : library.books().searchByTitle("КАРАМАЗОВ", 10)) {
                System.out.println("Found: " + book.book().title() + " — " + book.authors().get(0).name());
            }
        }
    }
}
