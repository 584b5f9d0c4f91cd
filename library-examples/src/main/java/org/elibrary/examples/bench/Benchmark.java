package org.elibrary.examples.bench;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.elibrary.Backend;

/**
 * Runs the catalog workload ({@code docs/workload.md}, version 1) for each chosen implementation,
 * each on a fresh, freshly migrated database, and prints the spec's JSON lines.
 *
 * <p>Per implementation the output is: one {@code settings} line (what it ran with), one line per phase
 * ({@code import}, {@code details}, {@code search}, {@code concurrent}, {@code delete}) with exactly the
 * spec's fields (plus {@code error_sample} when a phase had errors), then the counts line.
 *
 * <p>Implementations: {@code jdbc} (hand-written JDBC over HikariCP, the baseline), {@code sync} (the
 * library's repositories), {@code async} (the library's CompletableFuture facade). In the concurrent phase,
 * {@code jdbc} and {@code sync} are called by 64 platform threads making blocking calls; {@code async} is
 * called from one thread that keeps 64 futures outstanding.
 */
public final class Benchmark {
    private Benchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param jsonOut  receives the JSON lines, flushed line by line
     * @param progress receives human-readable progress, or null for none (the CLI passes one only when
     *                 attached to a terminal)
     * @return one result per implementation, in the order run
     * @throws IllegalStateException when the temporary folder, the embedded server or a fresh database cannot
     *                               be made, or an implementation's import fails; failures of single
     *                               operations in later phases are counted as errors instead
     * @throws org.elibrary.LibraryException when the library cannot open the fresh database
     */
    public static List<ImplResult> run(BenchOptions options, PrintStream jsonOut, PrintStream progress) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(jsonOut, "jsonOut");
        Workload workload = new Workload(options.scale(), options.opsDivisor());
        Progress log = new Progress(progress);
        List<ImplResult> results = new ArrayList<>();
        log.line("starting " + (options.backend() == Backend.SQLITE ? "SQLite"
                : options.pgUrl() == null ? "embedded PostgreSQL"
                : options.pgEmbedded() ? "the set's embedded PostgreSQL" : "PostgreSQL"));
        try (BenchDatabases databases = BenchDatabases.open(options)) {
            for (String impl : options.impls()) {
                ImplResult result = runOne(impl, options, workload, databases, jsonOut, log);
                results.add(result);
            }
        }
        return results;
    }

    private static ImplResult runOne(String name, BenchOptions options, Workload workload, BenchDatabases databases,
                                     PrintStream jsonOut, Progress log) {
        for (int run = 1; run <= options.warmups(); run++) {
            log.line(name + ": warm-up run " + run + " of " + options.warmups() + " (not measured)");
            runOnFreshDatabase(name, options, workload, databases, DISCARDED, log);
        }
        return runOnFreshDatabase(name, options, workload, databases, jsonOut, log);
    }

    /** Where warm-up runs print their JSON lines: nowhere. */
    private static final PrintStream DISCARDED = new PrintStream(java.io.OutputStream.nullOutputStream());

    private static ImplResult runOnFreshDatabase(String name, BenchOptions options, Workload workload,
                                                 BenchDatabases databases, PrintStream jsonOut, Progress log) {
        String backend = backendName(options.backend());
        BenchDatabases.Fresh fresh = databases.newDatabase(name);
        try {
            log.line(name + ": opening a fresh " + backend + " database");
            try (BenchImpl impl = open(name, options.backend(), fresh.jdbcUrl())) {
                Map<String, Object> settings = new LinkedHashMap<>(impl.settings());
                settings.put("concurrent_callers", impl instanceof AsyncBenchImpl
                        ? Workload.CONCURRENT_CALLERS + " futures outstanding, issued by one thread"
                        : Workload.CONCURRENT_CALLERS + " platform threads, blocking calls");
                if (options.backend() == Backend.POSTGRESQL) {
                    settings.put("server", databases.serverLabel());
                    settings.put("analyze_after_import", "yes, untimed");
                    settings.putAll(fresh.settings());
                }
                if (options.opsDivisor() != 1) {
                    settings.put("ops_divisor", options.opsDivisor());
                }
                if (options.warmups() != 0) {
                    settings.put("warmup_runs", options.warmups());
                }
                BenchOutput.settings(jsonOut, name, backend, options.scale(), settings);
                Phases phases = new Phases(name, backend, workload, impl, log, databases::serverCpuNanos,
                        options::masked);
                List<PhaseResult> results = new ArrayList<>();
                results.add(emit(jsonOut, phases.importAll()));
                afterImport(fresh.jdbcUrl(), options, workload);
                results.add(emit(jsonOut, phases.details()));
                results.add(emit(jsonOut, phases.search()));
                results.add(emit(jsonOut, phases.concurrent()));
                results.add(emit(jsonOut, phases.delete()));
                Counts counts = impl.counts();
                BenchOutput.counts(jsonOut, name, backend, counts);
                Counts expected = workload.expectedCounts();
                log.line(name + ": counts " + counts + (counts.equals(expected) ? " (as expected)"
                        : " DIFFER from the expected " + expected));
                return new ImplResult(name, backend, settings, results, counts, expected);
            }
        } finally {
            try {
                fresh.drop();
            } catch (RuntimeException e) {
                // leaves an empty database behind on an external server; never hides the run's own failure
                log.line(name + ": could not drop its database: " + options.masked(e.getMessage()));
            }
        }
    }

    private static PhaseResult emit(PrintStream jsonOut, PhaseResult result) {
        BenchOutput.phase(jsonOut, result);
        return result;
    }

    /** The implementations this build can run. */
    static List<String> availableImpls() {
        return BenchOptions.ALL_IMPLS;
    }

    static BenchImpl open(String name, Backend backend, String jdbcUrl) {
        return switch (name) {
            case "jdbc" -> JdbcImpl.open(backend, jdbcUrl, LibraryDefaults.forUrl(jdbcUrl));
            case "sync" -> SyncImpl.open(jdbcUrl);
            case "async" -> AsyncImpl.open(jdbcUrl);
            default -> throw new IllegalArgumentException("unknown impl " + name);
        };
    }

    static String backendName(Backend backend) {
        return backend.name().toLowerCase(Locale.ROOT);
    }

    /**
     * Between import and details, untimed, on a connection of its own: proves the spec's convention that ids
     * are rows + 1 on a fresh database (the harness relies on it), and on PostgreSQL runs ANALYZE, as
     * autovacuum would soon after a bulk load, so that no implementation's phases run on plans made for
     * empty tables or change plans halfway when autovacuum wakes up.
     */
    private static void afterImport(String jdbcUrl, BenchOptions options, Workload workload) {
        String sql = "SELECT (SELECT min(id) FROM author), (SELECT max(id) FROM author),"
                + " (SELECT min(id) FROM book), (SELECT max(id) FROM book),"
                + " (SELECT min(id) FROM \"user\"), (SELECT max(id) FROM \"user\")";
        try (Connection connection = DriverManager.getConnection(jdbcUrl);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            long[] expected = {1, workload.authors, 1, workload.books, 1, workload.users};
            for (int c = 0; c < expected.length; c++) {
                if (rs.getLong(c + 1) != expected[c]) {
                    throw new IllegalStateException("ids after import are not rows + 1 (column " + (c + 1) + " is "
                            + rs.getLong(c + 1) + ", expected " + expected[c] + ")");
                }
            }
            if (options.backend() == Backend.POSTGRESQL) {
                statement.execute("ANALYZE");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot check ids after import: " + options.masked(e.getMessage()), e);
        }
    }

    /** The five phases of one implementation, timed one by one. */
    private static final class Phases {
        private final String impl;
        private final String backend;
        private final Workload w;
        private final BenchImpl target;
        private final Progress log;
        private final java.util.function.LongSupplier serverCpu;
        /** Takes a server password out of the errors a phase reports. */
        private final UnaryOperator<String> mask;

        Phases(String impl, String backend, Workload w, BenchImpl target, Progress log,
               java.util.function.LongSupplier serverCpu, UnaryOperator<String> mask) {
            this.serverCpu = serverCpu;
            this.mask = mask;
            this.impl = impl;
            this.backend = backend;
            this.w = w;
            this.target = target;
            this.log = log;
        }

        PhaseResult importAll() {
            log.line(impl + ": import");
            try {
                PhaseClock clock = PhaseClock.start(serverCpu);
                long rows = importRows();
                return result("import", rows, clock, new PhaseErrors());
            } catch (RuntimeException e) {
                // without the data no later phase means anything
                throw new IllegalStateException(impl + ": import failed: " + mask.apply(e.getMessage()), e);
            }
        }

        private long importRows() {
            List<ImportBatch> batches = new ArrayList<>();
            addBatches(batches, Table.AUTHORS, w.authors);
            addBatches(batches, Table.BOOKS, w.books);
            addBatches(batches, Table.USERS, w.users);
            addBatches(batches, Table.COMMENTS, w.comments);
            if (target instanceof AsyncBenchImpl async) {
                // as the sequential phases: each batch issued from the previous one's completion; a failed
                // batch stops the import
                PhaseErrors failed = new PhaseErrors();
                Chain.run(batches.size(), failed, k -> failed.count() > 0 ? CompletableFuture.completedFuture(null)
                        : batches.get(k).table.insertAsync(async, w, batches.get(k).from, batches.get(k).to));
                if (failed.count() > 0) {
                    throw new IllegalStateException("batch " + failed.first());
                }
            } else {
                for (ImportBatch batch : batches) {
                    batch.table.insert(target, w, batch.from, batch.to);
                }
            }
            long rows = 0;
            for (ImportBatch batch : batches) {
                rows += batch.rows;
            }
            return rows;
        }

        /** The table's rows in batches of at most {@link Workload#BATCH_ROWS}, in order. */
        private void addBatches(List<ImportBatch> batches, Table table, int count) {
            for (int from = 0; from < count; from += Workload.BATCH_ROWS) {
                int to = Math.min(count, from + Workload.BATCH_ROWS);
                long rows = to - from;
                if (table == Table.BOOKS) {
                    for (int i = from; i < to; i++) {
                        rows += w.bookAuthorRows(i).length; // a book's author links count as rows too
                    }
                }
                batches.add(new ImportBatch(table, from, to, rows));
            }
        }

        PhaseResult details() {
            log.line(impl + ": details");
            PhaseErrors errors = new PhaseErrors();
            BenchImpl.DetailsView[] expected = expectedDetails(w.detailsOps);
            PhaseClock clock = PhaseClock.start(serverCpu);
            if (target instanceof AsyncBenchImpl async) {
                Chain.run(w.detailsOps, errors, k -> async.detailsAsync(Workload.id(w.detailsBookRow(k)))
                        .thenAccept(details -> checkDetails(k, details, expected[k], false, errors)));
                return result("details", w.detailsOps, clock, errors);
            }
            for (int k = 0; k < w.detailsOps; k++) {
                try {
                    checkDetails(k, target.details(Workload.id(w.detailsBookRow(k))), expected[k], false, errors);
                } catch (RuntimeException e) {
                    errors.add(k, e);
                }
            }
            return result("details", w.detailsOps, clock, errors);
        }

        PhaseResult search() {
            log.line(impl + ": search");
            PhaseErrors errors = new PhaseErrors();
            PhaseClock clock = PhaseClock.start(serverCpu);
            if (target instanceof AsyncBenchImpl async) {
                Chain.run(w.searchOps, errors, k -> async.searchTitlesAsync(w.searchQuery(k), Workload.SEARCH_LIMIT)
                        .thenAccept(titles -> checkSearch(k, titles, errors)));
                return result("search", w.searchOps, clock, errors);
            }
            for (int k = 0; k < w.searchOps; k++) {
                try {
                    checkSearch(k, target.searchTitles(w.searchQuery(k), Workload.SEARCH_LIMIT), errors);
                } catch (RuntimeException e) {
                    errors.add(k, e);
                }
            }
            return result("search", w.searchOps, clock, errors);
        }

        PhaseResult concurrent() {
            log.line(impl + ": concurrent");
            PhaseErrors errors = new PhaseErrors();
            // the writes' slots stay unused: computing only the reads' would take a test per slot
            BenchImpl.DetailsView[] expected = expectedDetails(w.concurrentOps);
            PhaseClock clock = PhaseClock.start(serverCpu);
            try {
                if (target instanceof AsyncBenchImpl async) {
                    concurrentFutures(async, expected, errors);
                } else {
                    concurrentThreads(expected, errors);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted in the concurrent phase", e);
            }
            return result("concurrent", w.concurrentOps, clock, errors);
        }

        private void concurrentThreads(BenchImpl.DetailsView[] expected, PhaseErrors errors) {
            AtomicInteger next = new AtomicInteger();
            ExecutorService callers = Executors.newFixedThreadPool(Workload.CONCURRENT_CALLERS, runnable -> {
                Thread thread = new Thread(runnable, "bench-caller");
                thread.setDaemon(true);
                return thread;
            });
            try {
                CompletableFuture<?>[] done = new CompletableFuture<?>[Workload.CONCURRENT_CALLERS];
                for (int c = 0; c < done.length; c++) {
                    done[c] = CompletableFuture.runAsync(() -> {
                        for (int k = next.getAndIncrement(); k < w.concurrentOps; k = next.getAndIncrement()) {
                            try {
                                if (Workload.concurrentIsWrite(k)) {
                                    target.addComment(w.concurrentCommentText(k),
                                            Workload.id(w.concurrentUserRow(k)), Workload.id(w.concurrentBookRow(k)));
                                } else {
                                    checkDetails(k, target.details(Workload.id(w.detailsBookRow(k))), expected[k],
                                            true, errors);
                                }
                            } catch (RuntimeException e) {
                                errors.add(k, e);
                            }
                        }
                    }, callers);
                }
                CompletableFuture.allOf(done).join();
            } finally {
                callers.shutdownNow();
            }
        }

        private void concurrentFutures(AsyncBenchImpl async, BenchImpl.DetailsView[] expected, PhaseErrors errors)
                throws InterruptedException {
            Semaphore inFlight = new Semaphore(Workload.CONCURRENT_CALLERS);
            for (int k = 0; k < w.concurrentOps; k++) {
                inFlight.acquire();
                int op = k;
                CompletableFuture<?> future;
                try {
                    if (Workload.concurrentIsWrite(k)) {
                        future = async.addCommentAsync(w.concurrentCommentText(k),
                                Workload.id(w.concurrentUserRow(k)), Workload.id(w.concurrentBookRow(k)));
                    } else {
                        future = async.detailsAsync(Workload.id(w.detailsBookRow(k)))
                                .thenAccept(details -> checkDetails(op, details, expected[op], true, errors));
                    }
                } catch (RuntimeException e) {
                    // a call that fails before returning a future counts like one that completes exceptionally
                    future = CompletableFuture.failedFuture(e);
                }
                future.whenComplete((ignored, failure) -> {
                    if (failure != null) {
                        errors.add(op, failure);
                    }
                    inFlight.release();
                });
            }
            inFlight.acquire(Workload.CONCURRENT_CALLERS);
        }

        PhaseResult delete() {
            log.line(impl + ": delete");
            PhaseErrors errors = new PhaseErrors();
            PhaseClock clock = PhaseClock.start(serverCpu);
            if (target instanceof AsyncBenchImpl async) {
                Chain.run(w.deleteOps, errors, k -> async.deleteBookAsync(Workload.id(w.deleteBookRow(k))));
                return result("delete", w.deleteOps, clock, errors);
            }
            for (int k = 0; k < w.deleteOps; k++) {
                try {
                    target.deleteBook(Workload.id(w.deleteBookRow(k)));
                } catch (RuntimeException e) {
                    errors.add(k, e);
                }
            }
            return result("delete", w.deleteOps, clock, errors);
        }

        private void checkSearch(int k, List<String> titles, PhaseErrors errors) {
            if (!titles.equals(w.expectedSearchTitles(k))) {
                errors.add(k, "search '" + w.searchQuery(k) + "' returned " + titles);
            }
        }

        /**
         * What lookup {@code k} of a phase should return, computed before the phase's clock starts so that the
         * checks inside it only compare.
         */
        private BenchImpl.DetailsView[] expectedDetails(int ops) {
            BenchImpl.DetailsView[] expected = new BenchImpl.DetailsView[ops];
            for (int k = 0; k < ops; k++) {
                expected[k] = w.expectedDetails(w.detailsBookRow(k));
            }
            return expected;
        }

        /**
         * Checks lookup {@code k}: the title, the authors' names (in any order) and the number of comments, which is
         * exact in phase 2 and, while phase 4 adds comments, at least the imported ones.
         */
        private void checkDetails(int k, BenchImpl.DetailsView details, BenchImpl.DetailsView expected,
                                  boolean commentsMayGrow, PhaseErrors errors) {
            if (details == null) {
                errors.add(k, "book row " + w.detailsBookRow(k) + " not found");
                return;
            }
            boolean comments = commentsMayGrow ? details.comments() >= expected.comments()
                    : details.comments() == expected.comments();
            // the authors as a set: their order is the database's collation's (ICU's ru puts Cyrillic first)
            boolean authors = details.authors().size() == expected.authors().size()
                    && expected.authors().containsAll(details.authors());
            if (!comments || !authors || !details.title().equals(expected.title())) {
                errors.add(k, "book row " + w.detailsBookRow(k) + " has " + details + ", expected "
                        + (commentsMayGrow ? "at least the comments of " : "") + expected);
            }
        }

        private PhaseResult result(String phase, long ops, PhaseClock clock, PhaseErrors errors) {
            PhaseResult result = new PhaseResult(impl, backend, phase, w.scale, ops, clock.seconds(),
                    clock.cpuSeconds(), clock.jitSeconds(), clock.serverCpuSeconds(), errors.count(),
                    mask.apply(errors.first()));
            log.line(String.format(Locale.ROOT, "%s: %s %d ops in %.3f s = %.0f ops/s, %d errors%s", impl, phase, ops,
                    result.seconds(), result.opsPerSecond(), result.errors(),
                    result.firstError() == null ? "" : " (first: " + result.firstError() + ")"));
            return result;
        }
    }

    /** Progress lines, or nothing. */
    private record Progress(PrintStream out) {
        void line(String text) {
            if (out != null) {
                out.println(text);
                out.flush();
            }
        }
    }

    /** One import transaction: a table's rows {@code from..to-1}, and how many rows the spec counts for it. */
    private record ImportBatch(Table table, int from, int to, long rows) {
    }

    /** The workload's tables, in import order. */
    private enum Table {
        AUTHORS, BOOKS, USERS, COMMENTS;

        void insert(BenchImpl impl, Workload workload, int from, int to) {
            switch (this) {
                case AUTHORS -> impl.insertAuthors(workload, from, to);
                case BOOKS -> impl.insertBooks(workload, from, to);
                case USERS -> impl.insertUsers(workload, from, to);
                case COMMENTS -> impl.insertComments(workload, from, to);
            }
        }

        CompletableFuture<?> insertAsync(AsyncBenchImpl impl, Workload workload, int from, int to) {
            return switch (this) {
                case AUTHORS -> impl.insertAuthorsAsync(workload, from, to);
                case BOOKS -> impl.insertBooksAsync(workload, from, to);
                case USERS -> impl.insertUsersAsync(workload, from, to);
                case COMMENTS -> impl.insertCommentsAsync(workload, from, to);
            };
        }
    }
}
