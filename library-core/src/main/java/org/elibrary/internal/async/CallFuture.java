package org.elibrary.internal.async;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The future of one engine call (or of a stage that depends on one): a plain {@link CompletableFuture} that
 * tells its engine when it is cancelled, and whose {@code join()} and {@code get()} wait for a quick call
 * by spinning briefly instead of parking at once.
 *
 * <p><b>Cancellation.</b> {@code cancel(...)}, and any other completion that does not come from the engine
 * ({@code orTimeout}, {@code completeOnTimeout}, {@code complete}, {@code completeExceptionally},
 * {@code obtrude*}), reaches the engine directly ({@link AsyncEngine#onCancelled}) as a cancel of the call,
 * where the engine used to register a {@code whenComplete} callback on every future to find out. The engine
 * completes the future with {@link #settle} and {@link #fail}, which are not forwarded.
 *
 * <p><b>Waiting.</b> A call runs on another thread, so a caller that waits for it is parked and has to be
 * woken: on a small VM that wake-up costs 10 to 30 µs, as much as a whole indexed lookup. So a waiting caller
 * first spins for about as long as the engine's recent calls took ({@link AsyncEngine#joinSpinNanos()}: zero
 * once they take longer than {@link AsyncEngine#MAX_JOIN_SPIN_MICROS}, when a wake-up is small beside the
 * call), yielding its core now and then, and parks only if the call has not finished by then. At most a few
 * callers spin at once ({@link AsyncEngine#tryStartJoinSpin()}). Stages made from this future
 * ({@code thenApply}, ...) are futures of this class too, so {@code future.thenApply(f).join()} waits the same
 * way; cancelling one of them does not cancel the call (as with any CompletableFuture).
 */
final class CallFuture<T> extends CompletableFuture<T> {
    /** Spin-loop iterations between two {@code Thread.yield()}s. */
    private static final int YIELD_EVERY = 64;

    private final AsyncEngine engine;
    /** The call this future is the result of; null for a dependent stage. Set once before it is published. */
    private AsyncEngine.Task<T> task;

    CallFuture(AsyncEngine engine) {
        this.engine = engine;
    }

    void bind(AsyncEngine.Task<T> call) {
        this.task = call;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        // what CompletableFuture.cancel does, but knowing whether this very cancel took effect
        boolean cancelled = super.completeExceptionally(new CancellationException());
        if (cancelled && task != null) {
            engine.onCancelled(task, AsyncEngine.CANCELLED_BY_CALLER);
        }
        return cancelled || isCancelled();
    }

    /*
     * Completed from outside (orTimeout's TimeoutException, completeOnTimeout, obtrude*, a caller's own
     * complete): the future no longer waits for the call, so the call must not go on and commit behind it.
     * Each is a cancel of the call; the engine completes its futures through settle and fail instead.
     */

    @Override
    public boolean complete(T value) {
        boolean completed = super.complete(value);
        if (completed && task != null) {
            engine.onCancelled(task, AsyncEngine.COMPLETED_BY_CALLER);
        }
        return completed;
    }

    @Override
    public boolean completeExceptionally(Throwable failure) {
        boolean completed = super.completeExceptionally(failure);
        if (completed && task != null) {
            engine.onCancelled(task, failure instanceof CancellationException ? AsyncEngine.CANCELLED_BY_CALLER
                    : AsyncEngine.COMPLETED_BY_CALLER);
        }
        return completed;
    }

    @Override
    public void obtrudeValue(T value) {
        super.obtrudeValue(value);
        if (task != null) {
            engine.onCancelled(task, AsyncEngine.COMPLETED_BY_CALLER);
        }
    }

    @Override
    public void obtrudeException(Throwable failure) {
        super.obtrudeException(failure);
        if (task != null) {
            engine.onCancelled(task, AsyncEngine.COMPLETED_BY_CALLER);
        }
    }

    /** The engine's own completion with the call's result: not a cancel. */
    boolean settle(T value) {
        return super.complete(value);
    }

    /** The engine's own completion with the call's failure (or its refusal): not a cancel. */
    boolean fail(Throwable failure) {
        return super.completeExceptionally(failure);
    }

    @Override
    public T join() {
        handOnIfHeldHere();
        awaitBriefly();
        return super.join();
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        handOnIfHeldHere();
        awaitBriefly();
        return super.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        handOnIfHeldHere();
        return super.get(timeout, unit);
    }

    /** A stage on an engine thread submitted this call and now waits for it: the call must not wait for it. */
    private void handOnIfHeldHere() {
        AsyncEngine.Task<T> call = task;
        if (call != null && !isDone()) {
            engine.handOnHeldBy(Thread.currentThread(), call);
        }
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CallFuture<>(engine);
    }

    /** Spins until done or for the engine's spin budget, whichever comes first; never throws. */
    private void awaitBriefly() {
        if (isDone()) {
            return;
        }
        long budget = engine.joinSpinNanos();
        if (budget <= 0 || !engine.tryStartJoinSpin()) {
            return;
        }
        try {
            long start = System.nanoTime();
            long last = start;
            for (int spins = 1; !isDone(); spins++) {
                if (spins % YIELD_EVERY == 0) {
                    Thread.yield();
                } else {
                    Thread.onSpinWait();
                }
                long now = System.nanoTime();
                if (now - start >= budget || now - last >= WorkerPool.PREEMPTED_NANOS) {
                    return; // time is up, or the core is contended: park instead (see WorkerPool)
                }
                last = now;
            }
        } finally {
            engine.endJoinSpin();
        }
    }
}
