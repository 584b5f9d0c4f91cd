package org.elibrary;

/**
 * The calling thread waited ({@code join()}, {@code get()}) for an asynchronous call that needs what the thread
 * itself holds, so the wait could never end: on SQLite, a thread inside a transaction of the library holds its
 * one write connection, and waited for another write call of the same library, which needs that connection; on
 * a pool of one connection (a caller's {@code DataSource} with a maximum pool size of 1, or the library's own
 * PostgreSQL pool at {@code DATABASE_POOL_SIZE=1}), a thread inside a transaction waited for any call.
 * A programming error, not an outage: retrying the same code fails the same way.
 *
 * <p>It is reported at once (for a wait through a future the library did not make, such as
 * {@code CompletableFuture.allOf(...)}, once the thread has waited for about a second: see
 * {@link AsyncLibrary}, Transactions), as the failure of the awaited call: that call is cancelled and never runs (its
 * future fails with this exception, so {@code join()} throws it as the cause of a
 * {@link java.util.concurrent.CompletionException}, {@code get()} of an
 * {@link java.util.concurrent.ExecutionException}), and the waiting thread's transaction can only roll back
 * (its commit throws this exception, should the callback catch it). Nothing of either is committed.
 *
 * <p>To fix: inside a transaction use the transaction's repositories ({@code tx.users()}), not the
 * asynchronous view; or, outside a transaction, compose the calls ({@code thenCompose}) instead of waiting.
 */
public final class SelfDeadlockException extends LibraryException {
    private static final long serialVersionUID = 1L;

    /**
     * A wait that could never end.
     *
     * @param message what the thread holds, what it waited for, and what to do instead
     */
    public SelfDeadlockException(String message) {
        super(message);
    }
}
