package org.elibrary.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.elibrary.AsyncLibrary;
import org.elibrary.Backend;
import org.elibrary.Library;
import org.elibrary.LibrarySettings;
import org.elibrary.domain.Book;
import org.elibrary.domain.BookDetails;
import org.elibrary.domain.NewBook;
import org.elibrary.domain.NewComment;
import org.elibrary.domain.User;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Concurrency soak: the workload's concurrent mix (64 callers with one request in flight each,
 * through the async facade; operation k adds a comment when {@code k % 5 == 4}, otherwise reads one book's
 * details) for a fixed time. Asserts zero errors, exactly the expected comment rows, and a flat heap: used
 * heap after full GCs at the end is within a tolerance of the same measure after warm-up.
 *
 * <p>CI runs {@value #CI_SECONDS} seconds per backend. The opt-in soak: {@code -Delibrary.soak.minutes=10}
 * ({@code -Delibrary.soak.backends=sqlite} for one backend; see the README's Reliability section).
 */
class ConcurrencySoakIT {
    static final int CI_SECONDS = 8;
    static final int CALLERS = 64;
    static final int BOOKS = 500;
    static final int USERS = 100;
    /** Allowed growth of used heap after GC, end vs start. */
    static final long HEAP_TOLERANCE_BYTES = 24L * 1024 * 1024;

    @ParameterizedTest
    @EnumSource(Backend.class)
    @Timeout(value = 3, unit = TimeUnit.HOURS)
    void concurrentMixHasNoErrorsAndAFlatHeap(Backend backend) throws Exception {
        String minutes = System.getProperty("elibrary.soak.minutes");
        Duration length = minutes == null || minutes.isBlank() ? Duration.ofSeconds(CI_SECONDS)
                : Duration.ofSeconds(Math.round(Double.parseDouble(minutes) * 60));
        String only = System.getProperty("elibrary.soak.backends", "");
        assumeTrue(only.isBlank() || only.toUpperCase(java.util.Locale.ROOT).contains(backend.name()),
                "elibrary.soak.backends=" + only);
        Duration warmUp = Duration.ofMillis(Math.min(30_000, Math.max(2_000, length.toMillis() / 10)));

        try (Library library = Library.open(LibrarySettings.builder()
                .databaseUrl(TestDatabases.newDatabaseUrl(backend)).build())) {
            List<Long> bookIds = new ArrayList<>();
            List<Long> userIds = new ArrayList<>();
            seed(library, bookIds, userIds);
            long commentsBefore = library.comments().count();

            AsyncLibrary async = library.async();
            AtomicLong next = new AtomicLong();
            AtomicLong writes = new AtomicLong();
            AtomicLong reads = new AtomicLong();
            Map<String, Throwable> errors = new ConcurrentHashMap<>();
            AtomicLong errorCount = new AtomicLong();
            long[] heap = new long[2];
            long[] phaseEnd = {System.nanoTime() + warmUp.toNanos()}; // written before the callers start
            Runnable loop = () -> {
                while (System.nanoTime() < phaseEnd[0]) {
                    long k = next.getAndIncrement();
                    try {
                        if (k % 5 == 4) {
                            async.comments().add(userIds.get((int) (k % USERS)),
                                    bookIds.get((int) ((k * 17) % BOOKS)), "Concurrent " + k).join();
                            writes.incrementAndGet();
                        } else {
                            BookDetails details = async.books().findDetails(bookIds.get((int) ((k * 7919) % BOOKS)))
                                    .join().orElseThrow();
                            assertThat(details.authors()).isNotEmpty();
                            reads.incrementAndGet();
                        }
                    } catch (Throwable t) {
                        errorCount.incrementAndGet();
                        errors.putIfAbsent(String.valueOf(t), t);
                    }
                }
            };

            // warm-up, then the heap baseline (callers stopped), then the measured run
            runCallers(loop);
            heap[0] = usedHeapAfterGc();
            long opsAtStart = next.get();
            long writesAtStart = writes.get();
            long readsAtStart = reads.get();
            long started = System.nanoTime();
            phaseEnd[0] = started + length.toNanos();
            runCallers(loop);
            double seconds = (System.nanoTime() - started) / 1e9;
            heap[1] = usedHeapAfterGc();
            long ops = next.get() - opsAtStart;

            System.out.printf("ConcurrencySoakIT %s: %.0f s, %d ops (%.0f ops/s), %d writes, %d reads, %d errors, "
                            + "heap after GC %d KiB -> %d KiB%n", backend, seconds, ops, ops / seconds,
                    writes.get() - writesAtStart, reads.get() - readsAtStart, errorCount.get(),
                    heap[0] / 1024, heap[1] / 1024);
            assertThat(errors).as("errors (%d)", errorCount.get()).isEmpty();
            assertThat(library.comments().count()).as("comment rows").isEqualTo(commentsBefore + writes.get());
            assertThat(heap[1]).as("used heap after GC at the end vs %d KiB after warm-up", heap[0] / 1024)
                    .isLessThan(heap[0] + Math.max(HEAP_TOLERANCE_BYTES, heap[0] / 4));
            assertThat(ops).as("operations done").isGreaterThan(CALLERS);
        }
    }

    private static void runCallers(Runnable loop) throws InterruptedException {
        List<Thread> callers = new ArrayList<>();
        for (int c = 0; c < CALLERS; c++) {
            Thread caller = new Thread(loop, "soak-caller-" + c);
            callers.add(caller);
            caller.start();
        }
        for (Thread caller : callers) {
            caller.join();
        }
    }

    static long usedHeapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
            best = Math.min(best, memory.getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    private static void seed(Library library, List<Long> bookIds, List<Long> userIds) {
        List<String> authorNames = new ArrayList<>();
        for (int i = 0; i < BOOKS / 5; i++) {
            authorNames.add((i % 2 == 0 ? "Author " : "Автор ") + String.format("%06d", i));
        }
        List<Long> authorIds = library.authors().createAll(authorNames).stream().map(a -> a.id()).toList();
        List<NewBook> books = new ArrayList<>();
        for (int i = 0; i < BOOKS; i++) {
            books.add(new NewBook(String.format("Book %07d сад", i),
                    List.of(authorIds.get(i % authorIds.size()), authorIds.get((i * 7 + 3) % authorIds.size()))));
        }
        library.books().createAll(books).stream().map(Book::id).forEach(bookIds::add);
        List<String> usernames = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            usernames.add(String.format("user%05d", i));
        }
        library.users().createAll(usernames).stream().map(User::id).forEach(userIds::add);
        List<NewComment> comments = new ArrayList<>();
        for (int j = 0; j < BOOKS * 4; j++) {
            comments.add(new NewComment(userIds.get(j % USERS), bookIds.get((j * 31) % BOOKS), "Comment " + j + " on book"));
        }
        library.comments().addAll(comments);
    }
}
