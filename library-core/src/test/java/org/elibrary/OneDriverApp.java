package org.elibrary;

import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * A small application run in a JVM of its own by {@link OneDriverIT}, on a classpath without the other
 * database's driver: every path it takes, failures included, must stay clear of the missing classes. Prints
 * one line per check; exits 1 on the first surprise.
 */
public final class OneDriverApp {
    private OneDriverApp() {
    }

    public static void main(String[] args) {
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(args[0]).build())) {
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
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
        System.out.println("all checks passed");
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
