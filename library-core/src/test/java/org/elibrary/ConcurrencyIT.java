package org.elibrary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.elibrary.domain.Author;
import org.elibrary.domain.Book;
import org.elibrary.domain.BookWithAuthors;
import org.elibrary.domain.NewBook;
import org.elibrary.domain.User;
import org.elibrary.testing.Sleep;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The synchronous API under many threads: no "database is locked", nothing lost, no stuck snapshots. */
class ConcurrencyIT {

    @ParameterizedTest
    @EnumSource(Backend.class)
    void manyThreadsMixingReadsAndWritesSeeNoErrors(Backend backend) throws Exception {
        String url = TestDatabases.newDatabaseUrl(backend);
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(url).build())) {
            List<Book> books = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                books.add(library.books().createWithAuthors("Book " + i, List.of("Author " + (i % 5))).book());
            }
            User user = library.users().create("reader");
            ExecutorService pool = Executors.newFixedThreadPool(24);
            AtomicInteger comments = new AtomicInteger();
            AtomicInteger created = new AtomicInteger();
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 24; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int k = 0; k < 60; k++) {
                        Book book = books.get((thread * 7 + k) % books.size());
                        switch (k % 4) {
                            case 0 -> {
                                library.comments().add(user.id(), book.id(), "t" + thread + " k" + k);
                                comments.incrementAndGet();
                            }
                            case 1 -> assertThat(library.books().findDetails(book.id())).isPresent();
                            case 2 -> {
                                String title = "New " + thread + "-" + k;
                                library.useTransaction(tx -> {
                                    Book fresh = tx.books().create(title);
                                    tx.comments().add(user.id(), fresh.id(), "first");
                                });
                                created.incrementAndGet();
                                comments.incrementAndGet();
                            }
                            default -> assertThat(library.books().searchByTitle("BOOK", 20)).isNotEmpty();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(library.comments().count()).isEqualTo(comments.get());
            assertThat(library.books().count()).isEqualTo(20 + created.get());
        }
    }

    /**
     * A caller's SQLite pool set up as the README says for Spring Boot (foreign keys, WAL, a busy timeout),
     * whose connections begin DEFERRED transactions: the library's write units read before they write (a
     * book's authors by name, a count), and still wait their turn rather than fail "busy" at their first write.
     * The connections' own transaction mode is left as it was.
     */
    @Test
    void onACallersSqlitePoolWritesThatReadFirstWaitTheirTurn() throws Exception {
        writersThatReadFirstOnACallersSqlitePool(true);
    }

    /**
     * As above on a pool with auto-commit off ({@code spring.datasource.hikari.auto-commit=false}), whose
     * connections come with the DEFERRED transaction the driver began on them: still no "busy", every unit
     * committed, and the pool's connections left with auto-commit off.
     */
    @Test
    void onACallersSqlitePoolWithAutoCommitOffWritesThatReadFirstWaitTheirTurn() throws Exception {
        writersThatReadFirstOnACallersSqlitePool(false);
    }

    private static void writersThatReadFirstOnACallersSqlitePool(boolean autoCommit) throws Exception {
        com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
        config.setJdbcUrl(TestDatabases.newSqliteUrl());
        config.setMaximumPoolSize(10);
        config.setAutoCommit(autoCommit);
        config.addDataSourceProperty("foreign_keys", "true");
        config.addDataSourceProperty("journal_mode", "WAL");
        config.addDataSourceProperty("busy_timeout", "10000");
        int threads = 16;
        int units = 40;
        try (com.zaxxer.hikari.HikariDataSource dataSource = new com.zaxxer.hikari.HikariDataSource(config);
             Library library = Library.open(dataSource)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            try {
                CyclicBarrier start = new CyclicBarrier(threads);
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    done.add(pool.submit(() -> {
                        start.await(30, TimeUnit.SECONDS);
                        for (int k = 0; k < units; k++) {
                            int unit = k;
                            try {
                                library.books().createWithAuthors("Книга " + thread + "-" + unit,
                                        List.of("Автор " + unit % 5, "Автор " + thread));
                                library.useTransaction(tx -> tx.users().create(
                                        "u" + thread + "-" + unit + "-" + tx.books().count()));
                            } catch (RuntimeException e) {
                                failures.add(e);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> future : done) {
                    future.get(120, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(failures).as("failed units (first: %s)", failures.isEmpty() ? null : failures.get(0))
                    .isEmpty();
            assertThat(library.books().count()).isEqualTo((long) threads * units);
            assertThat(library.users().count()).isEqualTo((long) threads * units);
            try (java.sql.Connection connection = dataSource.getConnection()) {
                assertThat(connection.unwrap(org.sqlite.SQLiteConnection.class).getConnectionConfig()
                        .getTransactionMode()).isEqualTo(org.sqlite.SQLiteConfig.TransactionMode.DEFERRED);
                assertThat(connection.getAutoCommit()).isEqualTo(autoCommit);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void booksAddedAtOnceByTheSameNewAuthorsShareThem(Backend backend) throws Exception {
        String url = TestDatabases.newDatabaseUrl(backend);
        int threads = 8;
        int rounds = 15;
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(url).build())) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                for (int round = 0; round < rounds; round++) {
                    // every thread names the same two authors, which do not exist yet, at the same moment
                    List<String> names = List.of("Автор " + round, "Соавтор " + round);
                    CyclicBarrier start = new CyclicBarrier(threads);
                    List<Future<BookWithAuthors>> books = new ArrayList<>();
                    for (int t = 0; t < threads; t++) {
                        String title = "Книга " + round + "-" + t;
                        books.add(pool.submit(() -> {
                            start.await(30, TimeUnit.SECONDS);
                            return library.books().createWithAuthors(title, names);
                        }));
                    }
                    for (Future<BookWithAuthors> book : books) {
                        assertThat(book.get(60, TimeUnit.SECONDS).authors()).extracting(Author::name)
                                .containsExactlyInAnyOrderElementsOf(names);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(library.authors().count()).isEqualTo(2L * rounds);
            assertThat(library.books().count()).isEqualTo((long) threads * rounds);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void closeLetsRunningSynchronousCallsFinishAndRefusesNewOnes(Backend backend) throws Exception {
        String url = TestDatabases.newDatabaseUrl(backend);
        CountDownLatch inTransaction = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            Library library = Library.open(LibrarySettings.builder().databaseUrl(url).build());
            Future<?> transaction = threads.submit(() -> library.useTransaction(tx -> {
                tx.books().create("begun before close");
                inTransaction.countDown();
                await(release);
                tx.books().create("ended after close began");
            }));
            assertThat(inTransaction.await(30, TimeUnit.SECONDS)).isTrue();
            // on SQLite this write waits for the writer connection the transaction holds
            Future<Book> waiting = threads.submit(() -> library.books().create("called before close"));
            Thread.sleep(200);
            Future<?> closing = threads.submit(library::close);
            Thread.sleep(300);
            assertThat(closing).isNotDone();
            assertThatThrownBy(() -> library.books().count()).isInstanceOf(LibraryClosedException.class);
            release.countDown();
            closing.get(30, TimeUnit.SECONDS);
            transaction.get(1, TimeUnit.SECONDS);
            assertThat(waiting.get(1, TimeUnit.SECONDS).title()).isEqualTo("called before close");
        } finally {
            release.countDown();
            threads.shutdownNow();
        }
        try (Library reopened = Library.open(LibrarySettings.builder().databaseUrl(url).build())) {
            assertThat(reopened.books().count()).isEqualTo(3);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aTransactionOutlivingTheCloseTimeoutFailsAsClosedAndCommitsNothing(Backend backend) throws Exception {
        String url = TestDatabases.newDatabaseUrl(backend);
        CountDownLatch inTransaction = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService threads = Executors.newSingleThreadExecutor();
        try {
            Library library = Library.open(LibrarySettings.builder().databaseUrl(url)
                    .closeTimeout(Duration.ofMillis(300)).build());
            Future<?> transaction = threads.submit(() -> library.useTransaction(tx -> {
                tx.books().create("never committed");
                inTransaction.countDown();
                await(release);
                tx.books().count();
            }));
            assertThat(inTransaction.await(30, TimeUnit.SECONDS)).isTrue();
            long start = System.nanoTime();
            library.close();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
            release.countDown();
            assertThatThrownBy(() -> transaction.get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(LibraryClosedException.class);
        } finally {
            release.countDown();
            threads.shutdownNow();
        }
        try (Library reopened = Library.open(LibrarySettings.builder().databaseUrl(url).build())) {
            assertThat(reopened.books().count()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void closeOnAnInterruptedThreadStillLetsAcceptedCallsFinishAndStopsEveryThread(Backend backend)
            throws Exception {
        Set<String> before = libraryThreads();
        Library library = Library.open(LibrarySettings.builder().databaseUrl(TestDatabases.newDatabaseUrl(backend))
                .build());
        List<CompletableFuture<List<Book>>> accepted = twentyBulkWrites(library);
        Thread.currentThread().interrupt(); // a finally after an InterruptedException, say
        library.close();
        assertThat(Thread.interrupted()).as("the caller keeps its interrupt").isTrue();
        for (CompletableFuture<List<Book>> call : accepted) {
            assertThat(call.get(1, TimeUnit.SECONDS)).hasSize(200);
        }

        // an interrupt that arrives while close() waits for the calls does not cut the wait short either
        Library second = Library.open(LibrarySettings.builder().databaseUrl(TestDatabases.newDatabaseUrl(backend))
                .build());
        accepted = twentyBulkWrites(second);
        // a call that lasts until the interrupt has landed: close() is still waiting then, however fast the rest
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Long> held = second.async().read(() -> {
            await(release);
            return 1L;
        });
        AtomicInteger keptInterrupt = new AtomicInteger();
        Thread closing = new Thread(() -> {
            second.close();
            keptInterrupt.set(Thread.interrupted() ? 1 : 0);
        });
        closing.start();
        long waiting = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (closing.getState() != Thread.State.WAITING && closing.getState() != Thread.State.TIMED_WAITING
                && System.nanoTime() < waiting) {
            Thread.sleep(5);
        }
        closing.interrupt();
        release.countDown();
        closing.join(30_000);
        assertThat(keptInterrupt).hasValue(1);
        assertThat(held.get(1, TimeUnit.SECONDS)).isEqualTo(1L);
        for (CompletableFuture<List<Book>> call : accepted) {
            assertThat(call.get(1, TimeUnit.SECONDS)).hasSize(200);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!before.containsAll(libraryThreads()) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(libraryThreads()).isSubsetOf(before);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void interruptsAtAnyMomentOfCloseLeaveNoLibraryThreadBehind(Backend backend) throws Exception {
        Set<String> before = libraryThreads();
        for (int round = 0; round < 5; round++) {
            Library library = Library.open(LibrarySettings.builder()
                    .databaseUrl(TestDatabases.newDatabaseUrl(backend)).build());
            library.books().create("book " + round);
            // calls enough to make the pool open more connections, so that it is still adding some at close
            for (int call = 0; call < 20; call++) {
                library.async().books().count();
            }
            AtomicInteger keptInterrupt = new AtomicInteger();
            Thread closing = new Thread(() -> {
                library.close();
                keptInterrupt.set(Thread.interrupted() ? 1 : 0);
            });
            closing.start();
            // interrupts all through close(), the pools' shutdown included: wherever one lands, nothing is cut short
            while (closing.isAlive()) {
                closing.interrupt();
                Thread.onSpinWait();
            }
            assertThat(keptInterrupt).hasValue(1);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!before.containsAll(libraryThreads()) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(libraryThreads()).isSubsetOf(before);
    }

    /** Twenty async bulk writes of 200 books each, accepted at once. */
    private static List<CompletableFuture<List<Book>>> twentyBulkWrites(Library library) {
        List<CompletableFuture<List<Book>>> accepted = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            List<NewBook> books = new ArrayList<>();
            for (int j = 0; j < 200; j++) {
                books.add(new NewBook("book " + i + "-" + j, List.of()));
            }
            accepted.add(library.async().books().createAll(books));
        }
        return accepted;
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void closeFromInsideAnAsyncCallbackDoesNotWaitForThatCall(Backend backend) throws Exception {
        Library library = Library.open(LibrarySettings.builder().databaseUrl(TestDatabases.newDatabaseUrl(backend))
                .closeTimeout(Duration.ofSeconds(3)).build());
        AtomicReference<Duration> closing = new AtomicReference<>();
        CompletableFuture<Long> call = library.async().inTransaction(tx -> {
            tx.books().create("written before close");
            long start = System.nanoTime();
            library.close();
            closing.set(Duration.ofNanos(System.nanoTime() - start));
            return 1L;
        });
        Throwable thrown = catchThrowable(() -> call.get(30, TimeUnit.SECONDS));
        assertThat(closing.get()).isLessThan(Duration.ofSeconds(2));
        // as a transaction of the closing thread's own: the pools closed under it, nothing committed
        assertThat(thrown).hasCauseInstanceOf(LibraryClosedException.class);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void closeFromADependentStageOrFromInsideACallReturnsOnceTheOtherCallsHaveEnded(Backend backend)
            throws Exception {
        // from a dependent stage, on the engine thread completing a call
        Library library = open(TestDatabases.newDatabaseUrl(backend), Duration.ofSeconds(6));
        CompletableFuture<Long> other = aRunningCall(library.async(), 500, () -> library.books().count());
        CountDownLatch gate = new CountDownLatch(1);
        CompletableFuture<Long> first = library.async().read(() -> {
            await(gate);
            return library.books().count();
        });
        AtomicReference<Duration> closing = new AtomicReference<>();
        CompletableFuture<Void> closer = first.thenAccept(count -> closing.set(timeClose(library)));
        gate.countDown();
        closer.get(60, TimeUnit.SECONDS);
        assertThat(other.get(1, TimeUnit.SECONDS)).isZero();
        // the other call ended about 0.5 s after close() began, with a close timeout of 6 s
        assertThat(closing.get()).isLessThan(Duration.ofSeconds(3));

        // from inside a call
        Library second = open(TestDatabases.newDatabaseUrl(backend), Duration.ofSeconds(6));
        other = aRunningCall(second.async(), 500, () -> second.books().count());
        CompletableFuture<Long> closingCall = second.async().read(() -> {
            closing.set(timeClose(second));
            return 0L;
        });
        assertThat(closingCall.get(60, TimeUnit.SECONDS)).isZero();
        assertThat(other.get(1, TimeUnit.SECONDS)).isZero();
        assertThat(closing.get()).isLessThan(Duration.ofSeconds(3));
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void callsThatTheCallersExecutorDroppedFailAtClose(Backend backend) throws Exception {
        ExecutorService mine = Executors.newFixedThreadPool(1);
        Library library = open(TestDatabases.newDatabaseUrl(backend), Duration.ofSeconds(1));
        AsyncLibrary view = library.async(mine);
        CompletableFuture<Long> running = aRunningCall(view, 1000, () -> 1L);
        // it has a permit of its own, and waits in the executor's queue behind the running call
        CompletableFuture<Long> waiting = view.books().count();
        assertThat(mine.shutdownNow()).hasSize(1);
        Duration closing = timeClose(library);
        assertThat(catchThrowable(() -> waiting.get(5, TimeUnit.SECONDS)))
                .hasCauseInstanceOf(LibraryClosedException.class);
        running.handle((value, failure) -> value).get(5, TimeUnit.SECONDS); // shutdownNow interrupted it, or not
        // the close timeout (1 s), not that and the 5 s more that cancelled running calls get to stop
        assertThat(closing).isLessThan(Duration.ofSeconds(4));
    }

    private static Library open(String url, Duration closeTimeout) {
        return Library.open(LibrarySettings.builder().databaseUrl(url).closeTimeout(closeTimeout).build());
    }

    /** How long {@code library.close()} took. */
    private static Duration timeClose(Library library) {
        long start = System.nanoTime();
        library.close();
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** A call of {@code async} that has started, runs about {@code millis} ms, then does {@code last}. */
    private static <T> CompletableFuture<T> aRunningCall(AsyncLibrary async, long millis, Supplier<T> last) {
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<T> call = async.write(() -> {
            started.countDown();
            Sleep.millis(millis);
            return last.get();
        });
        await(started);
        return call;
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void onceCloseHasBegunNoViewAndNoSynchronousCallAcceptsNewWork(Backend backend) throws Exception {
        String url = TestDatabases.newDatabaseUrl(backend);
        ExecutorService mine = Executors.newCachedThreadPool();
        List<String> late = List.of("first view", "sync", "second view");
        try {
            Library library = open(url, Duration.ofSeconds(10));
            AsyncLibrary first = library.async();
            AsyncLibrary second = library.async(mine);
            // accepted before close: its units of work still run while the library closes
            CompletableFuture<Book> accepted = aRunningCall(first, 1500,
                    () -> library.books().create("accepted before close"));
            Thread closer = new Thread(library::close, "closer");
            closer.start();
            Sleep.millis(300);
            assertThat(closer.isAlive()).as("close() waits for the accepted call").isTrue();
            assertThat(catchThrowable(() -> first.authors().create(late.get(0)).get(10, TimeUnit.SECONDS)))
                    .hasCauseInstanceOf(LibraryClosedException.class);
            assertThatThrownBy(() -> library.authors().create(late.get(1)))
                    .isInstanceOf(LibraryClosedException.class);
            assertThat(catchThrowable(() -> second.authors().create(late.get(2)).get(10, TimeUnit.SECONDS)))
                    .hasCauseInstanceOf(LibraryClosedException.class);
            closer.join(30_000);
            assertThat(accepted.get(1, TimeUnit.SECONDS).title()).isEqualTo("accepted before close");
        } finally {
            mine.shutdownNow();
        }
        try (Library reopened = Library.open(LibrarySettings.builder().databaseUrl(url).build())) {
            for (String name : late) {
                assertThat(reopened.authors().findByName(name)).as(name).isEmpty();
            }
            assertThat(reopened.books().count()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aConcurrentSecondCloseReturnsOnlyOnceTheFirstHasFinished(Backend backend) throws Exception {
        Library library = open(TestDatabases.newDatabaseUrl(backend), Duration.ofSeconds(10));
        CompletableFuture<Author> accepted = aRunningCall(library.async(), 1000,
                () -> library.authors().create("accepted before close"));
        Thread first = new Thread(library::close, "first-closer");
        first.start();
        Sleep.millis(100);
        library.close(); // a shutdown hook, say, while the application's own close() runs
        boolean acceptedDone = accepted.isDone();
        first.join(30_000);
        assertThat(accepted.get(1, TimeUnit.SECONDS).name()).isEqualTo("accepted before close");
        assertThat(acceptedDone).as("the accepted call had finished when the second close() returned").isTrue();
    }

    /** The live threads of the library and its pools. */
    private static Set<String> libraryThreads() {
        Set<String> names = new HashSet<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("elibrary")) {
                names.add(thread.getName() + "#" + thread.getId());
            }
        }
        return names;
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void idleCachedStatementsHoldNoSqliteSnapshot() throws Exception {
        String url = TestDatabases.newSqliteUrl();
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(url).build())) {
            Book book = library.books().createWithAuthors("Война и мир", List.of("Толстой")).book();
            for (int i = 0; i < 50; i++) {
                library.books().findDetails(book.id());
                library.books().searchByTitle("ВОЙ", 5);
                library.books().listAfter(0, 10);
                library.counts();
                library.comments().add(library.users().create("u" + i).id(), book.id(), "c");
            }
            try (var connection = DriverManager.getConnection(url);
                 var statement = connection.createStatement();
                 ResultSet checkpoint = statement.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                assertThat(checkpoint.next()).isTrue();
                assertThat(checkpoint.getInt(1)).as("checkpoint blocked by an open read").isZero();
            }
        }
    }
}
