package org.elibrary.examples.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.stream.Collectors;
import org.elibrary.domain.Author;
import org.elibrary.domain.BookComment;
import org.elibrary.domain.BookDetails;
import org.elibrary.domain.BookWithAuthors;
import org.elibrary.domain.User;
import org.elibrary.migrations.Migration;

/** How the catalog's records look on stdout: JSON fields for programs, aligned text for people. */
final class Render {
    private Render() {
    }

    /** Migrations for people: {@code V2 foreign key indexes, V3 unicode search}. */
    static String migrations(List<Migration> migrations) {
        return migrations.stream().map(m -> "V" + m.version() + " " + m.description())
                .collect(Collectors.joining(", "));
    }

    /** Migrations for programs: a field holding their versions, {@code "pending":["2","3"]}. */
    static void versions(JsonGenerator json, String field, List<Migration> migrations) throws IOException {
        json.writeArrayFieldStart(field);
        for (Migration migration : migrations) {
            json.writeString(migration.version());
        }
        json.writeEndArray();
    }

    static void author(JsonGenerator json, Author author) throws IOException {
        json.writeNumberField("id", author.id());
        json.writeStringField("name", author.name());
    }

    static void user(JsonGenerator json, User user) throws IOException {
        json.writeNumberField("id", user.id());
        json.writeStringField("username", user.username());
    }

    /** {@code id}, {@code title}, {@code authors} (names, ordered by name). */
    static void book(JsonGenerator json, BookWithAuthors book) throws IOException {
        json.writeNumberField("id", book.book().id());
        json.writeStringField("title", book.book().title());
        authorNames(json, book.authors());
    }

    /** A book's page: {@code id}, {@code title}, {@code authors}, {@code comments} ({@code id, text, user}). */
    static void details(JsonGenerator json, BookDetails details) throws IOException {
        json.writeNumberField("id", details.book().id());
        json.writeStringField("title", details.book().title());
        authorNames(json, details.authors());
        json.writeArrayFieldStart("comments");
        for (BookComment comment : details.comments()) {
            json.writeStartObject();
            json.writeNumberField("id", comment.id());
            json.writeStringField("text", comment.text());
            json.writeStringField("user", comment.username());
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    private static void authorNames(JsonGenerator json, List<Author> authors) throws IOException {
        json.writeArrayFieldStart("authors");
        for (Author author : authors) {
            json.writeString(author.name());
        }
        json.writeEndArray();
    }

    static String names(List<Author> authors) {
        return authors.stream().map(Author::name).collect(Collectors.joining(", "));
    }

    /** The human form of {@code book show}. */
    static void details(PrintWriter out, BookDetails details) {
        out.println("Book " + details.book().id() + ": " + details.book().title());
        out.println("Authors: " + (details.authors().isEmpty() ? "-" : names(details.authors())));
        if (details.comments().isEmpty()) {
            out.println("Comments: none");
        } else {
            out.println("Comments (" + details.comments().size() + "):");
            Table table = new Table("  ID", "USER", "TEXT");
            for (BookComment comment : details.comments()) {
                table.row("  " + comment.id(), comment.username(), comment.text());
            }
            table.print(out);
        }
        out.flush();
    }

    /** The human form of a list of books. */
    static Table books(Iterable<BookWithAuthors> books) {
        Table table = new Table("ID", "TITLE", "AUTHORS");
        for (BookWithAuthors book : books) {
            table.row(book.book().id(), book.book().title(), names(book.authors()));
        }
        return table;
    }
}
