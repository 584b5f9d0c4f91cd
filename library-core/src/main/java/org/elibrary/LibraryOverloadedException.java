package org.elibrary;

/**
 * An asynchronous call was refused because the library already holds as many waiting calls as its bounded
 * queue allows ({@code ASYNC_QUEUE_CAPACITY}). The call never ran and the database is unchanged.
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

    /** {@return the number of calls the queue holds at most} It was full when this call arrived. */
    public int queueCapacity() {
        return queueCapacity;
    }
}
