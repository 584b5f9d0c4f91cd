package org.elibrary.examples.cli;

import org.elibrary.Library;
import org.elibrary.NotFoundException;
import org.elibrary.domain.User;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code user add USERNAME}, {@code user delete USERNAME}. */
@Command(name = "user", description = "Add and delete users (readers who write comments).",
        subcommands = {UserCommand.Add.class, UserCommand.Delete.class})
final class UserCommand {
    private UserCommand() {
    }

    @Command(name = "add", description = "Add a user.")
    static final class Add extends CatalogCommand {
        @Parameters(paramLabel = "USERNAME", description = "Unique, at most 50 characters.")
        String username;

        @Override
        void run(Library library) {
            User user = library.users().create(username);
            if (json()) {
                try (JsonLines lines = new JsonLines(out())) {
                    lines.write(json -> Render.user(json, user));
                }
            } else {
                out().println("Added user " + user.id() + ": " + user.username());
            }
        }
    }

    @Command(name = "delete", description = "Delete a user and their comments.")
    static final class Delete extends CatalogCommand {
        @Parameters(paramLabel = "USERNAME")
        String username;

        @Override
        void run(Library library) {
            User user = library.users().findByUsername(username)
                    .orElseThrow(() -> new NotFoundException("user", "username=" + username));
            if (!library.users().delete(user.id())) {
                throw new NotFoundException("user", "username=" + username);
            }
            if (json()) {
                try (JsonLines lines = new JsonLines(out())) {
                    lines.write(json -> {
                        Render.user(json, user);
                        json.writeBooleanField("deleted", true);
                    });
                }
            } else {
                out().println("Deleted user " + user.username());
            }
        }
    }
}
