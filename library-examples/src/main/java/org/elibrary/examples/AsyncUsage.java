package org.elibrary.examples;

import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.elibrary.AsyncLibrary;
import org.elibrary.DuplicateException;
import org.elibrary.Library;
import org.elibrary.LibrarySettings;
import org.elibrary.domain.Author;
import org.elibrary.domain.Book;
import org.elibrary.domain.BookDetails;
import org.elibrary.domain.BookWithAuthors;
import org.elibrary.domain.Comment;
import org.elibrary.domain.User;

/**
 * The asynchronous API: {@code library.async()} has the same verbs as the synchronous repositories, each
 * returning a {@link CompletableFuture} that runs on the library's own executor (never the caller's thread,
 * never {@code ForkJoinPool.commonPool()}). Compose them instead of blocking; a failed future's cause is the
 * same typed exception the synchronous call throws.
 *
 * <p>Argument: a database URL (default: a new SQLite file in a temporary folder).
 */
public final class AsyncUsage {
    private AsyncUsage() {
    }

    public static void main(String... args) throws Exception {
        String url = args.length > 0 ? args[0]
                : "jdbc:sqlite:" + Files.createTempDirectory("elibrary-").resolve("async.db");
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(url).build())) {
            AsyncLibrary async = library.async();

            // Independent calls run concurrently; thenCombine joins their results.
            CompletableFuture<Author> dostoevsky = async.authors().create("Фёдор Достоевский");
            CompletableFuture<User> vera = async.users().create("вера");

            // Dependent calls chain with thenCompose: the book needs the author's id, the comment both ids.
            CompletableFuture<Book> crime = dostoevsky.thenCompose(author ->
                    async.books().createWithAuthorIds("Преступление и наказание", List.of(author.id())));
            CompletableFuture<Comment> comment = crime.thenCompose(book -> vera.thenCompose(user ->
                    async.comments().add(user.id(), book.id(), "Читала за одну ночь.")));
            CompletableFuture<BookDetails> page = comment
                    .thenCompose(added -> async.books().findDetails(added.bookId()))
                    .thenApply(details -> details.orElseThrow());

            // Block only at the edge of the program, and with a bound.
            BookDetails details = page.get(30, TimeUnit.SECONDS);
            System.out.println(details.book().title() + " — " + details.comments().get(0).username()
                    + ": " + details.comments().get(0).text());

            // Fan out: several searches at once, gathered with allOf.
            List<CompletableFuture<List<BookWithAuthors>>> searches = List.of("ПРЕСТУПЛЕНИЕ", "наказание", "мир")
                    .stream().map(q -> async.books().searchByTitle(q, 20)).collect(Collectors.toList());
            CompletableFuture.allOf(searches.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            System.out.println("Search hits: " + searches.stream().map(f -> f.join().size())
                    .collect(Collectors.toList()));

            // Failures: the future completes exceptionally with the library's exception as the cause.
            String outcome = async.authors().create("Фёдор Достоевский")
                    .thenApply(author -> "created again?!")
                    .exceptionally(failure -> {
                        Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                        return cause instanceof DuplicateException duplicate
                                ? "duplicate " + duplicate.field() + " '" + duplicate.value() + "'"
                                : "unexpected: " + cause;
                    })
                    .get(30, TimeUnit.SECONDS);
            System.out.println("Second create: " + outcome);

            // Several operations in one transaction, off the caller's thread: inside, use the synchronous
            // Transaction handle; the future completes after the commit.
            long books = async.inTransaction(tx -> {
                Author chekhov = tx.authors().create("Антон Чехов");
                tx.books().createWithAuthorIds("Вишнёвый сад", List.of(chekhov.id()));
                tx.books().createWithAuthorIds("Чайка", List.of(chekhov.id()));
                return tx.counts().book();
            }).get(30, TimeUnit.SECONDS);
            System.out.println("Books after the transaction: " + books);
        }
        // close() waits (boundedly) for accepted calls, then stops the executor and the pool.
    }
}
