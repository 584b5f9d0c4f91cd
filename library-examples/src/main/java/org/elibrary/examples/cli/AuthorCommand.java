package org.elibrary.examples.cli;

import java.util.function.Consumer;
import org.elibrary.Library;
import org.elibrary.domain.Author;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code author add NAME}, {@code author list [--search Q] [--limit N] [--after ID]}. */
@Command(name = "author", description = "Add and list authors.",
        subcommands = {AuthorCommand.Add.class, AuthorCommand.ListAuthors.class})
final class AuthorCommand {
    private AuthorCommand() {
    }

    @Command(name = "add", description = "Add an author.")
    static final class Add extends CatalogCommand {
        @Parameters(paramLabel = "NAME", description = "The author's name (unique, at most 100 characters).")
        String name;

        @Override
        void run(Library library) {
            Author author = library.authors().create(name);
            if (json()) {
                try (JsonLines lines = new JsonLines(out())) {
                    lines.write(json -> Render.author(json, author));
                }
            } else {
                out().println("Added author " + author.id() + ": " + author.name());
            }
        }
    }

    @Command(name = "list", description = "List authors by name.")
    static final class ListAuthors extends CatalogCommand {
        @Option(names = "--search", paramLabel = "Q",
                description = "Only authors whose name contains Q, in any case.")
        String search;

        @Option(names = "--limit", paramLabel = "N", description = "At most N authors (default: all).")
        Integer limit;

        @Option(names = "--after", paramLabel = "ID",
                description = "Continue after the author with this id (the last one of the previous page).")
        Long after;

        @Override
        void run(Library library) {
            if (json()) {
                try (JsonLines lines = new JsonLines(out())) {
                    each(library, author -> lines.write(json -> Render.author(json, author)));
                }
            } else {
                Table table = new Table("ID", "NAME");
                each(library, author -> table.row(author.id(), author.name()));
                table.print(out());
            }
        }

        private void each(Library library, Consumer<Author> action) {
            Pager.Pages<Author> pages = search == null ? Pager.Pages.authors(library.authors())
                    : Pager.Pages.authorsByName(library.authors(), search);
            new Pager<>(limit, after, pages).forEach(action);
        }
    }
}
