package org.elibrary.internal.async;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import com.zaxxer.hikari.pool.ProxyConnection;
import org.elibrary.DatabaseUnavailableException;
import org.elibrary.internal.db.Drivers;
import org.postgresql.PGConnection;
import org.postgresql.jdbc.PgConnection;
import org.sqlite.SQLiteConnection;

/**
 * Lets another thread abort the JDBC work of one asynchronous call: the statements the call is running
 * (PostgreSQL: a cancel request for the call's connection; SQLite: {@code Statement.cancel()}, which interrupts
 * the connection) and its wait for a pooled connection (the waiting thread is interrupted).
 *
 * <p>The handle is current on the worker thread while the call runs ({@link #current()}); the
 * {@link CancellableDataSource} registers with it every statement created on a connection it hands out, and
 * forgets them before the connection goes back to the pool, so a cancel can never reach another call's
 * statement. Once cancelled, no new statement can be created and {@code commit()} refuses, so the call's
 * transaction is rolled back by whoever runs it; cancelling is idempotent and the engine repeats it until
 * the call unwinds (a cancel that lands between two statements has nothing to cancel).
 */
public final class CancellationHandle {
    private static final ThreadLocal<CancellationHandle> CURRENT = new ThreadLocal<>();

    /** How long a cancelled call may stay in a PostgreSQL statement before its connection is aborted. */
    static final long ABORT_AFTER_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** The pause after a first PostgreSQL cancel request before the next; it doubles up to the maximum. */
    private static final long FIRST_SIGNAL_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long MAX_SIGNAL_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How long a call's connection waits at most for a cancel request still on its way before it goes. */
    private static final long MAX_SIGNAL_WAIT_NANOS = TimeUnit.SECONDS.toNanos(15);

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a cancel request or abort is done; made on first use (few calls are ever cancelled). */
    private Condition signalDone;
    private final List<Registered> statements = new ArrayList<>();
    private Thread acquiring;
    private boolean finished;
    private volatile String reason;
    /** When the call was first cancelled (System.nanoTime()); guarded by lock. */
    private long cancelledAt;
    /** A PostgreSQL cancel request is on its way; guarded by lock. */
    private boolean signalling;
    /** Not before this (System.nanoTime()) is the next cancel request sent, and the pause after it; lock. */
    private long nextSignal;
    private long signalPause;
    /** The call's last failure of its own, before any cancel; set and read on its thread (see failedOnItsOwn). */
    private Throwable ownFailure;
    /** Set and read on the call's own thread (see {@link #outcomeUnknown()}). */
    private boolean outcomeUnknown;
    /** The call's PostgreSQL connections were aborted, and whether that is still on its way; guarded by lock. */
    private boolean aborted;
    private boolean aborting;

    CancellationHandle() {
    }

    /** The handle of the asynchronous call running on this thread, or null outside one. */
    public static CancellationHandle current() {
        return CURRENT.get();
    }

    /**
     * Throws when the asynchronous call running on this thread has been cancelled: for a commit made without
     * {@code Connection.commit()} (SQLite write units commit with a COMMIT statement).
     */
    public static void refuseIfCancelled() throws SQLException {
        CancellationHandle handle = CURRENT.get();
        if (handle != null) {
            handle.check();
        }
    }

    /**
     * The asynchronous call running on this thread (if any) failed after its commit was sent, on a broken
     * connection: whether it committed is unknown, and its failure must not say it was rolled back.
     */
    public static void outcomeUnknown() {
        CancellationHandle handle = CURRENT.get();
        if (handle != null) {
            handle.outcomeUnknown = true;
        }
    }

    /**
     * A unit of work of the asynchronous call running on this thread (if any) failed with {@code failure}: if the
     * call was not cancelled by then, the failure is its own (a cancel sets its reason before it touches anything),
     * even when its timeout fires while the call unwinds; returns {@code failure}. Only database unavailability is
     * kept, the one failure a cancel also causes (see AsyncEngine.translate).
     */
    public static RuntimeException failedOnItsOwn(RuntimeException failure) {
        if (failure instanceof DatabaseUnavailableException) {
            CancellationHandle handle = CURRENT.get();
            if (handle != null && handle.reason == null) {
                handle.ownFailure = failure;
            }
        }
        return failure;
    }

    /** Whether {@code failure} is, or was caused by, a failure of the call's own (see {@link #failedOnItsOwn}). */
    boolean isOwnFailure(Throwable failure) {
        Throwable own = ownFailure;
        for (Throwable t = failure; own != null && t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t == own) {
                return true;
            }
        }
        return false;
    }

    /** See {@link #outcomeUnknown()}; read on the call's own thread once it has returned. */
    boolean isOutcomeUnknown() {
        return outcomeUnknown;
    }

    /** Whether the asynchronous call running on this thread (if any) has been cancelled. */
    public static boolean isCurrentCancelled() {
        CancellationHandle handle = CURRENT.get();
        return handle != null && handle.reason != null;
    }

    static <T> T callWith(CancellationHandle handle, Supplier<T> work) {
        CancellationHandle previous = CURRENT.get();
        CURRENT.set(handle);
        try {
            return work.get();
        } finally {
            // set, not remove(): a thread that runs call after call keeps its entry instead of allocating
            // (and the collector then clearing) a new weak-referenced one per call
            CURRENT.set(previous);
        }
    }

    /** Why the call was cancelled, or null while it was not. */
    String reason() {
        return reason;
    }

    boolean isCancelled() {
        return reason != null;
    }

    /**
     * Aborts what the call is doing now; the first reason wins. No effect once the call finished. Never blocks
     * on the network: a PostgreSQL cancel request (a new connection to the server) is sent on {@code signals},
     * never more than one at a time per call, and repeated with a growing pause; a call still not unwound
     * {@link #ABORT_AFTER_NANOS} after its first cancel has its PostgreSQL connections aborted (the server or
     * the network does not answer), on HikariCP connections only, as HikariCP then drops them.
     */
    void cancel(String why, Executor signals) {
        List<Connection> toSignal = null;
        List<Connection> toAbort = null;
        lock.lock();
        try {
            if (finished) {
                return;
            }
            long now = System.nanoTime();
            if (reason == null) {
                reason = why;
                cancelledAt = now;
            }
            if (acquiring != null) {
                acquiring.interrupt();
            }
            List<Connection> postgres = null;
            Set<Connection> cancelled = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Registered registered : statements) {
                try {
                    if (Drivers.POSTGRESQL && registered.owner.isWrapperFor(PGConnection.class)) {
                        // pgjdbc's Statement.cancel() does nothing unless it believes the statement is running,
                        // and a cancel that reached the server before the query did leaves it believing it is
                        // not: ask the server directly, once per connection (ignored by an idle backend)
                        if (cancelled.add(registered.owner)) {
                            if (postgres == null) {
                                postgres = new ArrayList<>(1);
                            }
                            postgres.add(registered.owner);
                        }
                    } else if (registered.statement == null) {
                        if (cancelled.add(registered.owner)) {
                            registered.sqlite.getDatabase().interrupt();
                        }
                    } else {
                        registered.statement.cancel(); // SQLite: interrupts the connection
                    }
                } catch (SQLException | RuntimeException ignored) {
                    // closed meanwhile, or the driver cannot cancel: the next statement is refused instead
                }
            }
            if (postgres != null && !aborted) {
                if (now - cancelledAt >= ABORT_AFTER_NANOS) {
                    aborted = true;
                    aborting = true;
                    toAbort = postgres;
                } else if (!signalling && now - nextSignal >= 0) {
                    signalling = true;
                    signalPause = signalPause == 0 ? FIRST_SIGNAL_PAUSE_NANOS
                            : Math.min(2 * signalPause, MAX_SIGNAL_PAUSE_NANOS);
                    toSignal = postgres;
                }
            }
        } finally {
            lock.unlock();
        }
        if (toAbort != null) {
            send(signals, toAbort, true);
        }
        if (toSignal != null) {
            send(signals, toSignal, false);
        }
    }

    /** Sends cancel requests for (or aborts) the connections on {@code signals}, outside the lock. */
    private void send(Executor signals, List<Connection> owners, boolean abort) {
        Runnable sending = () -> {
            try {
                for (Connection owner : owners) {
                    try {
                        if (abort) {
                            // only HikariCP drops a connection that failed this way; a caller's other pool
                            // might lend it again: there only the cancel requests go on
                            if (owner instanceof ProxyConnection) {
                                owner.unwrap(PgConnection.class).abort(Runnable::run);
                            }
                        } else {
                            owner.unwrap(PGConnection.class).cancelQuery();
                        }
                    } catch (SQLException | RuntimeException ignored) {
                        // closed meanwhile, or the server did not take it: the next attempt, or the abort
                    }
                }
            } finally {
                sent(abort);
            }
        };
        try {
            signals.execute(sending);
        } catch (RejectedExecutionException e) {
            sent(abort); // the engine has stopped: nothing more is sent
        }
    }

    /** A cancel request (or abort) is done, has failed or was never sent: the next one may go. */
    private void sent(boolean abort) {
        lock.lock();
        try {
            if (abort) {
                aborting = false;
            } else {
                signalling = false;
                nextSignal = System.nanoTime() + signalPause;
            }
            if (signalDone != null) {
                signalDone.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * With the lock held: waits until no cancel request (or abort) of this call is on its way, so that none
     * reaches the connection once it serves someone else (or its own ROLLBACK); bounded, as a cancel request is
     * by the driver's {@code cancelSignalTimeout}.
     */
    private void awaitSignalSent() {
        long remaining = MAX_SIGNAL_WAIT_NANOS;
        boolean interrupted = false;
        while ((signalling || aborting) && remaining > 0) {
            if (signalDone == null) {
                signalDone = lock.newCondition();
            }
            try {
                remaining = signalDone.awaitNanos(remaining);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The call has returned or thrown: later cancels must not touch connections it no longer owns. */
    void finish() {
        lock.lock();
        try {
            finished = true;
            statements.clear();
            acquiring = null;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the call is waiting for a pooled connection now. */
    boolean isAcquiring() {
        lock.lock();
        try {
            return acquiring != null;
        } finally {
            lock.unlock();
        }
    }

    boolean isFinished() {
        lock.lock();
        try {
            return finished;
        } finally {
            lock.unlock();
        }
    }

    void beginAcquire() throws SQLException {
        lock.lock();
        try {
            throwIfCancelled();
            acquiring = Thread.currentThread();
        } finally {
            lock.unlock();
        }
    }

    /** After the pool answered; if the call was cancelled meanwhile, gives the connection back and throws. */
    void endAcquire(Connection obtained) throws SQLException {
        lock.lock();
        try {
            acquiring = null;
            if (reason != null) {
                // the interrupt (if any) was ours: it must not leak into the next statement or task
                Thread.interrupted();
                if (obtained != null) {
                    obtained.close();
                }
                throwIfCancelled();
            }
        } finally {
            lock.unlock();
        }
    }

    void register(Connection owner, Statement statement) throws SQLException {
        lock.lock();
        try {
            if (reason != null) {
                statement.close();
                throwIfCancelled();
            }
            if (statements.size() >= 16) {
                // long transactions create many statements; keep only the ones that may still be running
                statements.removeIf(Registered::isClosed);
            }
            statements.add(new Registered(owner, statement, null));
        } finally {
            lock.unlock();
        }
    }

    /**
     * The call runs statements on the physical connection behind {@code owner} that this handle does not see
     * (cached ones): a cancel reaches the connection itself until {@code owner} is forgotten (SQLite: an
     * interrupt of {@code sqlite}; PostgreSQL, where {@code sqlite} is null: a cancel request). Refused once
     * the call is cancelled.
     */
    void registerConnection(Connection owner, SQLiteConnection sqlite) throws SQLException {
        lock.lock();
        try {
            throwIfCancelled();
            if (finished) {
                return;
            }
            for (Registered registered : statements) {
                if (registered.owner == owner && registered.statement == null) {
                    return;
                }
            }
            statements.add(new Registered(owner, null, sqlite));
        } finally {
            lock.unlock();
        }
    }

    /** Before a statement, commit or connection use that must not run once the call is cancelled. */
    void check() throws SQLException {
        if (reason != null) {
            throwIfCancelled();
        }
    }

    /**
     * The connection is rolling back or going back to the pool: stop cancelling its statements. True when it
     * was aborted (the server did not answer): it must not serve anyone else.
     */
    boolean forget(Connection owner) {
        lock.lock();
        try {
            boolean registered = false;
            for (Iterator<Registered> it = statements.iterator(); it.hasNext(); ) {
                if (it.next().owner == owner) {
                    it.remove();
                    registered = true;
                }
            }
            awaitSignalSent();
            return registered && aborted;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Forgets and closes the statements of a connection whose call was cancelled (before its rollback); with
     * {@code keepConnection} (a rollback to a savepoint, after which the call goes on) the connection itself
     * stays registered, so the call's later statements on it can still be cancelled.
     */
    void closeStatements(Connection owner, boolean keepConnection) {
        List<Statement> toClose = new ArrayList<>();
        lock.lock();
        try {
            for (Iterator<Registered> it = statements.iterator(); it.hasNext(); ) {
                Registered registered = it.next();
                if (registered.owner == owner && (registered.statement != null || !keepConnection)) {
                    if (registered.statement != null) {
                        toClose.add(registered.statement);
                    }
                    it.remove();
                }
            }
            awaitSignalSent();
        } finally {
            lock.unlock();
        }
        for (Statement statement : toClose) {
            try {
                statement.close();
            } catch (SQLException | RuntimeException ignored) {
                // already closed, or the connection is broken: the rollback (or the pool) deals with it
            }
        }
    }

    private void throwIfCancelled() throws SQLTimeoutException {
        String why = reason;
        if (why != null) {
            throw new SQLTimeoutException("call cancelled: " + why);
        }
    }

    /** A statement of {@code owner}, or (statement null) the whole physical SQLite connection behind it. */
    private record Registered(Connection owner, Statement statement, SQLiteConnection sqlite) {
        boolean isClosed() {
            if (statement == null) {
                return false; // forgotten with its connection
            }
            try {
                return statement.isClosed();
            } catch (SQLException | RuntimeException e) {
                return true;
            }
        }
    }
}
