package org.elibrary.examples.bench;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Counts a phase's failed operations (thread-safe) and keeps the first one's description. */
final class PhaseErrors {
    private final AtomicLong count = new AtomicLong();
    private final AtomicReference<String> first = new AtomicReference<>();

    void add(long op, Throwable failure) {
        count.incrementAndGet();
        first.compareAndSet(null, "op " + op + ": " + describe(failure));
    }

    void add(long op, String wrongResult) {
        count.incrementAndGet();
        first.compareAndSet(null, "op " + op + ": " + wrongResult);
    }

    long count() {
        return count.get();
    }

    String first() {
        return first.get();
    }

    private static String describe(Throwable failure) {
        Throwable shown = failure;
        while ((shown instanceof java.util.concurrent.CompletionException
                || shown instanceof java.util.concurrent.ExecutionException) && shown.getCause() != null) {
            shown = shown.getCause();
        }
        return shown.getClass().getName() + ": " + shown.getMessage();
    }
}
