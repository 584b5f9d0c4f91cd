package org.elibrary.internal.db;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import org.elibrary.DatabaseUnavailableException;

/**
 * Serialises migrations of one SQLite file across threads and processes. Flyway takes no lock on SQLite, so
 * two processes opening the same new file at once would both try to create the schema. The lock is an
 * exclusive OS lock on {@code <file>.migrate-lock} beside the database (held only while migrating), plus an
 * in-JVM lock because the OS lock is per process. The lock file is left in place: deleting it would let a
 * waiting process lock the old, unlinked file while a newcomer locks a new one.
 */
public final class MigrationLock implements AutoCloseable {
    private static final ConcurrentMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final ReentrantLock threadLock;
    private final FileChannel channel;
    private final FileLock fileLock;

    private MigrationLock(ReentrantLock threadLock, FileChannel channel, FileLock fileLock) {
        this.threadLock = threadLock;
        this.channel = channel;
        this.fileLock = fileLock;
    }

    /** The path of the lock file for a database file. */
    public static Path lockFileOf(Path databaseFile) {
        return databaseFile.resolveSibling(databaseFile.getFileName() + ".migrate-lock");
    }

    /**
     * Blocks until this thread holds the migration lock of the database file. Re-entrant: a thread that
     * already holds it gets a nested lock whose close leaves the outer one in force.
     */
    public static MigrationLock acquire(Path databaseFile) {
        return acquire(databaseFile, true);
    }

    /**
     * As {@link #acquire(Path)} for a reader, which must not create the lock file: the lock is taken only
     * if the file exists (or cannot be opened for writing, then only the in-JVM lock). Every migrator creates
     * the file before it writes, so a reader misses the lock only against the very first migration of a
     * database, which it then sees before or after each of its transactions.
     */
    public static MigrationLock acquireIfPresent(Path databaseFile) {
        return acquire(databaseFile, false);
    }

    private static MigrationLock acquire(Path databaseFile, boolean create) {
        Path lockFile = lockFileOf(canonical(databaseFile));
        ReentrantLock threadLock = IN_PROCESS.computeIfAbsent(lockFile, p -> new ReentrantLock());
        threadLock.lock();
        if (threadLock.getHoldCount() > 1) {
            return new MigrationLock(threadLock, null, null);
        }
        FileChannel channel = null;
        try {
            if (!create && !Files.isWritable(lockFile)) {
                return new MigrationLock(threadLock, null, null);
            }
            channel = create ? FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)
                    : FileChannel.open(lockFile, StandardOpenOption.WRITE);
            FileLock fileLock = channel.lock();
            return new MigrationLock(threadLock, channel, fileLock);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            if (!create && e instanceof NoSuchFileException) { // removed since the check above
                return new MigrationLock(threadLock, null, null);
            }
            threadLock.unlock();
            throw new DatabaseUnavailableException("cannot lock " + lockFile + " to migrate " + databaseFile
                    + ": " + e, e);
        }
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
            return;
        }
        try {
            fileLock.release();
        } catch (IOException ignored) {
            // closing the channel releases it as well
        } finally {
            closeQuietly(channel);
            threadLock.unlock();
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
