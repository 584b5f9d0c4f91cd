package org.elibrary.examples.bench;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Runs operations 0..n-1 one after another through futures: operation k+1 is issued when operation k has
 * completed, from its completion, the way asynchronous code runs sequential work without blocking a thread
 * per call. The calling thread only waits for the end.
 */
final class Chain {
    private final int operations;
    private final PhaseErrors errors;
    private final IntFunction<CompletableFuture<?>> operation;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    /** Completions not yet handled; the thread that raises it from 0 issues the next operations (a trampoline). */
    private final AtomicInteger pending = new AtomicInteger();
    private int next;

    private Chain(int operations, PhaseErrors errors, IntFunction<CompletableFuture<?>> operation) {
        this.operations = operations;
        this.errors = errors;
        this.operation = operation;
    }

    /** Runs the operations; a failed one (a failed future, or one that throws) counts as an error of its index. */
    static void run(int operations, PhaseErrors errors, IntFunction<CompletableFuture<?>> operation) {
        Chain chain = new Chain(operations, errors, operation);
        chain.issueNext();
        chain.finished.join();
    }

    /**
     * Issues the next operation. An operation whose future is already complete signals from inside
     * whenComplete, on this thread: the loop takes that signal instead of recursing, so a long run of
     * immediate completions cannot overflow the stack.
     */
    private void issueNext() {
        if (pending.getAndIncrement() != 0) {
            return;
        }
        do {
            if (next == operations) {
                finished.complete(null);
                return;
            }
            int k = next++;
            CompletableFuture<?> future;
            try {
                future = operation.apply(k);
            } catch (RuntimeException e) {
                future = CompletableFuture.failedFuture(e);
            }
            future.whenComplete((ignored, failure) -> {
                if (failure != null) {
                    errors.add(k, failure);
                }
                issueNext();
            });
        } while (pending.decrementAndGet() != 0);
    }
}
