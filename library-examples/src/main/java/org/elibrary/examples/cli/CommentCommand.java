package org.elibrary.examples.cli;

import org.elibrary.Library;
import org.elibrary.domain.Comment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code comment add --user USERNAME --book ID TEXT}. */
@Command(name = "comment", description = "Add comments on books.", subcommands = CommentCommand.Add.class)
final class CommentCommand {
    private CommentCommand() {
    }

    @Command(name = "add", description = "Add a comment by a user on a book.")
    static final class Add extends CatalogCommand {
        @Option(names = "--user", required = true, paramLabel = "USERNAME", description = "Who writes it.")
        String username;

        @Option(names = "--book", required = true, paramLabel = "ID", description = "The book's id.")
        long bookId;

        @Parameters(paramLabel = "TEXT", description = "At most 300 characters.")
        String text;

        @Override
        void run(Library library) {
            Comment comment = library.comments().add(username, bookId, text);
            if (json()) {
                try (JsonLines lines = new JsonLines(out())) {
                    lines.write(json -> {
                        json.writeNumberField("id", comment.id());
                        json.writeStringField("text", comment.text());
                        json.writeStringField("user", username);
                        json.writeNumberField("book", comment.bookId());
                    });
                }
            } else {
                out().println("Added comment " + comment.id() + " by " + username
                        + " on book " + comment.bookId());
            }
        }
    }
}
