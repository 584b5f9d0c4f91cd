package org.elibrary;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.elibrary.domain.Author;
import org.elibrary.domain.User;
import org.elibrary.testing.Sleep;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code findOrCreateAll} while another client creates the same new names: every caller ends with the one row
 * of each name, never a duplicate error and never a second row. On PostgreSQL the insert waits for the other
 * transaction and skips a name it committed, then reads it; on SQLite the write waits for the other writer,
 * whose rows it then finds.
 */
class FindOrCreateRaceIT {
    private static final String INSERT_AUTHOR = "INSERT INTO author (name) VALUES (?)";

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aNameAnotherTransactionCommitsMeanwhileIsFoundNotCreatedTwice(Backend backend) throws Exception {
        String url = TestDatabases.newDatabaseUrl(backend);
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(url).build())) {
            Author pushkin = library.authors().create("Пушкин");
            List<Author> authors = whileAnotherTransactionInserts(backend, url,
                    INSERT_AUTHOR, "Гоголь", true,
                    () -> library.authors().findOrCreateAll(List.of("Гоголь", "Пушкин", "Чехов", "Гоголь")));
            assertThat(authors).extracting(Author::name).containsExactly("Гоголь", "Пушкин", "Чехов", "Гоголь");
            assertThat(authors.get(0)).isEqualTo(library.authors().findByName("Гоголь").orElseThrow())
                    .isEqualTo(authors.get(3));
            assertThat(authors.get(1)).isEqualTo(pushkin);
            assertThat(library.authors().count()).isEqualTo(3);

            library.users().create("anna");
            List<User> users = whileAnotherTransactionInserts(backend, url,
                    "INSERT INTO \"user\" (username) VALUES (?)", "bob", true,
                    () -> library.users().findOrCreateAll(List.of("anna", "bob", "carol")));
            assertThat(users).extracting(User::username).containsExactly("anna", "bob", "carol");
            assertThat(users.get(1)).isEqualTo(library.users().findByUsername("bob").orElseThrow());
            assertThat(library.users().count()).isEqualTo(3);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aNameAnotherTransactionRollsBackMeanwhileIsCreated(Backend backend) throws Exception {
        String url = TestDatabases.newDatabaseUrl(backend);
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(url).build())) {
            List<Author> authors = whileAnotherTransactionInserts(backend, url,
                    INSERT_AUTHOR, "Гоголь", false,
                    () -> library.authors().findOrCreateAll(List.of("Чехов", "Гоголь")));
            assertThat(authors).extracting(Author::name).containsExactly("Чехов", "Гоголь");
            assertThat(library.authors().findByName("Гоголь")).contains(authors.get(1));
            assertThat(library.authors().count()).isEqualTo(2);
        }
    }

    /**
     * PostgreSQL: the other client holds a new name the call wants, then asks for a second one the call wants
     * too. A call that inserted the names in the order given (the second one first) would hold that one while
     * waiting for the first: a deadlock, which PostgreSQL ends by failing one of them.
     */
    @Test
    void callersNamingTheSameNewNamesInOtherOrdersDoNotDeadlock() throws Exception {
        String url = TestDatabases.newPostgresUrl();
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(url).build());
             Connection other = DeleteRaceIT.inOpenTransaction(url, INSERT_AUTHOR, "Белый")) {
            CompletableFuture<List<Author>> found = CompletableFuture.supplyAsync(
                    () -> library.authors().findOrCreateAll(List.of("Яковлев", "Белый")));
            DeleteRaceIT.awaitLockWait(url, Duration.ofSeconds(10));
            try (PreparedStatement insert = other.prepareStatement(INSERT_AUTHOR)) {
                insert.setString(1, "Яковлев");
                insert.executeUpdate();
            }
            other.commit();
            assertThat(found.get(30, TimeUnit.SECONDS)).extracting(Author::name).containsExactly("Яковлев", "Белый");
            assertThat(library.authors().count()).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void callersCreatingTheSameNewNamesAtOnceShareTheRows(Backend backend) throws Exception {
        String url = TestDatabases.newDatabaseUrl(backend);
        int threads = 8;
        int rounds = 10;
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(url).build())) {
            library.authors().create("Автор 0-0");
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                for (int round = 0; round < rounds; round++) {
                    List<String> names = new ArrayList<>();
                    for (int i = 0; i < 6; i++) {
                        names.add("Автор " + round + "-" + i);
                    }
                    raced(pool, threads, names, library.authors()::findOrCreateAll, Author::id, Author::name);
                    raced(pool, threads, names, library.users()::findOrCreateAll, User::id, User::username);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(library.authors().count()).isEqualTo(6L * rounds);
            assertThat(library.users().count()).isEqualTo(6L * rounds);
        }
    }

    /**
     * Every thread asks for {@code names} at the same moment, each in its own order and with a name twice; all
     * get, name for name, the same rows.
     */
    private static <T> void raced(ExecutorService pool, int threads, List<String> names,
                                  Function<List<String>, List<T>> findOrCreateAll, Function<T, Long> id,
                                  Function<T, String> name) throws Exception {
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<List<T>>> calls = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<String> asked = new ArrayList<>(names);
            Collections.shuffle(asked, new Random(t));
            asked.add(asked.get(0));
            calls.add(pool.submit(() -> {
                start.await(30, TimeUnit.SECONDS);
                List<T> rows = findOrCreateAll.apply(asked);
                assertThat(rows).extracting(name::apply).isEqualTo(asked);
                return rows;
            }));
        }
        Map<String, Long> ids = new HashMap<>();
        for (Future<List<T>> call : calls) {
            for (T row : call.get(60, TimeUnit.SECONDS)) {
                Long first = ids.putIfAbsent(name.apply(row), id.apply(row));
                assertThat(id.apply(row)).as("the id of %s", name.apply(row)).isEqualTo(first == null ? id.apply(row) : first);
            }
        }
        assertThat(ids).hasSize(names.size());
    }

    /**
     * Runs {@code call} while another session's transaction has inserted {@code value} with {@code insertSql}
     * and not committed yet; once the call waits for it (PostgreSQL: for its row lock; SQLite: for the write
     * lock), commits or rolls that transaction back, and returns what the call returned.
     */
    private static <T> T whileAnotherTransactionInserts(Backend backend, String url, String insertSql, String value,
                                                        boolean commit, java.util.function.Supplier<T> call)
            throws Exception {
        try (Connection other = DeleteRaceIT.inOpenTransaction(url, insertSql, value)) {
            CompletableFuture<T> result = CompletableFuture.supplyAsync(call);
            if (backend == Backend.POSTGRESQL) {
                DeleteRaceIT.awaitLockWait(url, Duration.ofSeconds(10));
            } else {
                Sleep.millis(300); // SQLite's busy wait shows nowhere; well within its 5 s busy timeout
            }
            assertThat(result).as("the call waits for the open transaction").isNotDone();
            if (commit) {
                other.commit();
            } else {
                other.rollback();
            }
            return result.get(30, TimeUnit.SECONDS);
        }
    }
}
