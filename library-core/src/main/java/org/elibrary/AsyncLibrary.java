package org.elibrary;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.elibrary.domain.CatalogCounts;
import org.elibrary.internal.async.AsyncEngine;
import org.elibrary.internal.db.Database;
import org.elibrary.internal.session.Sessions;
import org.elibrary.internal.session.Validation;

/**
 * The asynchronous view of a {@link Library}, obtained from {@link Library#async()}: the same verbs with the
 * same names and parameters ({@code async.books().findById(id)}), each returning a {@link CompletableFuture}.
 *
 * <pre>{@code
 * AsyncLibrary async = library.async();
 * CompletableFuture<Book> book = async.books().create("Война и мир");
 * CompletableFuture<BookWithAuthors> withAuthors = async.inTransaction(tx -> {
 *     Book b = tx.books().create("Анна Каренина");
 *     tx.books().linkAuthor(b.id(), tx.authors().create("Лев Толстой").id());
 *     return tx.books().findWithAuthors(b.id()).orElseThrow();
 * });
 * }</pre>
 *
 * <p><b>Threads.</b> Calls run on the library's executor, never on the caller's thread and never on
 * {@code ForkJoinPool.commonPool()}: virtual threads on JDK 21 and later, platform threads on Java 17, all
 * named {@code elibrary-async-N} (or on the caller's executor, see {@link Library#async(Executor)}). At most
 * as many calls run at once as the library has connections; on SQLite, writes additionally queue for the
 * single writer connection in submission order while reads run beside them. A future completes on the thread
 * that ran its call, after the call has released its connection, so non-async dependent stages
 * ({@code thenApply}) run there; they should not block. A call made from such a stage (the next step of a
 * chain, {@code thenCompose(...)}) runs on that same library thread once the stage has returned, when a
 * connection is free: chaining calls costs no thread hand-off, where blocking in {@code join()} per call
 * does.
 *
 * <p><b>Arguments.</b> A call takes a copy of the collections passed to it when it is made: the caller may
 * reuse or change them at once.
 *
 * <p><b>Results and failures.</b> A future that completed normally means the call's work is committed. A
 * failed future means nothing of the call was committed; its exception (the cause of the
 * {@code CompletionException} thrown by {@code join()}) is the one the synchronous method throws, or:
 * <ul>
 *   <li>{@link LibraryOverloadedException} at once, without running the call, when the bounded queue of
 *       waiting calls is full ({@link LibrarySettings#asyncQueueCapacity()}, {@code ASYNC_QUEUE_CAPACITY}, 1000
 *       by default, or {@link Library.Builder#asyncQueueCapacity(int)}), or when the executor of a view made by
 *       {@link Library#async(Executor)} throws instead of taking the call (whatever it throws, which is the
 *       exception's cause);</li>
 *   <li>{@link DatabaseUnavailableException} ("statement timed out after 30s") when the call ran longer than
 *       its {@linkplain #timeout() timeout}: its running statement was cancelled and its transaction rolled
 *       back. A call that had already failed on its own (a duplicate, its work's own exception, an outage such as
 *       a lock held by another program past {@code SQLITE_BUSY_TIMEOUT}) when its
 *       timeout fired fails with that failure, not as timed out;</li>
 *   <li>{@link LibraryClosedException} when the library was closed before the call could run or finish;</li>
 *   <li>{@link SelfDeadlockException} without running the call, for a write awaited on SQLite by a thread
 *       inside a transaction of the library (on a pool of one connection, on either database, any call): at
 *       once, or after about a second for a wait through a future the library did not make (see
 *       Transactions).</li>
 * </ul>
 * The one failure that does not mean nothing was committed: a {@link DatabaseUnavailableException} whose
 * message says the outcome is unknown, when the connection broke (or was closed on a timeout) while the
 * commit was on its way; the server may have committed it.
 *
 * <p><b>Timeouts.</b> Each call gets {@link #timeout()}: {@link LibrarySettings#statementTimeout()}
 * ({@code DATABASE_STATEMENT_TIMEOUT}, 30 seconds by default, {@code 0s} for none; on a caller's
 * {@code DataSource} {@link Library.Builder#statementTimeout(Duration)}), or the one of a view made
 * by {@link #withTimeout(Duration)}. The clock starts when the call starts running, not while it waits in the
 * queue, and covers all of it (waiting for a connection, every statement, the commit, and any wait of its work
 * for another asynchronous call: when it expires there, that wait fails, the call it waited for is cancelled, and
 * the call fails as timed out).
 *
 * <p><b>Cancellation.</b> Cancelling a future whose call has not started means the call never runs.
 * Cancelling one whose call is running cancels its statement and rolls it back, unless it is already
 * committing; the caller cannot tell which, so cancel writes only when either outcome is acceptable.
 * Completing the call's future from outside is a cancel too: {@code orTimeout} (its
 * {@code TimeoutException}), {@code completeOnTimeout}, {@code complete}, {@code completeExceptionally} and
 * {@code obtrude*} all cancel the call as above, so such a future says nothing about whether the call
 * committed. To bound a call, prefer {@link #withTimeout(Duration)}: its future completes only once the call
 * has finished, and fails only when nothing was committed.
 *
 * <p><b>Transactions.</b> An asynchronous call never joins a transaction open on the calling thread: it runs
 * on another thread and connection. Inside a transaction (a synchronous {@link Library#inTransaction} callback,
 * or an asynchronous {@link #inTransaction} callback) use the synchronous handle it receives, not this view.
 * On SQLite such a thread holds the one writer connection, which every write needs: if it waits
 * ({@code join()}, {@code get()}, with or without a timeout, on the call's future or on a stage made from it)
 * for an asynchronous write of the same library, the wait could never end, so that write fails at once with
 * {@link SelfDeadlockException}, whatever the timeouts, and never runs, and the transaction can only roll back
 * (its commit throws the same exception if the callback catches it): nothing of either is committed. A wait the
 * library cannot see into, through a future it did not make ({@code CompletableFuture.allOf(...)},
 * {@code anyOf(...)}) or a {@code thenCompose} (or {@code exceptionallyCompose}) stage whose function returns the
 * write, is found by the library's timeout watcher instead: once the thread has waited on a future for a second
 * while writes it made (or that such a function it set up made) wait for its transaction, those of them that
 * anything depends on fail the same way, and the transaction can only roll back. So a transaction that waits over a second on a future for
 * something else, while a write it made and attached a stage to waits behind it, is taken for such a wait too;
 * a write made and not waited for runs after the transaction. Not found: a write made by another thread (an
 * executor's task) and awaited through a future of that thread; such a wait ends only when the write's timeout
 * fires, or, behind an asynchronous transaction, when the library closes. Waiting
 * there for an asynchronous read works (reads use the reader pool); on PostgreSQL an asynchronous write runs on
 * another connection of the pool and is not refused, but it is not part of the transaction either, and with all
 * connections held by waiting transactions the wait ends only when a timeout fires. To run calls one
 * after another without a transaction, compose them ({@code thenCompose}) rather than wait.
 *
 * <p><b>Lifecycle.</b> The view lives as long as its {@code Library}. {@link Library#close()} stops accepting
 * calls on every view at once (later ones fail at once with {@link LibraryClosedException}), waits up to
 * {@link LibrarySettings#closeTimeout()} ({@code ASYNC_CLOSE_TIMEOUT}, 10 seconds by default, or
 * {@link Library.Builder#asyncCloseTimeout(Duration)}; one deadline for all views) for the calls already
 * accepted, fails those still waiting and cancels those still running, stops the threads, then closes the pools.
 * Thread-safe. The library's threads are daemons: a program that never closes its library still exits when
 * {@code main} returns, and a call it made then runs to its end only if a thread of the program still waits on
 * its future (see {@link Library#close()}).
 */
public final class AsyncLibrary {
    private final Library library;
    private final AsyncEngine engine;
    private final Duration timeout;
    private final AsyncAuthorRepository authors;
    private final AsyncBookRepository books;
    private final AsyncUserRepository users;
    private final AsyncCommentRepository comments;

    private AsyncLibrary(Library library, AsyncEngine engine, Duration timeout) {
        this.library = library;
        this.engine = engine;
        this.timeout = timeout;
        this.authors = new AsyncAuthorRepository(this, library.authors());
        this.books = new AsyncBookRepository(this, library.books());
        this.users = new AsyncUserRepository(this, library.users());
        this.comments = new AsyncCommentRepository(this, library.comments());
    }

    /** {@return the asynchronous repository of authors} Its calls get this view's {@link #timeout()}. */
    public AsyncAuthorRepository authors() {
        return authors;
    }

    /** {@return the asynchronous repository of books} Its calls get this view's {@link #timeout()}. */
    public AsyncBookRepository books() {
        return books;
    }

    /** {@return the asynchronous repository of users} Its calls get this view's {@link #timeout()}. */
    public AsyncUserRepository users() {
        return users;
    }

    /** {@return the asynchronous repository of comments} Its calls get this view's {@link #timeout()}. */
    public AsyncCommentRepository comments() {
        return comments;
    }

    /**
     * Asynchronous {@link Library#counts()}.
     *
     * @return a future of the number of rows of each table, counted in one snapshot
     */
    public CompletableFuture<CatalogCounts> counts() {
        return read(library::counts);
    }

    /**
     * Asynchronous {@link Library#inTransaction(Function)}: all of {@code work} runs on one thread, on one
     * connection, in one transaction, with the synchronous {@link Transaction} handle (use it, not this
     * asynchronous view, inside {@code work}). The future completes after the commit; if {@code work} throws,
     * the transaction is rolled back and the future fails with that exception. A
     * {@link java.util.concurrent.CancellationException} thrown by {@code work} is a failure like any other: the
     * future is not cancelled ({@code isCancelled()} is false); it holds that exception wrapped in a
     * {@link java.util.concurrent.CompletionException}, as {@code supplyAsync} would, so {@code join()} and
     * {@code get()} throw it as the cause. The timeout covers the whole transaction.
     *
     * @param work the work, given the synchronous handle of the transaction
     * @param <T>  the type of its result
     * @return a future of what {@code work} returned, completed after the commit
     */
    public <T> CompletableFuture<T> inTransaction(Function<Transaction, T> work) {
        Objects.requireNonNull(work, "work");
        return write(() -> library.inTransaction(work));
    }

    /**
     * Asynchronous {@link Library#useTransaction(Consumer)}; see {@link #inTransaction(Function)}.
     *
     * @param work the work, given the synchronous handle of the transaction
     * @return a future completed (with {@code null}) after the commit
     */
    public CompletableFuture<Void> useTransaction(Consumer<Transaction> work) {
        Objects.requireNonNull(work, "work");
        return write(() -> {
            library.useTransaction(work);
            return null;
        });
    }

    /**
     * A view whose calls time out after {@code timeout} instead of {@link #timeout()}; it shares this view's
     * threads, bounds and queue. Cheap: make one per call if needed, e.g.
     * {@code async.withTimeout(Duration.ofSeconds(2)).books().searchByTitle("мир", 20)}.
     *
     * @param timeout how long each call of the new view may run, positive
     * @return a view with that timeout; this view itself when {@code timeout} equals {@link #timeout()}
     * @throws InvalidInputException if {@code timeout} is null, zero or negative
     */
    public AsyncLibrary withTimeout(Duration timeout) {
        Validation.required("timeout", timeout);
        if (timeout.isZero() || timeout.isNegative()) {
            throw new InvalidInputException("timeout", "must be positive");
        }
        return timeout.equals(this.timeout) ? this : new AsyncLibrary(library, engine, timeout);
    }

    /**
     * {@return how long each call of this view may run before its statement is cancelled; zero means no limit}
     */
    public Duration timeout() {
        return timeout;
    }

    /** {@return the synchronous library this view runs its calls on} */
    public Library sync() {
        return library;
    }

    <T> CompletableFuture<T> read(Supplier<T> call) {
        return supply(false, call);
    }

    <T> CompletableFuture<T> write(Supplier<T> call) {
        return supply(true, call);
    }

    /** The one path of every call: the engine picks the lane, bounds, queues, times out and completes. */
    private <T> CompletableFuture<T> supply(boolean write, Supplier<T> call) {
        return write ? engine.write(call, timeout) : engine.read(call, timeout);
    }

    /**
     * A copy of a caller's collection, taken when an async call is made: the call reads it later, on another
     * thread, and must see what the caller passed, whatever the caller does with the collection meanwhile.
     * Null stays null and null elements stay, so that the call fails as the synchronous method does.
     */
    static <T> List<T> snapshot(Collection<T> items) {
        return items == null ? null : new ArrayList<>(items);
    }

    /**
     * The asynchronous views of one Library and their engines: the shared default view, made on first use so
     * that a library used only synchronously starts no threads, and one engine per caller-supplied executor.
     * Closed by {@link Library#close()} before the pools.
     */
    static final class Views {
        private final Library library;
        private final Database database;
        private final int queueCapacity;
        private final Duration closeTimeout;
        private final Duration statementTimeout;
        private final List<AsyncEngine> engines = new ArrayList<>();
        private AsyncLibrary standard;
        private boolean closed;

        Views(Library library, Database database, int queueCapacity, Duration closeTimeout,
              Duration statementTimeout) {
            this.library = library;
            this.database = database;
            this.queueCapacity = queueCapacity;
            this.closeTimeout = closeTimeout;
            this.statementTimeout = statementTimeout;
        }

        synchronized AsyncLibrary standard() {
            if (standard == null) {
                standard = create(null);
            }
            return standard;
        }

        synchronized AsyncLibrary on(Executor executor) {
            Objects.requireNonNull(executor, "executor");
            return create(executor);
        }

        private AsyncLibrary create(Executor executor) {
            // SQLite: the readers' lane beside a one-permit lane for the single writer connection;
            // PostgreSQL: reads and writes share one lane as they share one pool.
            AsyncEngine.Builder builder = AsyncEngine.builder()
                    .readPermits(Math.max(1, database.readConcurrency()))
                    .writePermits(database.serialisesWrites() ? 1 : 0)
                    .queueCapacity(queueCapacity)
                    .closeTimeout(closeTimeout())
                    .defaultTimeout(statementTimeout)
                    .executor(executor);
            // one connection for everything: a caller's pool of one, or the library's own PostgreSQL pool (or
            // read-only SQLite pool) at DATABASE_POOL_SIZE=1, which a transaction holds while it runs
            boolean oneConnection = database.writer() == database.reader() && database.readConcurrency() == 1;
            if (database.serialisesWrites() || oneConnection) {
                // a transaction open on a thread holds the one writer: that thread must not wait for a write
                builder.writeConnection(new WriteConnection(library.sessions()));
                if (oneConnection) {
                    builder.readsNeedTheWriter(); // nor, holding the only connection, for any call
                }
            }
            AsyncEngine engine = builder.build();
            engines.add(engine);
            if (closed) {
                engine.close();
            }
            return new AsyncLibrary(library, engine, statementTimeout);
        }

        /** How long a close waits for accepted calls ({@code ASYNC_CLOSE_TIMEOUT}, or the builder's). */
        Duration closeTimeout() {
            return closeTimeout;
        }

        /**
         * Makes every view refuse new calls at once (a view made later is closed when made); the calls they
         * accepted go on until {@link #close(long)}.
         */
        void refuse() {
            synchronized (this) {
                closed = true;
            }
            for (AsyncEngine engine : snapshot()) {
                engine.refuse();
            }
        }

        /**
         * Closes every engine: their accepted calls all get until {@code deadline} ({@link System#nanoTime()})
         * together, then what still runs is cancelled.
         */
        void close(long deadline) {
            refuse();
            AsyncEngine.closeAll(snapshot(), deadline);
        }

        /** Whether the calling thread runs a call accepted by one of the views (its units of work still run). */
        boolean runsCallHere() {
            for (AsyncEngine engine : snapshot()) {
                if (engine.runsCallHere()) {
                    return true;
                }
            }
            return false;
        }

        /** Whether the calling thread runs a call or a dependent stage of one of the views. */
        boolean busyHere() {
            for (AsyncEngine engine : snapshot()) {
                if (engine.busyHere()) {
                    return true;
                }
            }
            return false;
        }

        private synchronized List<AsyncEngine> snapshot() {
            return new ArrayList<>(engines);
        }
    }

    /**
     * The library's one SQLite writer connection, or a pool's only connection, as the engine sees it: the
     * transactions that hold it.
     */
    private record WriteConnection(Sessions sessions) implements AsyncEngine.WriteConnection {
        @Override
        public boolean heldHere() {
            return sessions.inTransactionHere();
        }

        @Override
        public void rollbackOnlyHere(LibraryException cause) {
            sessions.rollbackOnlyHere(cause);
        }

        @Override
        public Object transaction() {
            return sessions.writerTransaction();
        }

        @Override
        public Thread thread(Object transaction) {
            return Sessions.thread(transaction);
        }

        @Override
        public void rollbackOnly(Object transaction, LibraryException cause) {
            sessions.rollbackOnly(transaction, cause);
        }
    }
}
