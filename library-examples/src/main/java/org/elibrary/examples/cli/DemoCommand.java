package org.elibrary.examples.cli;

import java.util.ArrayList;
import java.util.List;
import org.elibrary.Library;
import org.elibrary.LibrarySettings;
import org.elibrary.Transaction;
import org.elibrary.domain.Book;
import org.elibrary.domain.BookDetails;
import org.elibrary.migrations.MigrationReport;
import org.elibrary.migrations.Migrations;
import picocli.CommandLine.Command;

/**
 * {@code demo}: migrates (even when {@code DATABASE_MIGRATE_ON_OPEN=false}), adds a small Russian catalog
 * where it is missing, and prints it. Every sample row is looked up by its unique key first, so a second run adds nothing, and all of
 * it is written in one transaction, so a failure adds nothing either.
 */
@Command(name = "demo", description = "Migrate, add a small Russian sample catalog if absent, and print it.")
final class DemoCommand extends CatalogCommand {

    record SampleBook(String title, List<String> authors) {
    }

    record SampleComment(String user, String book, String text) {
    }

    static final List<SampleBook> BOOKS = List.of(
            new SampleBook("Война и мир", List.of("Лев Толстой")),
            new SampleBook("Анна Каренина", List.of("Лев Толстой")),
            new SampleBook("Преступление и наказание", List.of("Фёдор Достоевский")),
            new SampleBook("Братья Карамазовы", List.of("Фёдор Достоевский")),
            new SampleBook("Вишнёвый сад", List.of("Антон Чехов")),
            new SampleBook("Евгений Онегин", List.of("Александр Пушкин")),
            new SampleBook("Двенадцать стульев", List.of("Илья Ильф", "Евгений Петров")));

    static final List<String> USERS = List.of("anna", "boris", "вера");

    static final List<SampleComment> COMMENTS = List.of(
            new SampleComment("anna", "Война и мир", "Перечитываю каждую зиму."),
            new SampleComment("boris", "Война и мир", "Первый том — лучший."),
            new SampleComment("вера", "Преступление и наказание", "Читала за одну ночь."),
            new SampleComment("anna", "Двенадцать стульев", "Смешно до слёз!"),
            new SampleComment("boris", "Вишнёвый сад", "Пьеса, а не роман — но какая."));

    /** What one run added. */
    record Added(int authors, int books, int users, int comments) {
        boolean nothing() {
            return authors + books + users + comments == 0;
        }
    }

    private MigrationReport migration;

    /** The demo migrates even when the settings turn migrate-on-open off. */
    @Override
    void beforeOpen(LibrarySettings settings) {
        if (!settings.inMemory()) { // an in-memory database exists only inside the Library, which migrates it
            migration = Migrations.from(settings).migrate();
        }
    }

    @Override
    void run(Library library) {
        Added added = library.inTransaction(tx -> addMissing(tx));
        List<BookDetails> catalog = new ArrayList<>();
        for (SampleBook sample : BOOKS) {
            Book book = library.books().findByTitle(sample.title()).orElseThrow();
            catalog.add(library.books().findDetails(book.id()).orElseThrow());
        }
        if (json()) {
            try (JsonLines lines = new JsonLines(out())) {
                catalog.forEach(details -> lines.write(json -> Render.details(json, details)));
            }
            return;
        }
        if (migration != null && migration.changed()) {
            out().println((migration.adopted() ? "Adopted the Python app's database; schema" : "Schema")
                    + " migrated to version " + migration.versionAfter() + ".");
        }
        if (added.nothing()) {
            out().println("The sample catalog is already there; nothing added.");
        } else {
            out().printf("Added %d authors, %d books, %d users, %d comments.%n",
                    added.authors(), added.books(), added.users(), added.comments());
        }
        out().println();
        Table books = new Table("ID", "TITLE", "AUTHORS", "COMMENTS");
        for (BookDetails details : catalog) {
            books.row(details.book().id(), details.book().title(), Render.names(details.authors()),
                    details.comments().size());
        }
        books.print(out());
        out().println();
        Table comments = new Table("BOOK", "USER", "COMMENT");
        for (BookDetails details : catalog) {
            details.comments().forEach(c -> comments.row(details.book().title(), c.username(), c.text()));
        }
        comments.print(out());
    }

    private static Added addMissing(Transaction tx) {
        int authors = 0;
        int books = 0;
        int users = 0;
        int comments = 0;
        for (SampleBook sample : BOOKS) {
            for (String name : sample.authors()) {
                if (tx.authors().findByName(name).isEmpty()) {
                    tx.authors().create(name);
                    authors++;
                }
            }
            if (tx.books().findByTitle(sample.title()).isEmpty()) {
                // The authors exist by now, so this only creates the book and links it.
                tx.books().createWithAuthors(sample.title(), sample.authors());
                books++;
            }
        }
        for (String username : USERS) {
            if (tx.users().findByUsername(username).isEmpty()) {
                tx.users().create(username);
                users++;
            }
        }
        for (SampleComment sample : COMMENTS) {
            long bookId = tx.books().findByTitle(sample.book()).orElseThrow().id();
            boolean present = tx.comments().listForBook(bookId).stream()
                    .anyMatch(c -> c.username().equals(sample.user()) && c.text().equals(sample.text()));
            if (!present) {
                tx.comments().add(sample.user(), bookId, sample.text());
                comments++;
            }
        }
        return new Added(authors, books, users, comments);
    }
}
