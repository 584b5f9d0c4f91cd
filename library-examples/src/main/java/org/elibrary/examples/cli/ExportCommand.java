package org.elibrary.examples.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.elibrary.Library;
import org.elibrary.LibrarySettings;
import org.elibrary.domain.BookComment;
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

    /** Linux's own limit on links followed in one path lookup. */
    private static final int MAX_LINKS = 40;

    /** Where FILE is written, checked before the open (which would create a SQLite file that does not exist). */
    private Path target;

    @Override
    void beforeOpen(LibrarySettings settings) {
        if (file != null) {
            target = writableTarget();
        }
    }

    @Override
    void run(Library library) {
        if (file == null) {
            try {
                export(library, out(), progress());
            } catch (UncheckedIOException e) {
                throw new CliInputException("cannot write the export: " + FileProblems.reason(e.getCause()), e);
            }
            return;
        }
        long rows;
        try {
            rows = Files.exists(target) && !Files.isRegularFile(target) ? writeInPlace(library, target)
                    : replace(library, target);
        } catch (IOException e) {
            throw cannotWrite(e);
        } catch (UncheckedIOException e) {
            throw cannotWrite(e.getCause());
        }
        err().println("Exported " + rows + " rows to " + file);
    }

    /**
     * FILE with its symbolic links followed, so that exporting to a link replaces what it points to and the
     * link stays a link; checked to be something a file can be written to.
     */
    private Path writableTarget() {
        Path target;
        try {
            target = followLinks(file.toAbsolutePath());
        } catch (IOException e) {
            throw cannotWrite(e);
        }
        if (Files.isDirectory(target)) {
            throw new CliInputException("export: " + file + " is a directory");
        }
        Path folder = target.getParent();
        if (folder != null && !Files.isDirectory(folder)) {
            throw new CliInputException("export: " + (Files.exists(folder) ? folder + " is not a folder"
                    : "folder " + folder + " does not exist"));
        }
        return target;
    }

    /** The path a chain of symbolic links ends at, which need not exist yet (a dangling link is written through). */
    private static Path followLinks(Path path) throws IOException {
        Path current = path;
        for (int hops = 0; Files.isSymbolicLink(current); hops++) {
            if (hops == MAX_LINKS) {
                throw new FileSystemException(path.toString(), null, "too many levels of symbolic links");
            }
            current = current.resolveSibling(Files.readSymbolicLink(current));
        }
        return current;
    }

    /**
     * A regular file, or none yet: written beside the target and moved into place at the end, so that a
     * failed export leaves neither a half file nor a changed one.
     */
    private long replace(Library library, Path target) throws IOException {
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        // CREATE_NEW does not follow a symbolic link a stale .partial might be, nor write into a pipe.
        Files.deleteIfExists(partial);
        try {
            long rows;
            try (Writer writer = utf8(Files.newOutputStream(partial, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE))) {
                rows = export(library, writer, progress());
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
            return rows;
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // best effort: the export itself already succeeded or failed
            }
        }
    }

    /**
     * A named pipe or a device (/dev/stdout): streamed into as it is. Moving a file over it would replace the
     * node, and whoever reads the pipe would get nothing.
     */
    private long writeInPlace(Library library, Path target) throws IOException {
        try (Writer writer = utf8(Files.newOutputStream(target, StandardOpenOption.WRITE))) {
            return export(library, writer, progress());
        }
    }

    private static Writer utf8(OutputStream stream) {
        return new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
    }

    private CliInputException cannotWrite(IOException e) {
        return new CliInputException("cannot write " + file + ": " + FileProblems.reason(e), e);
    }

    private Progress progress() {
        return new Progress(cli().interactive() ? cli().stderr() : null, "exported");
    }

    /**
     * Writes the catalog; returns the number of lines written.
     *
     * @throws UncheckedIOException when {@code target} fails, for the caller to name it
     */
    static long export(Library library, Writer target, Progress progress) {
        long[] rows = {0};
        try (JsonLines lines = new JsonLines(target)) {
            new Pager<>(null, null, Pager.Pages.users(library.users())).forEach(user -> {
                lines.write(json -> {
                    json.writeStringField("type", "user");
                    Render.user(json, user);
                });
                rows[0]++;
                progress.tick();
            });
            new Pager<>(null, null, Pager.Pages.authors(library.authors())).forEach(author -> {
                lines.write(json -> {
                    json.writeStringField("type", "author");
                    Render.author(json, author);
                });
                rows[0]++;
                progress.tick();
            });
            new Pager<>(null, null, Pager.Pages.books(library.books())).forEach(book -> {
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
        }
        progress.done();
        return rows[0];
    }
}
