package org.elibrary.internal.session;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Locale;
import java.util.function.IntPredicate;
import org.apache.ibatis.exceptions.PersistenceException;
import org.elibrary.Backend;
import org.elibrary.ConfigurationException;
import org.elibrary.DatabaseUnavailableException;
import org.elibrary.DuplicateException;
import org.elibrary.LibraryException;
import org.elibrary.NotFoundException;
import org.elibrary.internal.db.Drivers;
import org.elibrary.internal.db.SqliteCodes;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * The one place where database errors become library exceptions, so that one input gives one exception type
 * on both backends: PostgreSQL SQLStates and SQLite extended result codes map to the same classes.
 */
public final class SqlErrors {
    private SqlErrors() {
    }

    /**
     * Translates a failure that escaped a unit of work. Library exceptions pass unchanged; MyBatis and JDBC
     * exceptions become library exceptions; anything else (a caller's own exception) is returned as is.
     *
     * @param uow the unit of work that failed, for the values it was writing; may be null
     */
    public static RuntimeException translate(Throwable failure, Backend backend, UnitOfWork uow) {
        if (failure instanceof LibraryException e) {
            return e;
        }
        SQLException sql = findSqlException(failure);
        if (sql == null) {
            if (failure instanceof PersistenceException) {
                return new DatabaseUnavailableException("database call failed: " + failure.getMessage(), failure);
            }
            if (failure instanceof RuntimeException e) {
                return e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            return new IllegalStateException(failure);
        }
        return translate(sql, backend, uow);
    }

    /** Whether {@code failure} was caused by the database refusing a write on a foreign key. */
    static boolean violatesForeignKey(Throwable failure) {
        return causedBy(failure, code -> code == SqliteCodes.CONSTRAINT_FOREIGNKEY, "23503");
    }

    /** Whether {@code failure} was caused by the database refusing a write on a unique value or primary key. */
    static boolean violatesUnique(Throwable failure) {
        return causedBy(failure, SqlErrors::sqliteUnique, "23505");
    }

    /** Whether a cause of {@code failure} is a SQLite error with a matching extended code, or has {@code sqlState}. */
    private static boolean causedBy(Throwable failure, IntPredicate sqliteCode, String sqlState) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            int code = SqliteCodes.of(cause);
            if (code >= 0 && sqliteCode.test(code)) {
                return true;
            }
            if (cause instanceof SQLException sql && sqlState.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static boolean sqliteUnique(int code) {
        return code == SqliteCodes.CONSTRAINT_UNIQUE || code == SqliteCodes.CONSTRAINT_PRIMARYKEY;
    }

    /** Translates one JDBC exception. */
    public static LibraryException translate(SQLException e, Backend backend, UnitOfWork uow) {
        if (e instanceof SQLTransientConnectionException) {
            return new DatabaseUnavailableException("no database connection became available in time", e);
        }
        if (e.getCause() instanceof InterruptedException) {
            // the pool's wait for a connection, interrupted (the thread keeps its interrupt)
            return new DatabaseUnavailableException("interrupted while waiting for a database connection; the call "
                    + "did nothing", e);
        }
        int sqliteCode = SqliteCodes.of(e);
        if (sqliteCode >= 0) {
            return sqlite(e, sqliteCode, uow);
        }
        if (backend == Backend.SQLITE) {
            // sqlite-jdbc's own refusals carry no SQLite result code: a closed connection, say
            return new DatabaseUnavailableException("the SQLite connection failed: " + e.getMessage(), e);
        }
        return postgres(e, uow);
    }

    private static LibraryException sqlite(SQLException e, int code, UnitOfWork uow) {
        int primary = SqliteCodes.primary(code);
        String message = e.getMessage() == null ? "" : e.getMessage();
        if (sqliteUnique(code)) {
            String field = sqliteConstraintField(message);
            return new DuplicateException(field, valueFor(uow, field, "?"), e);
        }
        if (code == SqliteCodes.CONSTRAINT_FOREIGNKEY) {
            return missingReference(uow, e);
        }
        if (primary == SqliteCodes.BUSY || primary == SqliteCodes.LOCKED) {
            return new DatabaseUnavailableException("the SQLite database is busy (locked by another writer)", e);
        }
        if (primary == SqliteCodes.INTERRUPT) {
            return new DatabaseUnavailableException("statement timed out or was cancelled", e);
        }
        if (primary == SqliteCodes.IOERR || primary == SqliteCodes.FULL || primary == SqliteCodes.CANTOPEN) {
            return new DatabaseUnavailableException("the SQLite database cannot be read or written: " + message, e);
        }
        if (message.contains("no such table") || message.contains("no such column")) {
            return new ConfigurationException("the database does not have the library's schema (run the migrations): "
                    + message, e);
        }
        return new DatabaseUnavailableException("database error: " + message, e);
    }

    private static LibraryException postgres(SQLException e, UnitOfWork uow) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        ServerErrorMessage server = Drivers.POSTGRESQL && e instanceof PSQLException p ? p.getServerErrorMessage()
                : null;
        switch (state) {
            case "23505": {
                String[] key = postgresKey(server);
                String field = key == null ? "unique value" : key[0];
                String value = valueFor(uow, field, key == null ? "?" : key[1]);
                return new DuplicateException(field, value, e);
            }
            case "23503": {
                NotFoundException parsed = postgresMissing(server);
                if (parsed != null && (uow == null || uow.missingEntity() == null)) {
                    parsed.initCause(e);
                    return parsed;
                }
                return missingReference(uow, e);
            }
            case "57014":
                return new DatabaseUnavailableException("statement timed out or was cancelled", e);
            case "40001":
            case "40P01":
                return new DatabaseUnavailableException("transaction conflicted with another one; retry it", e);
            case "42P01":
            case "42703":
                return new ConfigurationException(
                        "the database does not have the library's schema (run the migrations)", e);
            default:
                break;
        }
        if (state.isEmpty()) {
            // pgjdbc's own refusals (a connection it has closed) have no SQLState
            return new DatabaseUnavailableException("the database is unavailable", e);
        }
        if (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")) {
            return new DatabaseUnavailableException("the database is unavailable (SQLState " + state + ")", e);
        }
        return new DatabaseUnavailableException("database error (SQLState " + state + ")", e);
    }

    /** From 'Key (user_id)=(7) is not present in table "user".': not found user id=7. */
    static NotFoundException postgresMissing(ServerErrorMessage server) {
        if (server == null || server.getDetail() == null) {
            return null;
        }
        String detail = server.getDetail();
        int tableAt = detail.indexOf("is not present in table \"");
        int valueOpen = detail.indexOf(")=(");
        if (tableAt < 0 || valueOpen < 0) {
            return null;
        }
        int tableStart = tableAt + "is not present in table \"".length();
        int tableEnd = detail.indexOf('"', tableStart);
        int valueEnd = detail.indexOf(')', valueOpen + 3);
        if (tableEnd < 0 || valueEnd < 0) {
            return null;
        }
        return new NotFoundException(detail.substring(tableStart, tableEnd),
                "id=" + detail.substring(valueOpen + 3, valueEnd));
    }

    private static LibraryException missingReference(UnitOfWork uow, SQLException e) {
        if (uow != null && uow.missingEntity() != null) {
            NotFoundException hint = new NotFoundException(uow.missingEntity(), uow.missingKey());
            hint.initCause(e);
            return hint;
        }
        NotFoundException generic = new NotFoundException("referenced row", "(foreign key)");
        generic.initCause(e);
        return generic;
    }

    private static String valueFor(UnitOfWork uow, String field, String fallback) {
        if (uow != null) {
            String hinted = uow.uniqueValue(field);
            if (hinted != null) {
                return hinted;
            }
        }
        return fallback;
    }

    /** "... UNIQUE constraint failed: book.title)" -> book.title; a composite key -> its table. */
    static String sqliteConstraintField(String message) {
        int at = message.indexOf("failed: ");
        if (at < 0) {
            return "unique value";
        }
        String columns = message.substring(at + "failed: ".length());
        int end = columns.indexOf(')');
        if (end >= 0) {
            columns = columns.substring(0, end);
        }
        columns = columns.trim();
        int comma = columns.indexOf(',');
        if (comma >= 0) {
            int dot = columns.indexOf('.');
            return dot > 0 ? columns.substring(0, dot) : columns;
        }
        return columns;
    }

    /** From "Key (title)=(War)" and table "book": {"book.title", "War"}; composite keys name the table. */
    static String[] postgresKey(ServerErrorMessage server) {
        if (server == null || server.getDetail() == null) {
            return null;
        }
        String detail = server.getDetail();
        String table = server.getTable() == null ? "" : server.getTable();
        int open = detail.indexOf('(');
        int close = detail.indexOf(")=(");
        if (open < 0 || close < 0) {
            return null;
        }
        String columns = detail.substring(open + 1, close);
        int valueEnd = detail.lastIndexOf(')');
        String value = valueEnd > close + 3 ? detail.substring(close + 3, valueEnd) : "?";
        String field = columns.contains(",") ? table : table + "." + columns;
        return new String[] {field.toLowerCase(Locale.ROOT), value};
    }

    /**
     * The JDBC exception behind a failure, looked for through wrappers (MyBatis's, the pool's) but not past a
     * library exception: one in the chain was translated already, and what wraps it is a caller's own.
     */
    private static SQLException findSqlException(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException e) {
                return e;
            }
            if (t instanceof LibraryException) {
                return null;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
