package org.elibrary;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.elibrary.testing.Sleep;

/**
 * A small application run in a JVM of its own by {@link OneDriverIT}, on a classpath without the other
 * database's driver: every path it takes, failures included, must stay clear of the missing classes. Prints
 * one line per check; exits 1 on the first surprise.
 */
public final class OneDriverApp {
    private OneDriverApp() {
    }

    public static void main(String[] args) {
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(args[0])
                .closeTimeout(Duration.ofMillis(500)).build())) {
            var anna = library.authors().create("Анна");
            expect(DuplicateException.class, () -> library.authors().create("Анна"));
            expect(NotFoundException.class, () -> library.authors().rename(anna.id() + 1000, "Борис"));
            var book = library.books().createWithAuthorIds("Война и мир", java.util.List.of(anna.id()));
            expect(NotFoundException.class, () -> library.comments().add(book.id() + 1000, book.id(), "нет"));
            IllegalStateException mine = new IllegalStateException("mine");
            check("the caller's own exception", thrown(() -> library.inTransaction(tx -> {
                tx.authors().create("Борис");
                throw mine;
            })) == mine);
            check("search", library.books().searchByTitle("ВОЙНА", 10).size() == 1);
            AsyncLibrary async = library.async();
            check("async count", async.authors().count().join() == 1);
            Throwable duplicate = thrown(() -> async.authors().create("Анна").join());
            check("async duplicate", duplicate instanceof CompletionException
                    && duplicate.getCause() instanceof DuplicateException);
            check("nothing of the failures written", library.counts().author() == 1);

            // an async call past its timeout is cancelled and rolled back; cancel() and close() cancel too
            AsyncLibrary timed = async.withTimeout(Duration.ofMillis(300));
            Throwable timedOut = thrown(() -> timed.inTransaction(tx -> {
                tx.authors().create("Тимур");
                return slowCount(tx);
            }).join());
            check("timed out", timedOut instanceof CompletionException
                    && timedOut.getCause() instanceof DatabaseUnavailableException);
            // "Neither committed" means something only once the cancelled call's callback has ended: uncancelled,
            // it would commit right after (about 5 s in). It may run to its end: cancel rolls it back, and stops
            // it only when the cancel catches a statement running.
            CountDownLatch running = new CountDownLatch(1);
            CountDownLatch ended = new CountDownLatch(1);
            CompletableFuture<Long> cancelled = async.inTransaction(tx -> {
                try {
                    tx.authors().create("Карл");
                    running.countDown();
                    return slowCount(tx);
                } finally {
                    ended.countDown();
                }
            });
            check("the call to cancel is running", running.await(30, TimeUnit.SECONDS));
            check("cancelled", cancelled.cancel(true));
            check("the cancelled call ended", ended.await(30, TimeUnit.SECONDS));
            Thread.sleep(500);
            check("neither committed", library.counts().author() == 1);
            async.inTransaction(OneDriverApp::slowCount);

            // a URL of the database whose driver is left out: a configuration error that says so
            String other = args[0].contains("sqlite") ? "postgresql://anna:secret@localhost/library"
                    : "sqlite:///./library.db";
            Throwable refused = thrown(() -> LibrarySettings.builder().databaseUrl(other).build());
            check("the other database's URL refused", refused instanceof ConfigurationException
                    && refused.getMessage().contains("is not on the classpath"));

            // a data source whose first connection fails
            com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource();
            pool.setJdbcUrl(library.settings().orElseThrow().jdbcUrl());
            pool.close();
            expect(DatabaseUnavailableException.class, () -> Library.open(pool));
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
        System.out.println("all checks passed");
    }

    /** A call that runs for a while: counts with pauses between them, until it is stopped. */
    private static long slowCount(Transaction tx) {
        for (int i = 0; i < 50; i++) {
            tx.authors().count();
            Sleep.millis(100);
        }
        return tx.authors().count();
    }

    private static void expect(Class<? extends LibraryException> type, Supplier<?> call) {
        Throwable t = thrown(call);
        if (!type.isInstance(t) && t != null) {
            t.printStackTrace(System.out);
        }
        check(type.getSimpleName(), type.isInstance(t));
    }

    private static Throwable thrown(Supplier<?> call) {
        try {
            call.get();
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    private static void check(String what, boolean ok) {
        System.out.println((ok ? "ok   " : "FAIL ") + what);
        if (!ok) {
            System.exit(1);
        }
    }
}
