package org.elibrary.examples.cli;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.elibrary.Library;
import org.elibrary.NotFoundException;
import org.elibrary.domain.BookDetails;
import org.elibrary.domain.BookWithAuthors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code book add | show | list | delete}. */
@Command(name = "book", description = "Add, show, list and delete books.",
        subcommands = {BookCommand.Add.class, BookCommand.Show.class, BookCommand.ListBooks.class,
                BookCommand.Delete.class})
final class BookCommand {
    private BookCommand() {
    }

    @Command(name = "add", description = "Add a book; authors that do not exist yet are created with it.")
    static final class Add extends CatalogCommand {
        @Parameters(paramLabel = "TITLE", description = "The book's title (unique, at most 150 characters).")
        String title;

        @Option(names = "--author", paramLabel = "NAME", description = "An author of the book (repeatable).")
        List<String> authors = new ArrayList<>();

        @Override
        void run(Library library) {
            BookWithAuthors book = library.books().createWithAuthors(title, authors);
            if (json()) {
                try (JsonLines lines = new JsonLines(out())) {
                    lines.write(json -> Render.book(json, book));
                }
            } else {
                out().println("Added book " + book.book().id() + ": " + book.book().title()
                        + (book.authors().isEmpty() ? "" : " (" + Render.names(book.authors()) + ")"));
            }
        }
    }

    @Command(name = "show", description = "Show a book with its authors and comments.")
    static final class Show extends CatalogCommand {
        @Parameters(paramLabel = "ID", description = "The book's id.")
        long id;

        @Override
        void run(Library library) {
            BookDetails details = library.books().findDetails(id)
                    .orElseThrow(() -> new NotFoundException("book", "id=" + id));
            if (json()) {
                try (JsonLines lines = new JsonLines(out())) {
                    lines.write(json -> Render.details(json, details));
                }
            } else {
                Render.details(out(), details);
            }
        }
    }

    @Command(name = "list", description = "List books with their authors, by title.")
    static final class ListBooks extends CatalogCommand {
        @Option(names = "--search", paramLabel = "Q",
                description = "Only books whose title contains Q, in any case.")
        String search;

        @Option(names = "--author", paramLabel = "NAME",
                description = "Only books by an author whose name contains NAME, in any case.")
        String author;

        @Option(names = "--limit", paramLabel = "N", description = "At most N books (default: all).")
        Integer limit;

        @Option(names = "--after", paramLabel = "ID",
                description = "Continue after the book with this id (the last one of the previous page).")
        Long after;

        @Override
        void run(Library library) {
            if (json()) {
                try (JsonLines lines = new JsonLines(out())) {
                    each(library, book -> lines.write(json -> Render.book(json, book)));
                }
            } else {
                List<BookWithAuthors> books = new ArrayList<>();
                each(library, books::add);
                Render.books(books).print(out());
            }
        }

        private void each(Library library, Consumer<BookWithAuthors> action) {
            Pager.Pages<BookWithAuthors> pages;
            Predicate<BookWithAuthors> byAuthor = null;
            if (search != null) {
                pages = Pager.Pages.booksByTitle(library.books(), search);
                if (author != null) {
                    // Both filters: the title matches, narrowed to those by an author --author alone would find.
                    // The library's matching decides, not String.toLowerCase: that one turns a word-final Σ
                    // into ς, so σ would miss ΟΔΟΣ here and find it without --search.
                    Set<Long> authorIds = authorIds(library, author);
                    byAuthor = book -> book.authors().stream().anyMatch(a -> authorIds.contains(a.id()));
                }
            } else if (author != null) {
                pages = Pager.Pages.booksByAuthor(library.books(), author);
            } else {
                pages = Pager.Pages.books(library.books());
            }
            new Pager<>(limit, after, pages, byAuthor).forEach(action);
        }

        /** The ids of every author the library's author search finds for {@code query}, all pages of it. */
        private static Set<Long> authorIds(Library library, String query) {
            Set<Long> ids = new HashSet<>();
            new Pager<>(null, null, Pager.Pages.authorsByName(library.authors(), query)).forEach(a -> ids.add(a.id()));
            return ids;
        }
    }

    @Command(name = "delete", description = "Delete a book with its comments and author links.")
    static final class Delete extends CatalogCommand {
        @Parameters(paramLabel = "ID", description = "The book's id.")
        long id;

        @Override
        void run(Library library) {
            if (!library.books().delete(id)) {
                throw new NotFoundException("book", "id=" + id);
            }
            if (json()) {
                try (JsonLines lines = new JsonLines(out())) {
                    lines.write(json -> {
                        json.writeNumberField("id", id);
                        json.writeBooleanField("deleted", true);
                    });
                }
            } else {
                out().println("Deleted book " + id);
            }
        }
    }
}
