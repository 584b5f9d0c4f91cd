package org.elibrary.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/** Runs every example's main so the examples cannot rot: they compile, run and print what they promise. */
class ExamplesIT {

    @FunctionalInterface
    interface Main {
        void run() throws Exception;
    }

    private static String stdoutOf(Main main) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            main.run();
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        return out;
    }

    @Test
    void quickStartOnSqliteAndPostgres() throws Exception {
        assertThat(stdoutOf(() -> QuickStart.main(TestDatabases.newSqliteUrl())))
                .contains("Война и мир by Лев Толстой", "anna: Перечитываю каждую зиму.",
                        "Search 'ВОЙНА' found: Война и мир", "author=3, book=2, authorBook=3, user=1, comment=1");
        assertThat(stdoutOf(() -> QuickStart.main(TestDatabases.newPostgresUrl())))
                .contains("(POSTGRESQL)", "Search 'ВОЙНА' found: Война и мир");
    }

    @Test
    void quickStartWithoutArgumentsUsesATemporaryFile() throws Exception {
        assertThat(stdoutOf(QuickStart::main)).contains("quickstart.db (SQLITE)");
    }

    @Test
    void asyncUsage() throws Exception {
        assertThat(stdoutOf(() -> AsyncUsage.main(TestDatabases.newSqliteUrl())))
                .contains("Преступление и наказание — вера: Читала за одну ночь.",
                        "Search hits: [1, 1, 0]",
                        "Second create: duplicate author.name 'Фёдор Достоевский'",
                        "Books after the transaction: 3");
    }

    @Test
    void transactionExample() throws Exception {
        assertThat(stdoutOf(() -> TransactionExample.main(TestDatabases.newSqliteUrl())))
                .contains("Committed: CatalogCounts[author=1, book=2, authorBook=2, user=1, comment=1]",
                        "Rolled back: book.title 'Война и мир' already exists",
                        "Unchanged: true, Пушкин present: false",
                        "Savepoint rolled back: user.username 'boris' already exists",
                        "anna kept: true, comments: 1");
    }

    @Test
    void bringYourOwnDataSource() throws Exception {
        assertThat(stdoutOf(() -> BringYourOwnDataSource.main(TestDatabases.newSqliteFile().toString())))
                .contains("Backend detected: SQLITE", "author=1, book=1, authorBook=1",
                        "Read-only library: 1 book(s)", "Write refused: the library is open read-only "
                                + "(readOnly(true)): BookRepository.create is refused; nothing was written",
                        "Pool still open after the library closed: true");
    }

    @Test
    void postgresExampleRunsTwiceOnTheSameDatabase() throws Exception {
        String url = TestDatabases.newPostgresUrl();
        assertThat(stdoutOf(() -> PostgresExample.main(url)))
                .contains("Found: Братья Карамазовы — Фёдор Достоевский");
        assertThat(stdoutOf(() -> PostgresExample.main(url)))
                .containsOnlyOnce("Found: Братья Карамазовы");
    }
}
