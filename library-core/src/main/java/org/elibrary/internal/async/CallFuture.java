package org.elibrary.internal.async;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The future of one engine call (or of a stage that depends on one): a plain {@link CompletableFuture} that
 * tells its engine when it is cancelled, and whose {@code join()} and {@code get()} wait for a quick call
 * by spinning briefly instead of parking at once.
 *
 * <p><b>Cancellation.</b> {@code cancel(...)}, or completing it with a {@link CancellationException}, reaches
 * the engine directly ({@link AsyncEngine#onCancelled}), where the engine used to register a
 * {@code whenComplete} callback on every future to find out.
 *
 * <p><b>Waiting.</b> A call runs on another thread, so a caller that waits for it is parked and has to be
 * woken: on a small VM that wake-up costs 10 to 30 µs, as much as a whole indexed lookup. So a waiting caller
 * first spins for about as long as the engine's recent calls took ({@link AsyncEngine#joinSpinNanos()}),
 * yielding its core now and then, and parks only if the call has not finished by then. For calls that take
 * longer than a spin is worth ({@link AsyncEngine#MAX_JOIN_SPIN_MICROS}) but at most a few milliseconds, it
 * dozes until shortly before the expected end (the call's completion cuts the doze short) and spins across
 * it; longer calls are waited for the plain way, a wake-up being small beside them. At most a few callers
 * spin at once ({@link AsyncEngine#tryStartJoinSpin()}). Stages made from this future
 * ({@code thenApply}, ...) are futures of this class too, so {@code future.thenApply(f).join()} waits the same
 * way; cancelling one of them does not cancel the call (as with any CompletableFuture).
 */
final class CallFuture<T> extends CompletableFuture<T> {
    /** Spin-loop iterations between two {@code Thread.yield()}s. */
    private static final int YIELD_EVERY = 64;

    /** Calls expected to take up to this long are waited for by dozing, then spinning (see awaitBriefly). */
    private static final long MAX_DOZE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /**
     * How long before the expected end of the call a dozing caller wakes up to spin: the timer wake-up is
     * late by up to the kernel's timer slack (50 µs by default) and calls vary.
     */
    private static final long DOZE_MARGIN_NANOS = TimeUnit.MICROSECONDS.toNanos(150);
    /** How long a caller spins after its doze before it parks for good. */
    private static final long SPIN_AFTER_DOZE_NANOS = 2 * DOZE_MARGIN_NANOS;

    private final AsyncEngine engine;
    /** The call future this one is, or depends on: its completion wakes a dozing waiter of this one. */
    private final CallFuture<?> root;
    /** The call this future is the result of; null for a dependent stage. Set once before it is published. */
    private AsyncEngine.Task<T> task;
    /** The thread dozing until shortly before the call is expected to end (on the root future only). */
    private final AtomicReference<Thread> dozer;

    CallFuture(AsyncEngine engine) {
        this(engine, null);
    }

    private CallFuture(AsyncEngine engine, CallFuture<?> root) {
        this.engine = engine;
        this.root = root == null ? this : root;
        this.dozer = root == null ? new AtomicReference<>() : null;
    }

    void bind(AsyncEngine.Task<T> call) {
        this.task = call;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        // what CompletableFuture.cancel does, but knowing whether this very cancel took effect
        boolean cancelled = super.completeExceptionally(new CancellationException());
        if (cancelled && task != null) {
            engine.onCancelled(task);
        }
        return cancelled || isCancelled();
    }

    @Override
    public boolean completeExceptionally(Throwable failure) {
        boolean completed = super.completeExceptionally(failure);
        if (completed && task != null && failure instanceof CancellationException) {
            engine.onCancelled(task);
        }
        return completed;
    }

    @Override
    public T join() {
        awaitBriefly();
        return super.join();
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        awaitBriefly();
        return super.get();
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CallFuture<>(engine, root);
    }

    /** The call has completed (and with it the stages that depend on it): wakes a dozing waiter at once. */
    void wakeDozer() {
        Thread waiter = dozer.get();
        if (waiter != null) {
            LockSupport.unpark(waiter);
        }
    }

    /**
     * Waits until done or for the engine's spin budget, whichever comes first; never throws. A call expected
     * to take longer than a spin is worth (up to {@link #MAX_DOZE_NANOS}) is waited for by dozing until
     * {@link #DOZE_MARGIN_NANOS} before its expected end (the call's completion cuts the doze short), then
     * spinning for at most {@link #SPIN_AFTER_DOZE_NANOS}: the caller is then awake when the result comes,
     * and the wake-up (some 25 µs) is off the critical path.
     */
    private void awaitBriefly() {
        if (isDone() || AsyncEngine.MAX_JOIN_SPIN_MICROS <= 0) { // the diagnostic switch turns both off
            return;
        }
        long budget = engine.joinSpinNanos();
        if (budget <= 0) {
            long expected = engine.averageCallNanos();
            if (expected > MAX_DOZE_NANOS || !root.dozer.compareAndSet(null, Thread.currentThread())) {
                return; // a long call (or another thread dozes on it): a wake-up is small beside it
            }
            try {
                long wake = System.nanoTime() + expected - DOZE_MARGIN_NANOS;
                for (long left = wake - System.nanoTime(); left > 0 && !isDone(); left = wake - System.nanoTime()) {
                    LockSupport.parkNanos(this, left);
                    if (Thread.interrupted()) {
                        Thread.currentThread().interrupt(); // join() ignores it, get() throws: leave it set
                        return;
                    }
                }
            } finally {
                root.dozer.set(null);
            }
            budget = SPIN_AFTER_DOZE_NANOS;
        }
        if (isDone() || !engine.tryStartJoinSpin()) {
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
