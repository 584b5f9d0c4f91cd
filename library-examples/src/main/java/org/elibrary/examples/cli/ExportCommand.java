package org.elibrary.examples.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.elibrary.Library;
import org.elibrary.domain.Author;
import org.elibrary.domain.BookComment;
import org.elibrary.domain.BookWithAuthors;
import org.elibrary.domain.User;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code export [FILE]}: the whole catalog as JSON lines, in an order {@code import} can replay: users,
 * authors, then each book followed by its comments.
 *
 * <pre>
 * {"type":"user","id":1,"username":"anna"}
 * {"type":"author","id":1,"name":"Лев Толстой"}
 * {"type":"book","id":1,"title":"Война и мир","authors":["Лев Толстой"]}
 * {"type":"comment","id":1,"book":"Война и мир","user":"anna","text":"…"}
 * </pre>
 *
 * <p>Rows refer to each other by their unique keys (title, name, username), not by id, so a file imports
 * into any database. Every table is read page by page with the library's keyset pagination (the library has
 * no streaming read), so memory stays constant whatever the size of the catalog. The pages are separate
 * reads, not one snapshot: export a database nobody is writing to for an exact copy.
 */
@Command(name = "export", description = "Write the whole catalog as JSON lines (to FILE or stdout).")
final class ExportCommand extends CatalogCommand {

    @Parameters(paramLabel = "FILE", arity = "0..1", description = "Where to write (default: stdout).")
    Path file;

    @Override
    void run(Library library) {
        if (file == null) {
            export(library, out(), progress());
            return;
        }
        // Written beside the target and moved into place at the end: a failed export leaves no half file.
        Path target = file.toAbsolutePath();
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        try {
            long rows;
            try (Writer writer = new BufferedWriter(new OutputStreamWriter(
                    Files.newOutputStream(partial), StandardCharsets.UTF_8))) {
                rows = export(library, writer, progress());
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
            err().println("Exported " + rows + " rows to " + file);
        } catch (IOException e) {
            throw new CliInputException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // best effort: the export itself already succeeded or failed
            }
        }
    }

    private Progress progress() {
        return new Progress(cli().interactive() ? cli().stderr() : null, "exported");
    }

    /** Writes the catalog; returns the number of lines written. */
    static long export(Library library, Writer target, Progress progress) {
        long[] rows = {0};
        try (JsonLines lines = new JsonLines(target)) {
            new Pager<User>(null, null, User::id, library.users()::listAfter).forEach(user -> {
                lines.write(json -> {
                    json.writeStringField("type", "user");
                    Render.user(json, user);
                });
                rows[0]++;
                progress.tick();
            });
            new Pager<Author>(null, null, Author::id, library.authors()::listAfter).forEach(author -> {
                lines.write(json -> {
                    json.writeStringField("type", "author");
                    Render.author(json, author);
                });
                rows[0]++;
                progress.tick();
            });
            new Pager<BookWithAuthors>(null, null, BookWithAuthors::id, library.books()::listAfter).forEach(book -> {
                lines.write(json -> {
                    json.writeStringField("type", "book");
                    Render.book(json, book);
                });
                rows[0]++;
                progress.tick();
                // The book's comments, with usernames (one query); a book deleted meanwhile has none.
                for (BookComment comment : library.comments().listForBook(book.id())) {
                    lines.write(json -> {
                        json.writeStringField("type", "comment");
                        json.writeNumberField("id", comment.id());
                        json.writeStringField("book", book.book().title());
                        json.writeStringField("user", comment.username());
                        json.writeStringField("text", comment.text());
                    });
                    rows[0]++;
                    progress.tick();
                }
            });
        } catch (UncheckedIOException e) {
            throw new CliInputException("cannot write the export: " + e.getCause().getMessage(), e);
        }
        progress.done();
        return rows[0];
    }
}
