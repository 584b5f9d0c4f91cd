package org.elibrary.examples;

import java.nio.file.Files;
import java.util.List;
import org.elibrary.Library;
import org.elibrary.LibrarySettings;
import org.elibrary.domain.Author;
import org.elibrary.domain.BookComment;
import org.elibrary.domain.BookDetails;
import org.elibrary.domain.BookWithAuthors;
import org.elibrary.domain.Comment;
import org.elibrary.domain.User;

/**
 * The synchronous API in one page: open a library, add authors, a book, a user and a comment, read a book's
 * page, search.
 *
 * <p>Run with a database URL as the argument ({@code jdbc:sqlite:library.db}, {@code sqlite:///./library.db},
 * {@code postgresql://user:password@localhost:5432/library}); without one it uses a new SQLite file in a
 * temporary folder. An application would usually call {@code Library.open()}, which reads
 * {@code DATABASE_URL} from the environment or {@code .env}.
 */
public final class QuickStart {
    private QuickStart() {
    }

    public static void main(String... args) throws Exception {
        String url = args.length > 0 ? args[0]
                : "jdbc:sqlite:" + Files.createTempDirectory("elibrary-").resolve("quickstart.db");
        LibrarySettings settings = LibrarySettings.builder().databaseUrl(url).build();

        // Opening migrates the schema (creates it on a new database). Open one Library per application and
        // share it: it is thread-safe and owns the connection pool, which close() shuts down.
        try (Library library = Library.open(settings)) {
            System.out.println("Opened " + settings.displayUrl() + " (" + library.backend() + ")");

            // Every call is atomic: it commits when it returns, and changes nothing when it throws.
            Author tolstoy = library.authors().create("Лев Толстой");
            BookWithAuthors war = library.books().createWithAuthors("Война и мир", List.of("Лев Толстой"));
            // Missing authors are created with the book, in the same transaction.
            library.books().createWithAuthors("Двенадцать стульев", List.of("Илья Ильф", "Евгений Петров"));
            User anna = library.users().create("anna");
            Comment comment = library.comments().add(anna.id(), war.id(), "Перечитываю каждую зиму.");
            System.out.println("Added " + tolstoy + ", " + war.book() + ", " + anna + ", comment " + comment.id());

            // A book's page: the book, its authors and its comments with usernames, in one query.
            BookDetails details = library.books().findDetails(war.id()).orElseThrow();
            System.out.println(details.book().title() + " by " + details.authors().get(0).name());
            for (BookComment c : details.comments()) {
                System.out.println("  " + c.username() + ": " + c.text());
            }

            // Search is case-insensitive for every alphabet, on SQLite as on PostgreSQL.
            for (BookWithAuthors found : library.books().searchByTitle("ВОЙНА", 20)) {
                System.out.println("Search 'ВОЙНА' found: " + found.book().title());
            }
            // Keyset pagination: pass the id of the last row received to get the next page.
            List<BookWithAuthors> page = library.books().listAfter(0, 10);
            System.out.println("First page: " + page.size() + " books; counts " + library.counts());
        }
    }
}
