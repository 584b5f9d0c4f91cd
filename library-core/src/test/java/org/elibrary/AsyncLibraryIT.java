package org.elibrary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.elibrary.domain.Author;
import org.elibrary.domain.Book;
import org.elibrary.domain.BookDetails;
import org.elibrary.domain.BookWithAuthors;
import org.elibrary.domain.CatalogCounts;
import org.elibrary.domain.NewBook;
import org.elibrary.domain.NewComment;
import org.elibrary.domain.User;
import org.elibrary.testing.Sleep;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The asynchronous facade over a real SQLite file and a real PostgreSQL database, under real concurrency. */
class AsyncLibraryIT {
    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final String THREAD_PREFIX = "elibrary-async-";

    private static Library open(String url) {
        return Library.open(LibrarySettings.builder().databaseUrl(url).build());
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void sixtyFourConcurrentCallersMixingReadsAndWritesEndWithExactlyTheExpectedRows(Backend backend)
            throws InterruptedException {
        int callers = 64;
        Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
        Set<Thread> callerThreads = ConcurrentHashMap.newKeySet();
        Set<String> workThreads = ConcurrentHashMap.newKeySet();
        Set<String> stageThreads = ConcurrentHashMap.newKeySet();
        AtomicInteger threadCounter = new AtomicInteger();
        ExecutorService callerPool = Executors.newFixedThreadPool(callers, runnable -> {
            Thread thread = new Thread(runnable, "caller-" + threadCounter.incrementAndGet());
            callerThreads.add(thread);
            return thread;
        });
        try (Library library = open(TestDatabases.newDatabaseUrl(backend))) {
            AsyncLibrary async = library.async();
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Void>> callerResults = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                int n = i;
                callerResults.add(CompletableFuture.runAsync(() -> {
                    await(go);
                    try {
                        oneCaller(async, n, workThreads, stageThreads);
                    } catch (Throwable t) {
                        errors.add(t);
                    }
                }, callerPool));
            }
            go.countDown();
            assertThat(CompletableFuture.allOf(callerResults.toArray(CompletableFuture[]::new)))
                    .succeedsWithin(BOUND);

            assertThat(errors).as("errors (SQLite must never report 'database is locked')").isEmpty();
            CatalogCounts counts = async.counts().get(60, TimeUnit.SECONDS);
            assertThat(counts).isEqualTo(new CatalogCounts(2L * callers, callers, 2L * callers, callers, 3L * callers));
            for (int i = 0; i < callers; i++) {
                BookDetails details = async.books().findByTitle("book-" + i)
                        .thenCompose(book -> async.books().findDetails(book.orElseThrow().id()))
                        .get(60, TimeUnit.SECONDS).orElseThrow();
                assertThat(details.authors()).extracting("name")
                        .containsExactlyInAnyOrder("author-" + i, "tx-author-" + i);
                assertThat(details.comments()).extracting("username").containsOnly("user-" + i).hasSize(3);
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            callerPool.shutdownNow();
        }
        // JDBC ran on the library's threads only: never a caller's, never the common pool
        Set<String> callerNames = callerThreads.stream().map(Thread::getName).collect(Collectors.toSet());
        assertThat(workThreads).isNotEmpty().allSatisfy(name -> assertThat(name).startsWith(THREAD_PREFIX));
        assertThat(stageThreads).isNotEmpty().allSatisfy(name ->
                assertThat(name.startsWith(THREAD_PREFIX) || callerNames.contains(name)).as(name).isTrue());
        assertThat(stageThreads).noneMatch(name -> name.contains("ForkJoinPool"));
    }

    private static void oneCaller(AsyncLibrary async, int n, Set<String> workThreads, Set<String> stageThreads) {
        CompletableFuture<User> user = async.users().create("user-" + n);
        CompletableFuture<BookWithAuthors> book = async.books().createWithAuthors("book-" + n, List.of("author-" + n));
        CompletableFuture<Long> before = async.books().count();
        user.thenApply(u -> stageThreads.add(Thread.currentThread().getName()));
        long userId = user.join().id();
        long bookId = book.join().book().id();
        assertThat(before.join()).isBetween(0L, 64L);

        List<CompletableFuture<?>> calls = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            calls.add(async.comments().add(userId, bookId, "comment " + c + " by user-" + n));
            calls.add(async.books().searchByTitle("book-" + n, 100));
            calls.add(async.users().findByUsername("user-" + n)
                    .thenApply(found -> {
                        stageThreads.add(Thread.currentThread().getName());
                        return found.orElseThrow();
                    }));
        }
        calls.add(async.inTransaction(tx -> {
            workThreads.add(Thread.currentThread().getName());
            if (Thread.currentThread() instanceof ForkJoinWorkerThread) {
                throw new AssertionError("JDBC on a fork-join thread");
            }
            long authorId = tx.authors().create("tx-author-" + n).id();
            tx.books().linkAuthor(bookId, authorId);
            return authorId;
        }));
        calls.add(async.counts());
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
        assertThat(async.comments().listForBook(bookId).join()).hasSize(3);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void closeUnderLoadLosesNothingAcknowledgedAndLaterCallsFailFast(Backend backend) throws Exception {
        String url = TestDatabases.newDatabaseUrl(backend);
        Set<Thread> asyncThreadsBefore = liveAsyncThreads();
        Set<Thread> workers = ConcurrentHashMap.newKeySet();
        Map<String, CompletableFuture<User>> submitted = new ConcurrentHashMap<>();
        AtomicInteger acknowledged = new AtomicInteger();
        AtomicBoolean sawClosed = new AtomicBoolean();
        Library library = open(url);
        AsyncLibrary async = library.async();
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            int writer = t;
            Thread thread = new Thread(() -> {
                for (int n = 0; ; n++) {
                    List<CompletableFuture<User>> batch = new ArrayList<>();
                    for (int b = 0; b < 4; b++) {
                        String username = "load-" + writer + "-" + n + "-" + b;
                        CompletableFuture<User> future = b == 0
                                ? async.inTransaction(tx -> {
                                    workers.add(Thread.currentThread());
                                    return tx.users().create(username);
                                })
                                : async.users().create(username);
                        submitted.put(username, future);
                        future.thenRun(acknowledged::incrementAndGet);
                        batch.add(future);
                    }
                    try {
                        CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).join();
                    } catch (CompletionException e) {
                        sawClosed.set(true);
                        return; // the library closed under us
                    }
                }
            }, "load-writer-" + t);
            thread.start();
            writers.add(thread);
        }
        waitUntil(() -> acknowledged.get() >= 300);

        library.close();

        for (Thread writer : writers) {
            writer.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(writer.isAlive()).isFalse();
        }
        assertThat(sawClosed).isTrue();
        Set<String> committed = new java.util.HashSet<>();
        submitted.forEach((username, future) -> {
            assertThat(future).as("every accepted call is settled by close()").isDone();
            if (future.isCompletedExceptionally()) {
                assertThat(future).failsWithin(Duration.ZERO).withThrowableThat()
                        .havingCause().isInstanceOf(LibraryClosedException.class);
            } else {
                committed.add(username);
            }
        });
        assertThat(committed).hasSizeGreaterThanOrEqualTo(300);

        CompletableFuture<User> late = async.users().create("too-late");
        assertThat(late).isCompletedExceptionally();
        assertThat(late).failsWithin(Duration.ZERO).withThrowableThat()
                .havingCause().isInstanceOf(LibraryClosedException.class).withMessageContaining("closed");
        assertThat(library.async().counts()).isCompletedExceptionally();

        Set<Thread> leftover = liveAsyncThreads();
        leftover.removeAll(asyncThreadsBefore);
        assertThat(leftover).as("executor threads outliving the library").isEmpty();
        assertThat(workers).isNotEmpty().allSatisfy(thread -> assertThat(thread.isAlive()).isFalse());

        try (Library reopened = open(url)) {
            // every acknowledged write is there, and nothing that was reported as failed
            assertThat(reopened.users().count()).isEqualTo(committed.size());
            for (String username : committed) {
                assertThat(reopened.users().findByUsername(username)).as(username).isPresent();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aTimeoutCancelsTheLongStatementRollsBackAndTheConnectionStaysUsable(Backend backend) {
        try (Library library = open(TestDatabases.newDatabaseUrl(backend))) {
            AsyncLibrary quick = library.async().withTimeout(Duration.ofSeconds(1));
            assertThat(quick.timeout()).isEqualTo(Duration.ofSeconds(1));
            long start = System.nanoTime();

            CompletableFuture<Long> write = quick.inTransaction(tx -> {
                tx.authors().create("Timeout Victim");
                return longStatement(library, backend);
            });

            assertThat(write).failsWithin(BOUND).withThrowableThat()
                    .havingCause().isInstanceOf(DatabaseUnavailableException.class)
                    .withMessageStartingWith("statement timed out after 1s");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));

            CompletableFuture<Long> read = quick.read(() -> longStatement(library, backend));
            assertThat(read).failsWithin(BOUND).withThrowableThat()
                    .havingCause().isInstanceOf(DatabaseUnavailableException.class)
                    .withMessageStartingWith("statement timed out after 1s");

            // rolled back, and the (on SQLite: single) writer connection serves the next write
            assertThat(library.async().authors().findByName("Timeout Victim")).succeedsWithin(BOUND)
                    .isEqualTo(java.util.Optional.empty());
            assertThat(library.async().authors().create("After The Timeout")).succeedsWithin(BOUND);
            assertThat(library.authors().count()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aTimeoutAlsoStopsStatementsOnThePhysicalConnection(Backend backend) {
        // The catalog keeps its statements prepared on the physical connection, out of sight of the async
        // facade's statement tracking: a cancel must reach that connection instead (SQLite: an interrupt;
        // PostgreSQL: a cancel request).
        try (Library library = open(TestDatabases.newDatabaseUrl(backend))) {
            library.authors().create("Before");
            AsyncLibrary quick = library.async().withTimeout(Duration.ofSeconds(1));

            CompletableFuture<Long> write = quick.inTransaction(tx -> {
                tx.authors().create("Timeout Victim");
                return longStatement(library, backend, true);
            });
            assertThat(write).failsWithin(BOUND).withThrowableThat()
                    .havingCause().isInstanceOf(DatabaseUnavailableException.class)
                    .withMessageStartingWith("statement timed out after 1s");

            CompletableFuture<Long> read = quick.read(() -> longStatement(library, backend, true));
            assertThat(read).failsWithin(BOUND).withThrowableThat()
                    .havingCause().isInstanceOf(DatabaseUnavailableException.class)
                    .withMessageStartingWith("statement timed out after 1s");

            assertThat(library.async().authors().findByName("Timeout Victim")).succeedsWithin(BOUND)
                    .isEqualTo(java.util.Optional.empty());
            assertThat(library.async().authors().create("After The Timeout")).succeedsWithin(BOUND);
            assertThat(library.async().authors().findByName("Before")).succeedsWithin(BOUND)
                    .satisfies(found -> assertThat(found).isPresent());
            assertThat(library.authors().count()).isEqualTo(2);
        }
    }

    @Test
    void aTimedOutCallStaysCancellableAfterItsSavepointWasRolledBack() throws Exception {
        // PostgreSQL: a catalog statement waiting for a row lock (SQLite has none to wait for)
        try (Library library = open(TestDatabases.newPostgresUrl())) {
            long a = library.authors().create("A").id();
            long b = library.authors().create("B").id();
            CountDownLatch locked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Void> blocker = CompletableFuture.runAsync(() -> {
                try {
                    library.inTransaction(tx -> {
                        tx.authors().rename(a, "A held");
                        tx.authors().rename(b, "B held");
                        locked.countDown();
                        await(release);
                        throw new IllegalStateException("roll back on purpose");
                    });
                } catch (IllegalStateException expected) {
                    // rolled back
                }
            });
            await(locked);
            AtomicReference<Throwable> nested = new AtomicReference<>();
            long start = System.nanoTime();
            CompletableFuture<Author> call = library.async().withTimeout(Duration.ofSeconds(1)).inTransaction(tx -> {
                try {
                    tx.inTransaction(inner -> inner.authors().rename(a, "A new")); // waits for A's row lock
                } catch (LibraryException e) {
                    nested.set(e); // the timeout cancelled it; a fallback path goes on without it
                }
                return tx.authors().rename(b, "B new"); // would wait for B's row lock
            });

            assertThat(call).failsWithin(BOUND).withThrowableThat().havingCause()
                    .isInstanceOf(DatabaseUnavailableException.class)
                    .withMessageStartingWith("statement timed out after 1s");
            // the blocker holds its locks for a minute: only the cancel ends the call
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
            assertThat(nested.get()).isInstanceOf(DatabaseUnavailableException.class);
            release.countDown();
            assertThat(blocker).succeedsWithin(BOUND);
            assertThat(library.authors().findById(b)).hasValueSatisfying(author ->
                    assertThat(author.name()).isEqualTo("B"));
        }
    }

    /** A statement that runs for minutes unless cancelled, through the catalog's own execution path. */
    private static long longStatement(Library library, Backend backend) {
        return longStatement(library, backend, false);
    }

    /**
     * The same, on the connection the unit of work hands out or, with {@code physical}, on the driver's
     * connection behind it (where the catalog keeps its prepared statements).
     */
    private static long longStatement(Library library, Backend backend, boolean physical) {
        String sql = backend == Backend.POSTGRESQL
                ? "SELECT 1 FROM pg_sleep(60)"
                : "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000000000)"
                        + " SELECT count(*) FROM c";
        return library.sessions().read(null, uow -> {
            Connection connection = !physical ? uow.connection()
                    : backend == Backend.SQLITE ? uow.connection().unwrap(org.sqlite.SQLiteConnection.class)
                    : uow.connection().unwrap(org.postgresql.jdbc.PgConnection.class);
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery(sql)) {
                rows.next();
                return rows.getLong(1);
            }
        });
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aFutureFailedByOrTimeoutCancelsItsCallWhichThenCommitsNothing(Backend backend) throws Exception {
        // orTimeout fails the call's own future: the call must not go on and commit behind it
        try (Library library = open(TestDatabases.newDatabaseUrl(backend))) {
            CountDownLatch holding = new CountDownLatch(1);
            // another thread's transaction holds the writer (SQLite) or the unique key (PostgreSQL) for a
            // while, then rolls back: the async write waits behind it
            CompletableFuture<Void> blocker = CompletableFuture.runAsync(() -> {
                try {
                    library.inTransaction(tx -> {
                        tx.authors().create("Contested");
                        holding.countDown();
                        Sleep.millis(800);
                        throw new IllegalStateException("roll back on purpose");
                    });
                } catch (IllegalStateException expected) {
                    // rolled back
                }
            });
            await(holding);

            CompletableFuture<Author> write = library.async().authors().create("Contested")
                    .orTimeout(150, TimeUnit.MILLISECONDS);

            assertThat(write).failsWithin(BOUND).withThrowableThat().havingCause()
                    .isInstanceOf(java.util.concurrent.TimeoutException.class);
            assertThat(blocker).succeedsWithin(BOUND);
            // the cancelled call unwinds once the blocker has rolled back; a later write on the same lane
            // (SQLite: after it, on the one writer) and some time on PostgreSQL let it finish if it would
            assertThat(library.async().authors().create("After")).succeedsWithin(BOUND);
            Thread.sleep(1000);
            assertThat(library.authors().findByName("Contested")).isEmpty();
            assertThat(library.authors().count()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aWriteCancelledBeforeItStartsNeverRuns(Backend backend) throws InterruptedException {
        try (Library library = open(TestDatabases.newDatabaseUrl(backend))) {
            AsyncLibrary async = library.async();
            CountDownLatch gate = new CountDownLatch(1);
            List<CompletableFuture<Object>> blockers = occupyTheWriteLane(library, gate);
            CompletableFuture<User> ghost = async.users().create("ghost");

            assertThat(ghost.cancel(true)).isTrue();
            CompletableFuture<User> after = async.users().create("after-ghost");
            gate.countDown();

            assertThat(after).succeedsWithin(BOUND);
            blockers.forEach(blocker -> assertThat(blocker).succeedsWithin(BOUND));
            assertThat(library.users().findByUsername("ghost")).isEmpty();
            assertThat(library.users().count()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void failuresCompleteTheFutureWithTheSynchronousExceptionTypes(Backend backend) {
        try (Library library = open(TestDatabases.newDatabaseUrl(backend))) {
            AsyncLibrary async = library.async();
            assertThat(async.users().create("anna")).succeedsWithin(BOUND);

            assertThat(async.users().create("anna")).failsWithin(BOUND).withThrowableThat()
                    .havingCause().isInstanceOf(DuplicateException.class).withMessageContaining("anna");
            assertThat(async.books().create(" ")).failsWithin(BOUND).withThrowableThat()
                    .havingCause().isInstanceOf(InvalidInputException.class);
            assertThat(async.comments().add(999_999L, 999_999L, "hello")).failsWithin(BOUND).withThrowableThat()
                    .havingCause().isInstanceOf(NotFoundException.class);
            CompletableFuture<Object> rolledBack = async.inTransaction(tx -> {
                tx.users().create("inside");
                throw new IllegalStateException("changed my mind");
            });
            assertThat(rolledBack).failsWithin(BOUND).withThrowableThat()
                    .havingCause().isInstanceOf(IllegalStateException.class).withMessage("changed my mind");
            assertThat(library.users().findByUsername("inside")).isEmpty();
            IOException io = new IOException("thrown sneakily");
            CompletableFuture<Object> checked = async.inTransaction(tx -> {
                tx.users().create("inside");
                return TransactionIT.sneakyThrow(io);
            });
            assertThat(checked).failsWithin(BOUND).withThrowableThat().havingCause().isSameAs(io);
            assertThat(library.users().findByUsername("inside")).isEmpty();
            assertThat(async.books().linkAuthor(1L, 1L)).failsWithin(BOUND).withThrowableThat()
                    .havingCause().isInstanceOf(NotFoundException.class);
        }
    }

    /**
     * Work that throws a CancellationException of its own fails its future with it: nobody cancelled the call,
     * so the future must not look cancelled (stages and callers checking isCancelled() would think so).
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void workThatThrowsACancellationExceptionFailsTheFutureWithoutCancellingIt(Backend backend) throws Exception {
        try (Library library = open(TestDatabases.newDatabaseUrl(backend))) {
            java.util.concurrent.CancellationException own =
                    new java.util.concurrent.CancellationException("the work gave up");
            CompletableFuture<Object> call = library.async().inTransaction(tx -> {
                tx.users().create("inside");
                throw own;
            });

            assertThat(call).failsWithin(BOUND).withThrowableThat().havingCause().isSameAs(own);
            assertThat(call.isCancelled()).as("isCancelled()").isFalse();
            assertThat(call.isCompletedExceptionally()).isTrue();
            assertThat(catchThrowable(call::join)).isInstanceOf(CompletionException.class).hasCause(own);
            // what a dependent stage sees: the same as for any other exception of the work
            Throwable seenByStage = call.thenApply(value -> value).handle((value, failure) -> failure)
                    .get(60, TimeUnit.SECONDS);
            assertThat(seenByStage).isInstanceOf(CompletionException.class).hasCause(own);
            assertThat(library.users().findByUsername("inside")).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aCallMadeAndAwaitedInATransactionOfAStageOnALibraryThreadRunsOutsideIt(Backend backend) {
        // a call made from a stage on a library thread is held for that thread (chained calls cost no
        // hand-off); waiting for it there must neither wait for itself nor run it inside the stage's transaction
        try (Library library = open(TestDatabases.newDatabaseUrl(backend))) {
            AsyncLibrary async = library.async();
            CountDownLatch gate = new CountDownLatch(1);
            CompletableFuture<String> first = async.inTransaction(tx -> {
                await(gate);
                return "first";
            });
            // registered while the first call runs: the stage runs on its thread when it completes
            CompletableFuture<Optional<Book>> seenFromInside = first.thenApply(value -> library.inTransaction(tx -> {
                tx.books().create("not yet committed");
                // another connection, outside this transaction: it cannot see the book
                return async.books().findByTitle("not yet committed").join();
            }));
            gate.countDown();

            assertThat(seenFromInside).succeedsWithin(BOUND).isEqualTo(Optional.empty());
            assertThat(library.books().findByTitle("not yet committed")).isPresent();
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aCallerSuppliedExecutorRunsTheCallsAndOutlivesTheLibrary(Backend backend) {
        AtomicInteger counter = new AtomicInteger();
        ExecutorService mine = Executors.newFixedThreadPool(4, runnable ->
                new Thread(runnable, "app-pool-" + counter.incrementAndGet()));
        try {
            try (Library library = open(TestDatabases.newDatabaseUrl(backend))) {
                AsyncLibrary async = library.async(mine);
                CompletableFuture<String> thread = async.inTransaction(tx -> {
                    tx.users().create("pooled");
                    return Thread.currentThread().getName();
                });
                assertThat(thread).succeedsWithin(BOUND).asString().startsWith("app-pool-");
                assertThat(async.users().findByUsername("pooled")).succeedsWithin(BOUND)
                        .satisfies(user -> assertThat(user).isPresent());
            }
            assertThat(mine.isShutdown()).isFalse();
        } finally {
            mine.shutdownNow();
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aCallWritesTheCollectionsAsTheyWereWhenItWasMade(Backend backend) {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        GatedExecutor gate = new GatedExecutor(pool);
        try (Library library = open(TestDatabases.newDatabaseUrl(backend))) {
            long authorId = library.authors().create("Пушкин").id();
            long userId = library.users().create("anna").id();
            long bookId = library.books().create("Онегин").id();
            AsyncLibrary async = library.async(gate);
            List<String> names = new ArrayList<>(List.of("Толстой", "Чехов"));
            List<String> usernames = new ArrayList<>(List.of("boris"));
            List<Long> authorIds = new ArrayList<>(List.of(authorId));
            List<NewBook> books = new ArrayList<>(List.of(new NewBook("Сказки", List.of(authorId))));
            List<NewComment> comments = new ArrayList<>(List.of(new NewComment(userId, bookId, "Прекрасно")));
            List<String> authorNames = new ArrayList<>(List.of("Гоголь"));
            List<CompletableFuture<?>> calls = List.of(async.authors().createAll(names),
                    async.users().createAll(usernames), async.books().createAll(books),
                    async.comments().addAll(comments), async.books().createWithAuthorIds("Стихи", authorIds),
                    async.books().createWithAuthors("Нос", authorNames));
            // the caller reuses its collections before any call has run (the gate holds them all)
            names.set(0, "Someone else");
            usernames.clear();
            authorIds.clear();
            books.clear();
            comments.add(new NewComment(userId, bookId, "extra"));
            authorNames.set(0, "Nobody");
            gate.open();
            assertThat(CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))).succeedsWithin(BOUND);
            assertThat(library.authors().findByName("Толстой")).isPresent();
            assertThat(library.authors().findByName("Someone else")).isEmpty();
            assertThat(library.users().findByUsername("boris")).isPresent();
            assertThat(library.books().findByTitle("Сказки")).isPresent();
            assertThat(library.books().findDetails(bookId).orElseThrow().comments()).hasSize(1);
            assertThat(library.books().findWithAuthors(library.books().findByTitle("Стихи").orElseThrow().id())
                    .orElseThrow().authors()).extracting(a -> a.name()).containsExactly("Пушкин");
            assertThat(library.authors().findByName("Гоголь")).isPresent();
            assertThat(library.authors().findByName("Nobody")).isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    /** Holds the tasks given to it until opened, then runs them (and every later one) on {@code target}. */
    private static final class GatedExecutor implements java.util.concurrent.Executor {
        private final ExecutorService target;
        private final List<Runnable> held = new ArrayList<>();
        private boolean open;

        GatedExecutor(ExecutorService target) {
            this.target = target;
        }

        @Override
        public synchronized void execute(Runnable task) {
            if (open) {
                target.execute(task);
            } else {
                held.add(task);
            }
        }

        synchronized void open() {
            open = true;
            held.forEach(target::execute);
            held.clear();
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void pastTheQueueBoundCallsFailAtOnceNamingTheCapacity(Backend backend) throws InterruptedException {
        LibrarySettings settings = LibrarySettings.builder().databaseUrl(TestDatabases.newDatabaseUrl(backend))
                .set(LibrarySettings.ASYNC_QUEUE_CAPACITY, "2").build();
        try (Library library = Library.open(settings)) {
            thenTheThirdQueuedCallIsRefused(library);
        }
    }

    /** On a caller's pool the builder bounds the queue as ASYNC_QUEUE_CAPACITY does (else 1000 would wait). */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void onACallersDataSourceTheBuildersQueueCapacityBoundsTheQueue(Backend backend) throws InterruptedException {
        try (HikariDataSource pool = TestDatabases.pool(TestDatabases.newDatabaseUrl(backend), 2);
             Library library = Library.builder(pool).asyncQueueCapacity(2).open()) {
            thenTheThirdQueuedCallIsRefused(library);
        }
    }

    /** With every permit taken and a queue capacity of 2: two calls wait, the third fails at once. */
    private static void thenTheThirdQueuedCallIsRefused(Library library) throws InterruptedException {
        AsyncLibrary async = library.async();
        CountDownLatch gate = new CountDownLatch(1);
        List<CompletableFuture<Object>> blockers = occupyTheWriteLane(library, gate);
        CompletableFuture<User> first = async.users().create("queued-1");
        CompletableFuture<User> second = async.users().create("queued-2");

        CompletableFuture<User> refused = async.users().create("refused");

        assertThat(refused).isCompletedExceptionally();
        assertThat(refused).failsWithin(Duration.ZERO).withThrowableThat()
                .havingCause().isInstanceOf(LibraryOverloadedException.class)
                .withMessageContaining("queue is full").withMessageContaining("capacity 2")
                .satisfies(e -> assertThat(((LibraryOverloadedException) e).queueCapacity())
                        .isEqualTo(2));
        gate.countDown();
        assertThat(first).succeedsWithin(BOUND);
        assertThat(second).succeedsWithin(BOUND);
        blockers.forEach(blocker -> assertThat(blocker).succeedsWithin(BOUND));
        assertThat(library.users().findByUsername("refused")).isEmpty();
        assertThat(async.users().create("after-the-rush")).succeedsWithin(BOUND);
    }

    /**
     * Occupies every permit of the write lane (1 on SQLite, the pool on PostgreSQL) without a connection, until
     * {@code gate} opens; returns once all of them run.
     */
    private static List<CompletableFuture<Object>> occupyTheWriteLane(Library library, CountDownLatch gate)
            throws InterruptedException {
        int permits = library.database().serialisesWrites() ? 1 : library.database().readConcurrency();
        CountDownLatch started = new CountDownLatch(permits);
        List<CompletableFuture<Object>> blockers = new ArrayList<>();
        for (int i = 0; i < permits; i++) {
            blockers.add(library.async().write(() -> {
                started.countDown();
                await(gate);
                return null;
            }));
        }
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        return blockers;
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void closePastItsTimeoutCancelsWhatStillRunsAndCommitsNothingOfIt(Backend backend)
            throws InterruptedException {
        String url = TestDatabases.newDatabaseUrl(backend);
        LibrarySettings settings = LibrarySettings.builder().databaseUrl(url)
                .set(LibrarySettings.ASYNC_CLOSE_TIMEOUT, "500ms")
                .set(LibrarySettings.DATABASE_STATEMENT_TIMEOUT, "0s") // no limit: only close can stop it
                .build();
        thenClosePastItsTimeoutCancelsTheLongCall(Library.open(settings), url, backend);
    }

    /** On a caller's pool the builder's close timeout and statement timeout act as the settings' do. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void onACallersDataSourceTheBuildersCloseTimeoutBoundsTheClose(Backend backend) throws InterruptedException {
        String url = TestDatabases.newDatabaseUrl(backend);
        try (HikariDataSource pool = TestDatabases.pool(url, 2)) {
            thenClosePastItsTimeoutCancelsTheLongCall(Library.builder(pool).asyncCloseTimeout(Duration.ofMillis(500))
                    .statementTimeout(Duration.ZERO).open(), url, backend);
        }
    }

    /**
     * A library whose close timeout is 500 ms and whose calls have no time limit: its close cancels a call
     * running a long statement after 500 ms (not the 10 s default), and nothing of that call is committed.
     */
    private static void thenClosePastItsTimeoutCancelsTheLongCall(Library library, String url, Backend backend)
            throws InterruptedException {
        AsyncLibrary async = library.async();
        assertThat(async.timeout()).isZero();
        CountDownLatch running = new CountDownLatch(1);
        CompletableFuture<Long> doomed = async.inTransaction(tx -> {
            tx.users().create("doomed");
            running.countDown();
            return longStatement(library, backend);
        });
        assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<User> behind = async.users().create("behind");

        long start = System.nanoTime();
        library.close();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
        assertThat(doomed).failsWithin(Duration.ZERO).withThrowableThat()
                .havingCause().isInstanceOf(LibraryClosedException.class)
                .withMessageContaining("closed before this call finished");
        assertThat(behind).isDone();
        try (Library reopened = open(url)) {
            assertThat(reopened.users().findByUsername("doomed")).isEmpty();
            // on SQLite "behind" waited for the writer and never ran; on PostgreSQL it ran beside: either
            // way, its future tells the truth
            assertThat(reopened.users().findByUsername("behind").isPresent())
                    .isEqualTo(!behind.isCompletedExceptionally());
        }
    }

    private static Set<Thread> liveAsyncThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith(THREAD_PREFIX) && thread.isAlive())
                .collect(Collectors.toCollection(java.util.HashSet::new));
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 60s").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch never opened");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
