package org.elibrary.examples.cli;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.elibrary.Library;
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

    @Override
    void run(Library library) {
        if (!Files.isRegularFile(file)) {
            throw new CliInputException("import file " + file + " not found");
        }
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
        Batches batches = new Batches(tx, progress);
        try (Reader reader = new BufferedReader(Files.newBufferedReader(file, StandardCharsets.UTF_8));
             JsonParser parser = JsonLines.FACTORY.createParser(reader)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                int line = parser.currentTokenLocation().getLineNr();
                if (token != JsonToken.START_OBJECT) {
                    throw bad(line, "expected a JSON object");
                }
                batches.add(Row.read(parser, line));
            }
            batches.flush();
        } catch (JsonParseException e) {
            throw bad(e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
                    "not JSON lines (" + e.getOriginalMessage() + ")");
        } catch (NoSuchFileException e) {
            throw new CliInputException("import file " + file + " not found");
        } catch (IOException e) {
            throw new CliInputException("cannot read " + file + ": " + e.getMessage(), e);
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
        private final Map<String, Long> users = new HashMap<>();
        private final Map<String, Long> authors = new HashMap<>();
        private final Map<String, Long> books = new HashMap<>();
        private final List<Row> pending = new ArrayList<>();
        private long authorsCreated;
        private long comments;

        Batches(Transaction tx, Progress progress) {
            this.tx = tx;
            this.progress = progress;
        }

        void add(Row row) {
            String type = row.type();
            if (!List.of("user", "author", "book", "comment").contains(type)) {
                throw new CliInputException("line " + row.line() + ": unknown type '" + type + "'");
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
                            ids.add(authorId(name));
                        }
                        batch.add(new NewBook(row.text("title"), ids));
                    }
                    tx.books().createAll(batch).forEach(book -> books.put(book.title(), book.id()));
                    break;
                }
                default: {
                    List<NewComment> batch = new ArrayList<>(pending.size());
                    for (Row row : pending) {
                        batch.add(new NewComment(userId(row.text("user")), bookId(row.text("book")),
                                row.text("text")));
                    }
                    comments += tx.comments().addAll(batch);
                    break;
                }
            }
            pending.forEach(row -> progress.tick());
            pending.clear();
        }

        private List<String> texts(String field) {
            List<String> values = new ArrayList<>(pending.size());
            for (Row row : pending) {
                values.add(row.text(field));
            }
            return values;
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

    private CliInputException bad(int line, String problem) {
        return new CliInputException(file + " line " + line + ": " + problem);
    }

    /** One line of the file: its string fields and string-array fields; anything else is skipped. */
    private record Row(int line, Map<String, String> texts, Map<String, List<String>> lists) {
        static Row read(JsonParser parser, int line) throws IOException {
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
                        throw new CliInputException("line " + line + ": " + field + " must be an array of strings");
                    }
                    lists.put(field, items);
                } else {
                    parser.skipChildren();
                }
            }
            return new Row(line, texts, lists);
        }

        String type() {
            return text("type");
        }

        String text(String field) {
            String value = texts.get(field);
            if (value == null) {
                throw new CliInputException("line " + line + ": missing text field '" + field + "'");
            }
            return value;
        }

        List<String> names(String field) {
            return lists.getOrDefault(field, List.of());
        }
    }
}
