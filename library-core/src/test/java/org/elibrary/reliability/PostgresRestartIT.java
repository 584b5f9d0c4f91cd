package org.elibrary.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import org.elibrary.DatabaseUnavailableException;
import org.elibrary.Library;
import org.elibrary.LibrarySettings;
import org.elibrary.domain.Book;
import org.elibrary.domain.Comment;
import org.elibrary.domain.User;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * PostgreSQL stopped under load and started again. A private server (zonky binaries, our own data
 * directory and fixed port, so it can be stopped and started in place) serves a Library under a mixed
 * synchronous and asynchronous load; the server is stopped (fast shutdown: sessions are cut) and started
 * again. Calls in flight and during the outage fail with {@link DatabaseUnavailableException} within a
 * bound, nothing else; after the restart calls succeed on the same Library; acknowledged writes survive;
 * the pool holds no more connections than its size.
 */
class PostgresRestartIT {
    private static final int POOL = 6;
    private static final int CALLERS = 12;
    private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(2);
    /** No single call may take longer than this, outage or not. */
    private static final Duration CALL_BOUND = Duration.ofSeconds(15);

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void callsFailTypedDuringAnOutageAndSucceedAfterTheRestartWithoutLeakingConnections() throws Exception {
        Path dataDirectory = Files.createTempDirectory("elibrary-restart-pg-").resolve("data");
        int port = SettingsFailureIT.closedPort();
        EmbeddedPostgres server = start(dataDirectory, port);
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/restart?user=postgres";
        try (Connection admin = DriverManager.getConnection(server.getJdbcUrl("postgres", "postgres"));
             Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE restart ENCODING 'UTF8'");
        }

        Library library = Library.open(LibrarySettings.builder()
                .databaseUrl(url)
                .poolSize(POOL)
                .connectionTimeout(CONNECTION_TIMEOUT)
                .statementTimeout(Duration.ofSeconds(10))
                .build());
        try {
            User user = library.users().create("reader");
            Book book = library.books().createWithAuthors("Мастер и Маргарита", List.of("Михаил Булгаков")).book();

            Load load = new Load(library, user, book);
            load.start();
            load.awaitSuccesses(200, Duration.ofSeconds(30));

            server.close(); // pg_ctl stop -m fast: in-flight statements and idle pooled sessions are cut
            load.awaitUnavailable(CALLERS, Duration.ofSeconds(30));
            Thread.sleep(1500); // the outage lasts: every caller keeps hitting it

            server = start(dataDirectory, port);
            long restartedAt = System.nanoTime();
            long successesBefore = load.successes.get();
            load.awaitSuccesses(successesBefore + 200, Duration.ofSeconds(60));
            long recoveredAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartedAt);
            load.stop();

            System.out.printf("PostgresRestartIT: %d successful calls, %d DatabaseUnavailableException, slowest call "
                            + "%d ms, %d ms from restart to 200 more successes, %d acknowledged writes, unexpected %s%n",
                    load.successes.get(), load.unavailable.get(), load.slowestMillis.get(), recoveredAfter,
                    load.acknowledged.size(), load.unexpected.keySet());
            assertThat(load.unexpected).as("failures other than DatabaseUnavailableException").isEmpty();
            assertThat(load.unavailable.get()).as("calls that failed during the outage").isPositive();
            assertThat(load.slowestMillis.get()).as("slowest call (ms)").isLessThan(CALL_BOUND.toMillis());
            assertThat(recoveredAfter).as("ms from restart to 200 more successful calls").isLessThan(60_000);

            // every acknowledged write survived the restart
            for (Long id : load.acknowledged) {
                assertThat(library.comments().findById(id)).as("acknowledged comment %d", id).isPresent();
            }
            assertThat(library.comments().count()).isGreaterThanOrEqualTo(load.acknowledged.size());

            // the pool did not leak: after the load, the server sees at most POOL sessions of ours
            Thread.sleep(500);
            try (Connection admin = DriverManager.getConnection(server.getJdbcUrl("postgres", "postgres"));
                 Statement statement = admin.createStatement();
                 ResultSet rs = statement.executeQuery(
                         "SELECT count(*) FROM pg_stat_activity WHERE datname = 'restart'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("server sessions on the library's database").isBetween(1, POOL);
            }
            // and the library is fully usable: all POOL connections at once
            List<Thread> parallel = new ArrayList<>();
            Set<Long> written = ConcurrentHashMap.newKeySet();
            for (int i = 0; i < POOL * 2; i++) {
                Thread t = new Thread(() -> written.add(library.comments().add(user.id(), book.id(), "after").id()));
                parallel.add(t);
                t.start();
            }
            for (Thread t : parallel) {
                t.join(30_000);
            }
            assertThat(written).hasSize(POOL * 2);
        } finally {
            library.close();
            server.close();
        }
    }

    private static EmbeddedPostgres start(Path dataDirectory, int port) throws Exception {
        return TestDatabases.embeddedPostgresBuilder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setPort(port)
                .start();
    }

    /** CALLERS threads: 1 in 5 calls writes a comment, the rest read the book's details; a third async. */
    private static final class Load {
        final Library library;
        final User user;
        final Book book;
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicLong successes = new AtomicLong();
        final AtomicLong unavailable = new AtomicLong();
        final LongAccumulator slowestMillis = new LongAccumulator(Math::max, 0);
        final Map<String, Throwable> unexpected = new ConcurrentHashMap<>();
        final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
        final Set<Integer> callersThatSawUnavailable = ConcurrentHashMap.newKeySet();
        final List<Thread> threads = new ArrayList<>();

        Load(Library library, User user, Book book) {
            this.library = library;
            this.user = user;
            this.book = book;
        }

        void start() {
            for (int i = 0; i < CALLERS; i++) {
                int caller = i;
                Thread thread = new Thread(() -> run(caller), "restart-load-" + i);
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
        }

        private void run(int caller) {
            boolean async = caller % 3 == 0;
            while (running.get()) {
                boolean write = ThreadLocalRandom.current().nextInt(5) == 0;
                long start = System.nanoTime();
                try {
                    if (write) {
                        Comment comment = async
                                ? library.async().comments().add(user.id(), book.id(), "под нагрузкой").get(60, TimeUnit.SECONDS)
                                : library.comments().add(user.id(), book.id(), "под нагрузкой");
                        acknowledged.add(comment.id());
                    } else {
                        boolean found = async
                                ? library.async().books().findDetails(book.id()).get(60, TimeUnit.SECONDS).isPresent()
                                : library.books().findDetails(book.id()).isPresent();
                        if (!found) {
                            unexpected.put("book not found", new AssertionError("book vanished"));
                        }
                    }
                    successes.incrementAndGet();
                } catch (DatabaseUnavailableException e) {
                    unavailable.incrementAndGet();
                    callersThatSawUnavailable.add(caller);
                    pause();
                } catch (ExecutionException | CompletionException e) {
                    if (e.getCause() instanceof DatabaseUnavailableException) {
                        unavailable.incrementAndGet();
                        callersThatSawUnavailable.add(caller);
                        pause();
                    } else {
                        unexpected.putIfAbsent(String.valueOf(e.getCause()), e);
                    }
                } catch (Throwable e) {
                    unexpected.putIfAbsent(String.valueOf(e), e);
                } finally {
                    slowestMillis.accumulate(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                }
            }
        }

        private static void pause() {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void awaitSuccesses(long count, Duration bound) throws InterruptedException {
            long deadline = System.nanoTime() + bound.toNanos();
            while (successes.get() < count) {
                assertThat(System.nanoTime()).as("%d successful calls within %s (have %d; unexpected %s)", count,
                        bound, successes.get(), unexpected.keySet()).isLessThan(deadline);
                Thread.sleep(20);
            }
        }

        void awaitUnavailable(int callers, Duration bound) throws InterruptedException {
            long deadline = System.nanoTime() + bound.toNanos();
            while (callersThatSawUnavailable.size() < callers) {
                assertThat(System.nanoTime()).as("all %d callers saw DatabaseUnavailableException within %s (%d did; "
                        + "unexpected %s)", callers, bound, callersThatSawUnavailable.size(), unexpected.keySet())
                        .isLessThan(deadline);
                Thread.sleep(20);
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread thread : threads) {
                thread.join(CALL_BOUND.toMillis() * 2);
                assertThat(thread.isAlive()).as("%s finished", thread.getName()).isFalse();
            }
        }
    }
}
