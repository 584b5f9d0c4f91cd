package org.elibrary.examples.bench;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An implementation that the harness drives with futures instead of blocking calls: in the sequential phases
 * (the import's batches, details, search, delete) each call is issued when the previous one has completed,
 * from its completion (as asynchronous code chains calls, never blocking a thread per call); in the concurrent
 * phase one thread keeps {@link Workload#CONCURRENT_CALLERS} of them outstanding.
 */
interface AsyncBenchImpl extends BenchImpl {

    CompletableFuture<?> insertAuthorsAsync(Workload workload, int from, int to);

    CompletableFuture<?> insertBooksAsync(Workload workload, int from, int to);

    CompletableFuture<?> insertUsersAsync(Workload workload, int from, int to);

    CompletableFuture<?> insertCommentsAsync(Workload workload, int from, int to);

    CompletableFuture<DetailsView> detailsAsync(int bookId);

    CompletableFuture<List<String>> searchTitlesAsync(String query, int limit);

    CompletableFuture<?> addCommentAsync(String text, int userId, int bookId);

    CompletableFuture<?> deleteBookAsync(int bookId);
}
