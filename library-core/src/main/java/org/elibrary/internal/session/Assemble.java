package org.elibrary.internal.session;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.elibrary.domain.Author;
import org.elibrary.domain.AuthorDetails;
import org.elibrary.domain.Book;
import org.elibrary.domain.BookComment;
import org.elibrary.domain.BookDetails;
import org.elibrary.domain.BookWithAuthors;
import org.elibrary.internal.mapper.AuthorBookRow;
import org.elibrary.internal.mapper.BookAuthorRow;

/** Stitches flat joined rows into the immutable read models (MyBatis 3.5 cannot fill a record's List). */
public final class Assemble {
    private Assemble() {
    }

    /** Rows ordered by book then author name; keeps the books' order. */
    public static List<BookWithAuthors> booksWithAuthors(List<BookAuthorRow> rows) {
        Map<Long, Book> books = new LinkedHashMap<>();
        Map<Long, List<Author>> authors = new LinkedHashMap<>();
        for (BookAuthorRow row : rows) {
            List<Author> list = authors.get(row.bookId());
            if (list == null) {
                books.put(row.bookId(), new Book(row.bookId(), row.title()));
                list = new ArrayList<>(2);
                authors.put(row.bookId(), list);
            }
            if (row.authorId() != null) {
                list.add(new Author(row.authorId(), row.authorName()));
            }
        }
        List<BookWithAuthors> result = new ArrayList<>(books.size());
        for (Map.Entry<Long, Book> entry : books.entrySet()) {
            result.add(new BookWithAuthors(entry.getValue(), authors.get(entry.getKey())));
        }
        return result;
    }

    /** Rows of the details query: the book first, then its authors, then its comments. */
    public static Optional<BookDetails> bookDetails(List<Object> rows) {
        if (rows.isEmpty() || !(rows.get(0) instanceof Book book)) {
            return Optional.empty();
        }
        List<Author> authors = new ArrayList<>();
        List<BookComment> comments = new ArrayList<>();
        for (int i = 1; i < rows.size(); i++) {
            Object row = rows.get(i);
            if (row instanceof Author author) {
                authors.add(author);
            } else {
                comments.add((BookComment) row);
            }
        }
        return Optional.of(new BookDetails(book, authors, comments));
    }

    public static Optional<AuthorDetails> authorDetails(List<AuthorBookRow> rows) {
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        AuthorBookRow first = rows.get(0);
        List<Book> books = new ArrayList<>(rows.size());
        for (AuthorBookRow row : rows) {
            if (row.bookId() != null) {
                books.add(new Book(row.bookId(), row.title()));
            }
        }
        return Optional.of(new AuthorDetails(new Author(first.authorId(), first.name()), books));
    }
}
