package org.elibrary.internal.db;

import java.time.Duration;
import org.elibrary.LibrarySettings;
import org.elibrary.internal.config.SettingValues;
import org.sqlite.SQLiteException;

/**
 * SQLite result codes (https://sqlite.org/rescode.html) of the errors the library tells apart, read from an
 * exception without naming sqlite-jdbc's classes where the driver may be missing: code that runs for both
 * databases calls {@link #of}, whose one reference to {@code SQLiteException} sits in a class of its own
 * that the JVM loads only when sqlite-jdbc is present.
 */
public final class SqliteCodes {
    // primary result codes (an extended code's low byte)
    public static final int PERM = 3;
    public static final int BUSY = 5;
    public static final int LOCKED = 6;
    public static final int READONLY = 8;
    public static final int INTERRUPT = 9;
    public static final int IOERR = 10;
    public static final int CORRUPT = 11;
    public static final int FULL = 13;
    public static final int CONSTRAINT = 19;
    public static final int CANTOPEN = 14;
    public static final int NOTADB = 26;
    // extended result codes
    public static final int READONLY_ROLLBACK = 776;
    public static final int CONSTRAINT_FOREIGNKEY = 787;
    public static final int CONSTRAINT_PRIMARYKEY = 1555;
    public static final int CONSTRAINT_UNIQUE = 2067;

    private SqliteCodes() {
    }

    /** The extended result code of {@code failure} if it is a SQLite error that has one, else -1. */
    public static int of(Throwable failure) {
        return Drivers.SQLITE ? Reader.code(failure) : -1;
    }

    /**
     * What to say of a file SQLite found corrupt (at open or in a later call): it stays so whatever one
     * retries, so the fix is the caller's.
     *
     * @param file the file, or null when it is not known here
     */
    public static String corrupt(String file) {
        return "the database file " + (file == null ? "" : file + " ") + "is corrupt (the disk image is malformed): "
                + "PRAGMA integrity_check tells what is damaged; restore the file from a backup (a damaged full-text "
                + "search index alone can be rebuilt with FTS5's 'rebuild' command)";
    }

    /**
     * What to say of SQLITE_BUSY: another connection (another Library or process) held the lock longer than
     * this one waited. Names {@code SQLITE_BUSY_TIMEOUT} and its value when the library's own busy wait ran out
     * on this thread (a caller's own DataSource has its own timeout).
     */
    public static String busy() {
        long waited = SqliteBusyWait.takeExpired();
        String limit = waited < 0 ? "" : " for longer than " + LibrarySettings.SQLITE_BUSY_TIMEOUT + " ("
                + SettingValues.format(Duration.ofMillis(waited)) + ")";
        return "the SQLite database is busy (locked by another writer" + limit + "); if another program or Library "
                + "keeps write transactions that long, raise " + LibrarySettings.SQLITE_BUSY_TIMEOUT
                + " (on a DataSource of yours: its connections' busy_timeout)";
    }

    /** Whether a result code (extended or not; -1 for none) says another connection's lock is in the way. */
    public static boolean isBusy(int code) {
        return code >= 0 && (primary(code) == BUSY || primary(code) == LOCKED);
    }

    /** The primary result code of an extended one. */
    public static int primary(int code) {
        return code & 0xff;
    }

    private static final class Reader {
        static int code(Throwable failure) {
            return failure instanceof SQLiteException sqlite ? sqlite.getResultCode().code : -1;
        }
    }
}
