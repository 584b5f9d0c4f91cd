package org.elibrary.internal.db;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.elibrary.DatabaseUnavailableException;
import org.elibrary.internal.config.SettingValues;

/**
 * Serialises migrations of one SQLite file across threads and processes. Flyway takes no lock on SQLite, so
 * two processes opening the same new file at once would both try to create the schema. The lock is an
 * exclusive OS lock on {@code <file>.migrate-lock} beside the database (held only while migrating), plus an
 * in-JVM lock because the OS lock is per process. The lock file is left in place: deleting it would let a
 * waiting process lock the old, unlinked file while a newcomer locks a new one.
 *
 * <p>A thread waits for the lock as long as the holder migrates, up to {@link #MAX_WAIT}: not the busy
 * timeout, which bounds one statement's wait for another connection's transaction, while a migration (an
 * adoption of a large catalog building its indexes) may take minutes. The bound is there for a holder that
 * never ends (a stopped process); the waiter then fails with {@link DatabaseUnavailableException}.
 */
public final class MigrationLock implements AutoCloseable {
    /**
     * The longest a thread waits for another thread or process migrating the same file: far beyond any
     * migration of the library's schema (seconds for a new file on a loaded machine, about a minute for an
     * adoption of millions of rows), short enough that a process stuck while holding the lock is reported.
     */
    public static final Duration MAX_WAIT = Duration.ofMinutes(10);
    /** The longest pause between two attempts at the OS lock: what a waiter may lag behind the release. */
    private static final long MAX_PAUSE_MILLIS = 20;
    /**
     * The in-process lock of each lock file that a thread holds or waits for; an entry goes once its last user
     * has left, or a process opening file after file (one per test, per document) would keep one per file forever.
     */
    private static final ConcurrentMap<Path, InProcess> IN_PROCESS = new ConcurrentHashMap<>();

    /** How many lock files this process has a lock entry for (for tests). */
    static int inProcessEntries() {
        return IN_PROCESS.size();
    }

    private final Path lockFile;
    private final ReentrantLock threadLock;
    private final FileChannel channel;
    private final FileLock fileLock;

    private MigrationLock(Path lockFile, ReentrantLock threadLock, FileChannel channel, FileLock fileLock) {
        this.lockFile = lockFile;
        this.threadLock = threadLock;
        this.channel = channel;
        this.fileLock = fileLock;
    }

    /** A lock file's in-process lock and how many threads hold or wait for it; changed only inside the map's compute. */
    private static final class InProcess {
        final ReentrantLock lock = new ReentrantLock();
        int users;
    }

    /** The in-process lock of {@code lockFile}, counting this thread among its users until {@link #leave}. */
    private static ReentrantLock enter(Path lockFile) {
        return IN_PROCESS.compute(lockFile, (path, entry) -> {
            InProcess used = entry == null ? new InProcess() : entry;
            used.users++;
            return used;
        }).lock;
    }

    /** Counts this thread out of {@code lockFile}'s users (after it unlocked), dropping the entry after the last. */
    private static void leave(Path lockFile) {
        IN_PROCESS.computeIfPresent(lockFile, (path, entry) -> --entry.users == 0 ? null : entry);
    }

    /** The path of the lock file for a database file. */
    public static Path lockFileOf(Path databaseFile) {
        return databaseFile.resolveSibling(databaseFile.getFileName() + ".migrate-lock");
    }

    /**
     * Blocks until this thread holds the migration lock of the database file, for {@link #MAX_WAIT} at most.
     * Re-entrant: a thread that already holds it gets a nested lock whose close leaves the outer one in force.
     *
     * @throws DatabaseUnavailableException if another thread or process held it for longer, or this thread
     *                                      was interrupted while waiting
     */
    public static MigrationLock acquire(Path databaseFile) {
        return acquire(databaseFile, true, MAX_WAIT);
    }

    /** As {@link #acquire(Path)}, waiting {@code maxWait} at most. */
    static MigrationLock acquire(Path databaseFile, Duration maxWait) {
        return acquire(databaseFile, true, maxWait);
    }

    /**
     * As {@link #acquire(Path)} for a reader, which must not create the lock file: the lock is taken only
     * if the file exists (or cannot be opened for writing, then only the in-JVM lock). Every migrator creates
     * the file before it writes, so a reader misses the lock only against the very first migration of a
     * database, which it then sees before or after each of its transactions.
     */
    public static MigrationLock acquireIfPresent(Path databaseFile) {
        return acquire(databaseFile, false, MAX_WAIT);
    }

    private static MigrationLock acquire(Path databaseFile, boolean create, Duration maxWait) {
        Path lockFile = lockFileOf(canonical(databaseFile));
        long deadline = System.nanoTime() + maxWait.toNanos();
        ReentrantLock threadLock = enter(lockFile);
        try {
            if (!threadLock.tryLock(maxWait.toNanos(), TimeUnit.NANOSECONDS)) {
                leave(lockFile);
                throw heldTooLong(databaseFile, lockFile, "another thread of this process", maxWait);
            }
        } catch (InterruptedException e) {
            leave(lockFile);
            Thread.currentThread().interrupt();
            throw new DatabaseUnavailableException("interrupted while waiting for the migration of "
                    + databaseFile + " by another thread", e);
        }
        if (threadLock.getHoldCount() > 1) {
            return new MigrationLock(lockFile, threadLock, null, null);
        }
        FileChannel channel = null;
        try {
            if (!create && !Files.isWritable(lockFile)) {
                return new MigrationLock(lockFile, threadLock, null, null);
            }
            channel = create ? FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)
                    : FileChannel.open(lockFile, StandardOpenOption.WRITE);
            FileLock fileLock = lockWithin(channel, deadline, lockFile);
            if (fileLock == null) {
                throw heldTooLong(databaseFile, lockFile, "another process", maxWait);
            }
            return new MigrationLock(lockFile, threadLock, channel, fileLock);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            if (!create && e instanceof NoSuchFileException) { // removed since the check above
                return new MigrationLock(lockFile, threadLock, null, null);
            }
            threadLock.unlock();
            leave(lockFile);
            if (e instanceof DatabaseUnavailableException unavailable) {
                throw unavailable;
            }
            throw new DatabaseUnavailableException("cannot lock " + lockFile + " to migrate " + databaseFile
                    + ": " + e, e);
        }
    }

    /**
     * The OS lock, tried again after short pauses until the deadline; null when it did not come. Polled
     * rather than waited for with {@code lock()}, which has no timeout.
     */
    private static FileLock lockWithin(FileChannel channel, long deadline, Path lockFile) throws IOException {
        long pause = 1;
        while (true) {
            FileLock lock = channel.tryLock();
            long remaining = deadline - System.nanoTime();
            if (lock != null || remaining <= 0) {
                return lock;
            }
            try {
                Thread.sleep(Math.min(pause, TimeUnit.NANOSECONDS.toMillis(remaining) + 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DatabaseUnavailableException("interrupted while waiting for " + lockFile + " to be unlocked",
                        e);
            }
            pause = Math.min(pause * 2, MAX_PAUSE_MILLIS);
        }
    }

    private static DatabaseUnavailableException heldTooLong(Path databaseFile, Path lockFile, String holder,
                                                            Duration maxWait) {
        return new DatabaseUnavailableException(holder + " has been migrating " + databaseFile + " for longer than "
                + SettingValues.format(maxWait) + " (it holds " + lockFile + "); if no migration is running, a stopped "
                + "process holds the lock: end it and open again");
    }

    private static Path canonical(Path databaseFile) {
        Path absolute = databaseFile.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        try {
            return parent == null ? absolute : parent.toRealPath().resolve(absolute.getFileName());
        } catch (IOException e) {
            return absolute; // opening the database will report the missing directory
        }
    }

    @Override
    public void close() {
        if (fileLock == null) {
            threadLock.unlock();
            leave(lockFile);
            return;
        }
        try {
            fileLock.release();
        } catch (IOException ignored) {
            // closing the channel releases it as well
        } finally {
            closeQuietly(channel);
            threadLock.unlock();
            leave(lockFile);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing useful to do
            }
        }
    }
}
