package org.elibrary.examples.cli;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.elibrary.DuplicateException;
import org.elibrary.InvalidInputException;
import org.elibrary.Library;
import org.elibrary.LibraryException;
import org.elibrary.LibrarySettings;
import org.elibrary.NotFoundException;
import org.elibrary.Transaction;
import org.elibrary.domain.NewBook;
import org.elibrary.domain.NewComment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code import FILE}: replays JSON lines as {@link ExportCommand} writes them, all in one transaction, so
 * the database gets either the whole file or (on any error) nothing. Rows are streamed from the file and
 * written with the library's bulk inserts, up to 1000 at a time; the ids of the users, authors and books
 * created are kept (one map entry each) so that later rows refer to them without a query.
 */
@Command(name = "import", description = "Load JSON lines written by export, in one transaction.")
final class ImportCommand extends CatalogCommand {

    @Parameters(paramLabel = "FILE", description = "A file written by export.")
    Path file;

    /** Counts of what one import created. */
    record Imported(long users, long authors, long books, long comments) {
    }

    /** Before the open, which would create and migrate a SQLite file that does not exist yet. */
    @Override
    void beforeOpen(LibrarySettings settings) {
        if (Files.isDirectory(file)) {
            throw new CliInputException("import: " + file + " is a directory");
        }
        if (!Files.exists(file)) {
            throw new CliInputException("import file " + file + " not found");
        }
        if (!Files.isReadable(file)) {
            throw new CliInputException("cannot read " + file + ": permission denied");
        }
    }

    @Override
    void run(Library library) {
        Progress progress = new Progress(cli().interactive() ? cli().stderr() : null, "imported");
        Imported imported = library.inTransaction(tx -> replay(tx, progress));
        progress.done();
        if (json()) {
            try (JsonLines lines = new JsonLines(out())) {
                lines.write(json -> {
                    json.writeNumberField("users", imported.users());
                    json.writeNumberField("authors", imported.authors());
                    json.writeNumberField("books", imported.books());
                    json.writeNumberField("comments", imported.comments());
                });
            }
        } else {
            out().printf("Imported %d users, %d authors, %d books, %d comments from %s%n",
                    imported.users(), imported.authors(), imported.books(), imported.comments(), file);
        }
    }

    private Imported replay(Transaction tx, Progress progress) {
        Batches batches = new Batches(tx, progress, file);
        try (Reader reader = new BufferedReader(Files.newBufferedReader(file, StandardCharsets.UTF_8));
             JsonParser parser = JsonLines.FACTORY.createParser(reader)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                int line = parser.currentTokenLocation().getLineNr();
                if (token != JsonToken.START_OBJECT) {
                    throw bad(line, "expected a JSON object");
                }
                batches.add(Row.read(parser, file, line));
            }
            batches.flush();
        } catch (JsonParseException e) {
            throw bad(e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
                    "not JSON lines (" + e.getOriginalMessage() + ")");
        } catch (NoSuchFileException e) {
            throw new CliInputException("import file " + file + " not found");
        } catch (CharacterCodingException e) {
            throw bad(lineOfFirstMalformed(e), "not valid UTF-8");
        } catch (IOException e) {
            throw new CliInputException("cannot read " + file + ": " + FileProblems.reason(e), e);
        }
        return batches.imported();
    }

    /**
     * Consecutive rows of one type, written with the library's bulk inserts ({@code createAll},
     * {@code addAll}: multi-row statements) up to {@value #BATCH} at a time. Remembers the id of every
     * user, author and book it created, so that later rows can refer to them by their unique key.
     */
    private static final class Batches {
        static final int BATCH = 1000;

        private final Transaction tx;
        private final Progress progress;
        private final Path file;
        private final Map<String, Long> users = new HashMap<>();
        private final Map<String, Long> authors = new HashMap<>();
        private final Map<String, Long> books = new HashMap<>();
        private final List<Row> pending = new ArrayList<>();
        /** The line of each user, author and book written so far, by {@link #uniqueKey}. */
        private final Map<String, Integer> lines = new HashMap<>();
        private long authorsCreated;
        private long comments;

        Batches(Transaction tx, Progress progress, Path file) {
            this.tx = tx;
            this.progress = progress;
            this.file = file;
        }

        void add(Row row) {
            String type = row.type();
            if (!List.of("user", "author", "book", "comment").contains(type)) {
                throw row.problem("unknown type '" + type + "'", null);
            }
            if (!pending.isEmpty() && (!pending.get(0).type().equals(type) || pending.size() == BATCH)) {
                flush();
            }
            pending.add(row);
        }

        void flush() {
            if (pending.isEmpty()) {
                return;
            }
            try {
                write();
            } catch (LibraryException e) {
                if (!ExitCodes.dataAtFault(e)) {
                    throw e;
                }
                throw onPendingLines(e);
            }
            for (Row row : pending) {
                String key = uniqueKey(row);
                if (key != null) {
                    lines.putIfAbsent(key, row.line());
                }
                progress.tick();
            }
            pending.clear();
        }

        /** The pending rows, as one bulk insert; a row's own lookups fail with its line. */
        private void write() {
            switch (pending.get(0).type()) {
                case "user": {
                    List<String> names = texts("username");
                    tx.users().createAll(names).forEach(user -> users.put(user.username(), user.id()));
                    break;
                }
                case "author": {
                    List<String> names = texts("name");
                    tx.authors().createAll(names).forEach(author -> authors.put(author.name(), author.id()));
                    authorsCreated += names.size();
                    break;
                }
                case "book": {
                    List<NewBook> batch = new ArrayList<>(pending.size());
                    for (Row row : pending) {
                        List<Long> ids = new ArrayList<>();
                        for (String name : row.names("authors")) {
                            ids.add(onRow(row, () -> authorId(name)));
                        }
                        batch.add(new NewBook(row.text("title"), ids));
                    }
                    tx.books().createAll(batch).forEach(book -> books.put(book.title(), book.id()));
                    break;
                }
                default: {
                    List<NewComment> batch = new ArrayList<>(pending.size());
                    for (Row row : pending) {
                        batch.add(new NewComment(onRow(row, () -> userId(row.text("user"))),
                                onRow(row, () -> bookId(row.text("book"))), row.text("text")));
                    }
                    comments += tx.comments().addAll(batch);
                    break;
                }
            }
        }

        /**
         * A bulk insert's failure, placed in the file: at the row that broke a rule, or that holds the
         * duplicate value, otherwise at the lines of the batch. The transaction still rolls back as a whole.
         */
        private CliInputException onPendingLines(RuntimeException e) {
            if (e instanceof InvalidInputException invalid && invalid.index().isPresent()) {
                Row row = pending.get(invalid.index().getAsInt());
                return row.problem(invalid.field() + ": " + invalid.rule(), e);
            }
            if (e instanceof DuplicateException duplicate) {
                String field = duplicate.field().substring(duplicate.field().lastIndexOf('.') + 1);
                List<Row> holding = new ArrayList<>();
                for (Row row : pending) {
                    if (duplicate.value().equals(row.texts().get(field))) {
                        holding.add(row);
                    }
                }
                if (!holding.isEmpty()) {
                    // Named by lines: the library's positions count within the batch, which means nothing to the
                    // file's reader. An earlier row with the value, in this batch or written by an earlier one
                    // (which rolls back with it), makes the later row "given twice", not "already exists".
                    Row later = holding.get(holding.size() > 1 ? 1 : 0);
                    Integer earlier = holding.size() > 1 ? Integer.valueOf(holding.get(0).line())
                            : lines.get(uniqueKey(later));
                    return later.problem(earlier == null ? e.getMessage() : duplicate.field() + " '"
                            + duplicate.value() + "' is given twice (also on line " + earlier + ")", e);
                }
            }
            int first = pending.get(0).line();
            int last = pending.get(pending.size() - 1).line();
            return first == last ? onLine(file, first, e.getMessage(), e)
                    : new CliInputException(file + " lines " + first + "-" + last + ": " + e.getMessage(), e);
        }

        /** A row's type and unique value (username, name, title), or null for a comment. */
        private static String uniqueKey(Row row) {
            String field = switch (row.type()) {
                case "user" -> "username";
                case "author" -> "name";
                case "book" -> "title";
                default -> null;
            };
            return field == null ? null : row.type() + "\0" + row.texts().get(field);
        }

        private List<String> texts(String field) {
            List<String> values = new ArrayList<>(pending.size());
            for (Row row : pending) {
                values.add(row.text(field));
            }
            return values;
        }

        /** A lookup or write for one row; its failure names the row's line. */
        private static <T> T onRow(Row row, Supplier<T> call) {
            try {
                return call.get();
            } catch (LibraryException e) {
                if (!ExitCodes.dataAtFault(e)) {
                    throw e;
                }
                throw row.problem(e.getMessage(), e);
            }
        }

        /** An author named by a book: imported earlier, already in the database, or created now. */
        private long authorId(String name) {
            return authors.computeIfAbsent(name, key -> tx.authors().findByName(key).orElseGet(() -> {
                authorsCreated++;
                return tx.authors().create(key);
            }).id());
        }

        private long userId(String username) {
            Long id = users.get(username);
            return id != null ? id : tx.users().findByUsername(username)
                    .orElseThrow(() -> new NotFoundException("user", "username=" + username)).id();
        }

        private long bookId(String title) {
            Long id = books.get(title);
            return id != null ? id : tx.books().findByTitle(title)
                    .orElseThrow(() -> new NotFoundException("book", "title=" + title)).id();
        }

        Imported imported() {
            return new Imported(users.size(), authorsCreated, books.size(), comments);
        }
    }

    private int lineOfFirstMalformed(CharacterCodingException malformed) {
        try {
            return Utf8Lines.lineOfFirstMalformed(file);
        } catch (IOException e) {
            throw new CliInputException("cannot read " + file + ": " + FileProblems.reason(e), malformed);
        }
    }

    private CliInputException bad(int line, String problem) {
        return onLine(file, line, problem, null);
    }

    /** Every problem of the file's content names the file and the line, in one form. */
    private static CliInputException onLine(Path file, int line, String problem, Throwable cause) {
        return new CliInputException(file + " line " + line + ": " + problem, cause);
    }

    /** One line of the file: its string fields and string-array fields; anything else is skipped. */
    private record Row(Path file, int line, Map<String, String> texts, Map<String, List<String>> lists) {
        static Row read(JsonParser parser, Path file, int line) throws IOException {
            Map<String, String> texts = new HashMap<>();
            Map<String, List<String>> lists = new HashMap<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (value == JsonToken.VALUE_STRING) {
                    texts.put(field, parser.getText());
                } else if (value == JsonToken.START_ARRAY) {
                    List<String> items = new ArrayList<>();
                    while (parser.nextToken() == JsonToken.VALUE_STRING) {
                        items.add(parser.getText());
                    }
                    if (parser.currentToken() != JsonToken.END_ARRAY) {
                        throw onLine(file, line, field + " must be an array of strings", null);
                    }
                    lists.put(field, items);
                } else {
                    parser.skipChildren();
                }
            }
            return new Row(file, line, texts, lists);
        }

        String type() {
            return text("type");
        }

        String text(String field) {
            String value = texts.get(field);
            if (value == null) {
                throw problem("missing text field '" + field + "'", null);
            }
            return value;
        }

        List<String> names(String field) {
            return lists.getOrDefault(field, List.of());
        }

        CliInputException problem(String problem, Throwable cause) {
            return onLine(file, line, problem, cause);
        }
    }
}
