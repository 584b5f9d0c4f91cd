package org.elibrary.internal.async;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads a Library owns for asynchronous calls, all named {@code elibrary-async-N}.
 *
 * <p>On JDK 21 and later: one virtual thread per call (found by reflection, since the library is compiled for
 * Java 17); a busy lane still runs call after call on one of them (see {@link AsyncEngine}). Pooling virtual
 * threads in a {@link WorkerPool} was measured and rejected: a spinning virtual thread holds its carrier,
 * and a parked one is woken through the scheduler's own carrier wake-up, so a sequential caller got about
 * three times slower than with a fresh virtual thread per call. On Java 17: platform threads in a
 * {@link WorkerPool}, reused (the most recently idle one spins briefly for the next call), retired after
 * {@link #KEEP_ALIVE_SECONDS} idle seconds. In both cases the engine, not this executor, bounds how many
 * calls run JDBC at once (the pool size). The executor itself is elastic on purpose: a future is completed
 * on the thread that ran its call, so the caller's dependent stages ({@code thenApply}, ...) run there too,
 * and a fixed-size executor would let a slow stage hold back queued calls.
 *
 * <p>Every thread here is a daemon, as virtual threads always are, so a program that returns from main without
 * closing its Library exits at once rather than after the idle threads' keep-alive, on any JDK (as with
 * HikariCP's threads and {@code ForkJoinPool.commonPool()}). A caller waiting on a call's future keeps the JVM
 * alive for it (the waiting thread is not a daemon); a call nobody waits for may be cut off by the exit, and
 * the database rolls back what it had not committed. {@code Library.close()} lets accepted calls finish and
 * shuts the threads down. No shutdown hook closes a forgotten Library: it would either wait for calls nobody
 * waits on, delaying the very exit this avoids (up to the close timeout), or not wait and achieve nothing.
 */
final class AsyncThreads {
    static final String THREAD_PREFIX = "elibrary-async-";
    static final long KEEP_ALIVE_SECONDS = 10;

    /** {@code () -> Thread.ofVirtual().name("elibrary-async-", 1).factory()}; null before JDK 21. */
    private static final MethodHandle VIRTUAL_FACTORY = findVirtualThreadFactory();
    /** {@code Executors::newThreadPerTaskExecutor}; null before JDK 21. */
    private static final MethodHandle PER_TASK_EXECUTOR = findPerTaskExecutor();

    private AsyncThreads() {
    }

    /** Whether this JVM runs asynchronous calls on virtual threads. */
    static boolean virtualThreadsAvailable() {
        return VIRTUAL_FACTORY != null && PER_TASK_EXECUTOR != null;
    }

    /**
     * A new executor for one Library; {@code useVirtualThreads} is ignored where they do not exist. The
     * threads it starts are added to {@code started}, so that close can wait until they have really exited
     * (an executor counts as terminated a moment before its last threads are).
     */
    static ExecutorService newExecutor(boolean useVirtualThreads, Set<Thread> started) {
        if (useVirtualThreads && virtualThreadsAvailable()) {
            try {
                ThreadFactory virtual = (ThreadFactory) VIRTUAL_FACTORY.invoke();
                return (ExecutorService) PER_TASK_EXECUTOR.invoke(recording(virtual, started));
            } catch (Throwable e) {
                throw new IllegalStateException("cannot create a virtual-thread executor", e);
            }
        }
        AtomicInteger counter = new AtomicInteger();
        ThreadFactory factory = recording(runnable -> {
            Thread thread = new Thread(runnable, THREAD_PREFIX + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }, started);
        return new WorkerPool(factory, TimeUnit.SECONDS.toNanos(KEEP_ALIVE_SECONDS),
                TimeUnit.MICROSECONDS.toNanos(AsyncEngine.SPIN_MICROS));
    }

    /**
     * The executor of one engine's PostgreSQL cancel requests and connection aborts
     * ({@code elibrary-async-cancel}): a few daemon threads, started when first needed and retired when idle,
     * so that a server that does not answer blocks neither the sweeper nor a call's own thread.
     */
    static ExecutorService newSignalExecutor(Set<Thread> started) {
        ThreadFactory factory = recording(runnable -> {
            Thread thread = new Thread(runnable, THREAD_PREFIX + "cancel");
            thread.setDaemon(true);
            return thread;
        }, started);
        java.util.concurrent.ThreadPoolExecutor executor = new java.util.concurrent.ThreadPoolExecutor(4, 4,
                KEEP_ALIVE_SECONDS, TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), factory);
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    /** Whether {@code executor}, made by {@link #newExecutor}, runs its tasks on virtual threads. */
    static boolean isVirtual(ExecutorService executor) {
        return !(executor instanceof WorkerPool);
    }

    /** Remembers the threads a factory makes (and forgets those that have exited). */
    static ThreadFactory recording(ThreadFactory factory, Set<Thread> started) {
        return runnable -> {
            Thread thread = factory.newThread(runnable);
            forgetExited(started);
            started.add(thread);
            return thread;
        };
    }

    /**
     * Drops the threads that have run and exited. Not {@code !isAlive()}: a thread made but not started yet
     * (by a concurrent call of the factory) is not alive either, and close() would then not wait for it.
     */
    static void forgetExited(Set<Thread> threads) {
        threads.removeIf(thread -> thread.getState() == Thread.State.TERMINATED);
    }

    private static MethodHandle findPerTaskExecutor() {
        if (Runtime.version().feature() < 21) {
            return null;
        }
        try {
            return MethodHandles.publicLookup().findStatic(java.util.concurrent.Executors.class,
                    "newThreadPerTaskExecutor", MethodType.methodType(ExecutorService.class, ThreadFactory.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static MethodHandle findVirtualThreadFactory() {
        if (Runtime.version().feature() < 21) {
            return null;
        }
        try {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            Class<?> builder = Class.forName("java.lang.Thread$Builder");
            Class<?> ofVirtual = Class.forName("java.lang.Thread$Builder$OfVirtual");
            MethodHandle newBuilder = lookup.findStatic(Thread.class, "ofVirtual", MethodType.methodType(ofVirtual));
            MethodHandle name = lookup.findVirtual(ofVirtual, "name",
                    MethodType.methodType(ofVirtual, String.class, long.class));
            MethodHandle factory = lookup.findVirtual(builder, "factory", MethodType.methodType(ThreadFactory.class));
            // () -> factory(name(ofVirtual(), PREFIX, 1))
            MethodHandle named = MethodHandles.insertArguments(name, 1, THREAD_PREFIX, 1L);
            MethodHandle builderToFactory = MethodHandles.filterReturnValue(
                    named.asType(MethodType.methodType(ofVirtual, ofVirtual)),
                    factory.asType(MethodType.methodType(ThreadFactory.class, ofVirtual)));
            return MethodHandles.filterReturnValue(newBuilder, builderToFactory);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
