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
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code import FILE}: replays JSON lines as {@link ExportCommand} writes them, all in one transaction, so
 * the database gets either the whole file or (on any error) nothing. Rows are read one at a time; only the
 * id of each user, author and book created so far is kept, to resolve later references without a query.
 */
@Command(name = "import", description = "Load JSON lines written by export, in one transaction.")
final class ImportCommand extends CatalogCommand {

    @Parameters(paramLabel = "FILE", description = "A file written by export.")
    Path file;

    /** Counts of what one import created. */
    record Imported(long users, long authors, long books, long comments) {
        long total() {
            return users + authors + books + comments;
        }
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

    private Imported replay(Library tx, Progress progress) {
        Map<String, Long> users = new HashMap<>();
        Map<String, Long> authors = new HashMap<>();
        Map<String, Long> books = new HashMap<>();
        long comments = 0;
        try (Reader reader = new BufferedReader(Files.newBufferedReader(file, StandardCharsets.UTF_8));
             JsonParser parser = JsonLines.FACTORY.createParser(reader)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                int line = parser.currentLocation().getLineNr();
                if (token != JsonToken.START_OBJECT) {
                    throw bad(line, "expected a JSON object");
                }
                Row row = Row.read(parser, line);
                switch (row.type()) {
                    case "user":
                        users.put(row.text("username"), tx.users().create(row.text("username")).id());
                        break;
                    case "author":
                        authors.put(row.text("name"), tx.authors().create(row.text("name")).id());
                        break;
                    case "book":
                        books.put(row.text("title"),
                                tx.books().createWithAuthors(row.text("title"), row.names("authors")).id());
                        break;
                    case "comment":
                        long userId = idOf(users, row.text("user"), name -> tx.users().findByUsername(name)
                                .orElseThrow(() -> new NotFoundException("user", "username=" + name)).id());
                        long bookId = idOf(books, row.text("book"), title -> tx.books().findByTitle(title)
                                .orElseThrow(() -> new NotFoundException("book", "title=" + title)).id());
                        tx.comments().add(userId, bookId, row.text("text"));
                        comments++;
                        break;
                    default:
                        throw bad(line, "unknown type '" + row.type() + "'");
                }
                progress.tick();
            }
        } catch (JsonParseException e) {
            throw bad(e.getLocation() == null ? 0 : e.getLocation().getLineNr(), "not JSON lines ("
                    + e.getOriginalMessage() + ")");
        } catch (NoSuchFileException e) {
            throw new CliInputException("import file " + file + " not found");
        } catch (IOException e) {
            throw new CliInputException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return new Imported(users.size(), authors.size(), books.size(), comments);
    }

    private static long idOf(Map<String, Long> known, String key, java.util.function.ToLongFunction<String> lookup) {
        Long id = known.get(key);
        return id != null ? id : lookup.applyAsLong(key);
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
