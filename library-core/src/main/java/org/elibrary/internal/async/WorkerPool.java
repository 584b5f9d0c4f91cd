package org.elibrary.internal.async;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An elastic pool of reusable threads whose most recently idle thread waits for its next task by spinning
 * for a few microseconds before it parks.
 *
 * <p>Why not a {@code ThreadPoolExecutor} over a {@code SynchronousQueue} (what this replaces): a call of a
 * sequential caller takes some 25 µs of JDBC; the caller then wakes from {@code join()} and submits the next
 * one within a few microseconds, by which time the worker that ran the previous call has already parked, so
 * every call paid a thread wake-up (a futex call, an inter-processor interrupt and the scheduler's wake-up
 * latency, some 10 to 30 µs of wall time and as much CPU on a small VM) on top of the one that wakes the
 * caller. Here the worker that just finished stays runnable for {@link #spinNanos} and takes the next task
 * straight from its slot, so a steady stream of calls costs no wake-up on the worker's side.
 *
 * <p>The spin is bounded twice: in time ({@link #spinNanos}, then the thread parks until a task or its
 * keep-alive), and in threads (only the idle thread on top of the idle stack spins; a thread that another
 * one covers parks at once), so an idle pool burns at most one core for a few microseconds after its last
 * task. The spin yields its core from time to time, so that other runnable threads (other calls, the
 * callers) are not held back on a machine with few cores.
 *
 * <p>Threads are created on demand (the engine, not this pool, bounds how many calls run at once) and
 * retire after the keep-alive. Idle threads are reused most-recently-idle first, which keeps the hot ones
 * hot and lets the others retire.
 */
final class WorkerPool extends AbstractExecutorService {
    /** Spin-loop iterations between two {@code Thread.yield()}s. */
    private static final int YIELD_EVERY = 64;
    /**
     * A gap this long between two spin iterations means the thread lost its core (or a yield gave it to
     * another thread): the machine is busy, and spinning on would take a core from the thread it waits for.
     */
    static final long PREEMPTED_NANOS = TimeUnit.MICROSECONDS.toNanos(20);

    private final ThreadFactory factory;
    private final long keepAliveNanos;
    private final long spinNanos;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition terminated = lock.newCondition();
    /** Idle workers, most recently idle last (the top); guarded by {@link #lock}. */
    private final ArrayDeque<Worker> idle = new ArrayDeque<>();
    /** Every live worker; guarded by {@link #lock}. */
    private final Set<Worker> workers = new HashSet<>();
    /**
     * How long an idle worker spins now, adapted to how soon tasks have been coming after a worker went idle:
     * doubled (up to {@link #spinNanos}) when a task came within {@link #spinNanos}, halved when none came
     * in time. A sequential caller that submits its next call at once keeps it at the maximum; a caller that
     * takes longer than the maximum between calls (a slower database round trip, work of its own) brings it
     * to zero, so its calls cost no spinning. Racy updates are fine: it is a heuristic.
     */
    private volatile long spinBudget;
    /** The top of {@link #idle}, the only worker allowed to spin; written under {@link #lock}. */
    private volatile Worker top;
    private volatile boolean shutdown;

    WorkerPool(ThreadFactory factory, long keepAliveNanos, long spinNanos) {
        this.factory = factory;
        this.keepAliveNanos = keepAliveNanos;
        this.spinNanos = spinNanos;
        this.spinBudget = spinNanos;
    }

    @Override
    public void execute(Runnable task) {
        Worker worker;
        lock.lock();
        try {
            if (shutdown) {
                throw new RejectedExecutionException("the pool is shut down");
            }
            worker = idle.pollLast();
            if (worker != null) {
                top = idle.peekLast();
                // under the lock, so that a worker giving up on its keep-alive cannot miss it (see awaitTask)
                worker.handedAt = System.nanoTime();
                worker.slot = task;
            } else {
                worker = new Worker(task);
                Thread thread = factory.newThread(worker);
                worker.thread = thread;
                workers.add(worker);
                try {
                    thread.start();
                } catch (RuntimeException | Error e) {
                    workers.remove(worker);
                    throw new RejectedExecutionException("cannot start a thread", e);
                }
                return;
            }
        } finally {
            lock.unlock();
        }
        if (worker.parked) {
            LockSupport.unpark(worker.thread);
        }
    }

    @Override
    public void shutdown() {
        List<Worker> toWake;
        lock.lock();
        try {
            shutdown = true;
            toWake = List.copyOf(idle);
            idle.clear();
            top = null;
            if (workers.isEmpty()) {
                terminated.signalAll();
            }
        } finally {
            lock.unlock();
        }
        for (Worker worker : toWake) {
            LockSupport.unpark(worker.thread);
        }
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown();
        lock.lock();
        try {
            for (Worker worker : workers) {
                worker.thread.interrupt();
            }
        } finally {
            lock.unlock();
        }
        return List.of(); // tasks never wait in this pool: the engine queues them
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        lock.lock();
        try {
            return shutdown && workers.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long remaining = unit.toNanos(timeout);
        lock.lock();
        try {
            while (!(shutdown && workers.isEmpty())) {
                if (remaining <= 0) {
                    return false;
                }
                remaining = terminated.awaitNanos(remaining);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** After a task: goes idle; returns the next task, or null when the thread should exit. */
    private Runnable awaitTask(Worker worker) {
        lock.lock();
        try {
            if (shutdown) {
                return exit(worker);
            }
            idle.addLast(worker);
            top = worker;
        } finally {
            lock.unlock();
        }
        // spin while this worker is the one a new task goes to first, for at most the spin budget
        long start = System.nanoTime();
        long last = start;
        long budget = spinBudget;
        boolean covered = false; // another worker went idle after this one: tasks go to it first
        for (int spins = 1; budget > 0; spins++) {
            Runnable task = worker.slot;
            if (task != null) {
                worker.slot = null;
                adaptSpin(worker.handedAt - start);
                return task;
            }
            if (top != worker) {
                covered = true;
                break;
            }
            if (spins % YIELD_EVERY == 0) {
                Thread.yield();
            } else {
                Thread.onSpinWait();
            }
            long now = System.nanoTime();
            if (now - start >= budget || now - last >= PREEMPTED_NANOS) {
                break; // time is up, or the core is contended (this thread was descheduled): park instead
            }
            last = now;
        }
        // park: publish 'parked' before the last look at the slot; execute() fills the slot before it reads
        // 'parked' (both volatile), so either this thread sees the task or execute() sees it must unpark
        worker.parked = true;
        try {
            long deadline = System.nanoTime() + keepAliveNanos;
            while (true) {
                Runnable task = worker.slot;
                if (task != null) {
                    worker.slot = null;
                    if (!covered) { // how soon a task came to the first worker in line
                        adaptSpin(worker.handedAt - start);
                    }
                    return task;
                }
                if (shutdown || System.nanoTime() - deadline >= 0) {
                    lock.lock();
                    try {
                        if (worker.slot != null) {
                            continue; // handed a task just now: run it
                        }
                        // no task can reach it any more once it is off the idle stack
                        if (idle.removeLastOccurrence(worker)) {
                            top = idle.peekLast();
                        }
                        return exit(worker);
                    } finally {
                        lock.unlock();
                    }
                }
                LockSupport.parkNanos(this, deadline - System.nanoTime());
                Thread.interrupted(); // shutdownNow's interrupt means "look again", not "fail the next task"
            }
        } finally {
            worker.parked = false;
        }
    }

    /** The current spin budget (for tests). */
    long spinBudgetNanos() {
        return spinBudget;
    }

    /** A task came {@code waited} ns after a worker went idle: would a spin have caught it? */
    private void adaptSpin(long waited) {
        long budget = spinBudget;
        if (waited <= spinNanos) {
            // a spin of the maximum would have caught it (or did): spin longer, from at least 1 µs
            spinBudget = Math.min(spinNanos, Math.max(2 * budget, 1000));
        } else if (budget > 0) {
            spinBudget = budget < 1000 ? 0 : budget / 2;
        }
    }

    /** With the lock held. */
    private Runnable exit(Worker worker) {
        workers.remove(worker);
        if (shutdown && workers.isEmpty()) {
            terminated.signalAll();
        }
        return null;
    }

    private final class Worker implements Runnable {
        /** The task handed to this worker while idle; written under the pool's lock, taken by the worker. */
        volatile Runnable slot;
        volatile boolean parked;
        /** When the task in the slot was handed over (published by the volatile write of the slot). */
        long handedAt;
        Thread thread;
        private Runnable first;

        Worker(Runnable first) {
            this.first = first;
        }

        @Override
        public void run() {
            Runnable task = first;
            first = null;
            try {
                while (task != null) {
                    task.run();
                    task = awaitTask(this);
                }
            } catch (RuntimeException | Error e) {
                // the engine's tasks do not throw; a task that did leaves the pool with its thread
                lock.lock();
                try {
                    exit(this);
                } finally {
                    lock.unlock();
                }
                throw e;
            }
        }
    }
}
