package org.elibrary.examples.bench;

import java.util.concurrent.CompletableFuture;

/**
 * An implementation whose concurrent phase issues futures instead of blocking calls: the harness keeps
 * {@link Workload#CONCURRENT_CALLERS} of them outstanding from a single issuing thread.
 */
interface AsyncBenchImpl extends BenchImpl {

    CompletableFuture<DetailsView> detailsAsync(int bookId);

    CompletableFuture<?> addCommentAsync(String text, int userId, int bookId);
}
