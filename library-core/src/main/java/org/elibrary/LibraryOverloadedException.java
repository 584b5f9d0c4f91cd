package org.elibrary;

/**
 * An asynchronous call was refused because the library already holds as many waiting calls as its bounded
 * queue allows ({@code ASYNC_QUEUE_CAPACITY}), or because the executor given to
 * {@link Library#async(java.util.concurrent.Executor)} did not take it. The call never ran and the database is
 * unchanged.
 * Back off and retry, or wait for some of the calls already submitted to complete.
 */
public final class LibraryOverloadedException extends LibraryException {
    private static final long serialVersionUID = 1L;

    /** The queue's capacity, as {@link #queueCapacity()} returns it. */
    private final int queueCapacity;

    /**
     * A call refused because the queue of waiting calls was full.
     *
     * @param message       what was refused
     * @param queueCapacity the number of calls the queue holds at most
     */
    public LibraryOverloadedException(String message, int queueCapacity) {
        super(message);
        this.queueCapacity = queueCapacity;
    }

    /**
     * A call refused because the executor given to {@link Library#async(java.util.concurrent.Executor)} did not
     * take it (threw instead).
     *
     * @param message       what was refused
     * @param queueCapacity the number of calls the queue holds at most
     * @param cause         what the executor threw
     */
    public LibraryOverloadedException(String message, int queueCapacity, Throwable cause) {
        super(message, cause);
        this.queueCapacity = queueCapacity;
    }

    /**
     * {@return the number of calls the queue holds at most} It was full when this call arrived, unless the
     * executor did not take the call (then {@link #getCause()} is what the executor threw).
     */
    public int queueCapacity() {
        return queueCapacity;
    }
}
