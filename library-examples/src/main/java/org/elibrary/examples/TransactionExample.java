package org.elibrary.examples;

import java.nio.file.Files;
import java.util.List;
import org.elibrary.DuplicateException;
import org.elibrary.Library;
import org.elibrary.LibrarySettings;
import org.elibrary.domain.Author;
import org.elibrary.domain.Book;
import org.elibrary.domain.CatalogCounts;

/**
 * Several operations in one transaction: {@code inTransaction} commits when the callback returns and rolls
 * everything back when it throws (the exception propagates unchanged). A nested {@code inTransaction} is a
 * savepoint: catching its failure keeps the outer work.
 *
 * <p>Argument: a database URL (default: a new SQLite file in a temporary folder).
 */
public final class TransactionExample {
    private TransactionExample() {
    }

    public static void main(String... args) throws Exception {
        String url = args.length > 0 ? args[0]
                : "jdbc:sqlite:" + Files.createTempDirectory("elibrary-").resolve("transactions.db");
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(url).build())) {

            // 1. All or nothing: an author, two books linked to them, a reader and a comment.
            Book war = library.inTransaction(tx -> {
                Author tolstoy = tx.authors().create("Лев Толстой");
                Book book = tx.books().createWithAuthorIds("Война и мир", List.of(tolstoy.id()));
                tx.books().createWithAuthorIds("Анна Каренина", List.of(tolstoy.id()));
                long reader = tx.users().create("boris").id();
                tx.comments().add(reader, book.id(), "Первый том — лучший.");
                return book;
            });
            CatalogCounts committed = library.counts();
            System.out.println("Committed: " + committed);

            // 2. A failure rolls the whole transaction back: the new author is not kept either.
            try {
                library.useTransaction(tx -> {
                    Author pushkin = tx.authors().create("Александр Пушкин");
                    tx.books().createWithAuthorIds("Евгений Онегин", List.of(pushkin.id()));
                    tx.books().create("Война и мир"); // taken: DuplicateException
                });
            } catch (DuplicateException e) {
                System.out.println("Rolled back: " + e.getMessage());
            }
            System.out.println("Unchanged: " + library.counts().equals(committed)
                    + ", Пушкин present: " + library.authors().findByName("Александр Пушкин").isPresent());

            // 3. A nested inTransaction is a savepoint: its failure undoes only its own work.
            library.useTransaction(tx -> {
                tx.users().create("anna");
                try {
                    tx.inTransaction(inner -> {
                        inner.comments().add("anna", war.id(), "Перечитываю каждую зиму.");
                        return inner.users().create("boris"); // taken: only this savepoint rolls back
                    });
                } catch (DuplicateException e) {
                    System.out.println("Savepoint rolled back: " + e.getMessage());
                }
            });
            System.out.println("anna kept: " + library.users().findByUsername("anna").isPresent()
                    + ", comments: " + library.counts().comment());
        }
    }
}
