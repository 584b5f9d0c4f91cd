package org.elibrary.testing;

/**
 * A pause inside a test's own work (a lambda, a callback, a transaction body) that may not throw a checked
 * exception: an interrupt ends the pause with an unchecked exception and stays set on the thread, so whoever
 * interrupted (a cancel, a timeout, the library's close) still sees the thread as interrupted.
 */
public final class Sleep {
    private Sleep() {
    }

    /** Sleeps {@code millis} milliseconds; fails with an IllegalStateException if the thread is interrupted. */
    public static void millis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during a " + millis + " ms sleep", e);
        }
    }
}
