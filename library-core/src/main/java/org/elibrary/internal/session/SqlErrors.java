package org.elibrary.internal.session;

import java.sql.DatabaseMetaData;
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
import org.elibrary.internal.db.ConnectionErrors;
import org.elibrary.internal.db.Drivers;
import org.elibrary.internal.db.SqliteCodes;
import org.elibrary.internal.schema.IdSequences;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * The one place where database errors become library exceptions, so that one input gives one exception type
 * on both backends: PostgreSQL SQLStates and SQLite extended result codes map to the same classes.
 */
public final class SqlErrors {
    /** The severity of an error that ends the statement, not the connection (FATAL) or the server (PANIC). */
    private static final String ERROR = "ERROR";

    private SqlErrors() {
    }

    /**
     * Translates a failure that escaped a unit of work. Library exceptions pass unchanged; MyBatis and JDBC
     * exceptions become library exceptions; anything else (a caller's own exception) is returned as is, or,
     * when it is an {@code Error} or a checked exception (thrown sneakily from a callback: Kotlin, Lombok's
     * {@code @SneakyThrows}), thrown as is from here, so that it reaches the caller unchanged.
     *
     * @param borrowed whether the connections are a caller's {@code DataSource}'s ({@code Database.borrowed()}): advice
     *                 then names its JDBC URL, as it has no {@code DATABASE_URL}
     * @param uow      the unit of work that failed, for the values it was writing; may be null
     */
    public static RuntimeException translate(Throwable failure, Backend backend, boolean borrowed, UnitOfWork uow) {
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
            // a checked exception the callback threw: the caller's own, to come back as it was thrown
            throw SqlErrors.<RuntimeException>sneakyThrow(failure);
        }
        return translate(sql, backend, borrowed, uow);
    }

    /** Throws {@code failure} whatever its type: the compiler cannot tell a checked exception from {@code T}. */
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T sneakyThrow(Throwable failure) throws T {
        throw (T) failure;
    }

    /** Whether {@code failure} was caused by the database refusing a write on a foreign key. */
    static boolean violatesForeignKey(Throwable failure) {
        return causedBy(failure, code -> code == SqliteCodes.CONSTRAINT_FOREIGNKEY, "23503");
    }

    /** Whether {@code failure} was caused by the database refusing a write on a unique value or primary key. */
    public static boolean violatesUnique(Throwable failure) {
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

    /**
     * Translates one JDBC exception, as {@link #translate(Throwable, Backend, boolean, UnitOfWork)} does.
     */
    public static LibraryException translate(SQLException e, Backend backend, boolean borrowed, UnitOfWork uow) {
        if (e instanceof SQLTransientConnectionException timeout) {
            return noConnection(timeout, false, null);
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
        return postgres(e, borrowed, uow);
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
        if (SqliteCodes.isBusy(code)) {
            return new DatabaseUnavailableException(SqliteCodes.busy(), e);
        }
        if (primary == SqliteCodes.INTERRUPT) {
            return new DatabaseUnavailableException("statement timed out or was cancelled", e);
        }
        if (code == SqliteCodes.READONLY) {
            // "attempt to write a readonly database": a connection opened read-only (a caller's pool with a mode=ro
            // URL), or a file or folder this process may not write; no retry helps (the library's own read-only
            // mode refuses its writes before they reach the database)
            return new ConfigurationException("the SQLite database cannot be written through this connection ("
                    + message + "): it was opened read-only (a mode=ro URL), or the file or its folder may not be "
                    + "written; give the library a DataSource that may write, or open it read-only "
                    + "(Library.builder(dataSource).readOnly(true), DATABASE_READ_ONLY=true), which refuses writes "
                    + "before they reach the database", e);
        }
        if (primary == SqliteCodes.CORRUPT) {
            // permanent: retrying reads the same broken pages
            return new ConfigurationException(SqliteCodes.corrupt(sqliteFile(uow)), e);
        }
        if (primary == SqliteCodes.FULL) {
            // no room to grow the file, its -wal or a temporary file (ENOSPC, a quota), or max_page_count reached:
            // reads still work, and once there is room again the same call succeeds. The file is not named: SQLite
            // rolled the transaction back itself, so the library's ROLLBACK failed and the connection is closed.
            return diskFull(message, "free space on the disk of the SQLite file (its -wal and temporary files grow "
                    + "there too), or raise its PRAGMA max_page_count if one is set", e);
        }
        if (primary == SqliteCodes.IOERR || primary == SqliteCodes.CANTOPEN) {
            return new DatabaseUnavailableException("the SQLite database cannot be read or written: " + message, e);
        }
        if (primary == SqliteCodes.CONSTRAINT) {
            // unique and foreign keys are above: what is left (CHECK, NOT NULL, a trigger's RAISE) the library's
            // schema does not have
            return ruleAddedOutside(message, e);
        }
        if (message.contains("no such table") || message.contains("no such column")) {
            LibraryException locked = schemaUnreadable(uow, message, e);
            return locked != null ? locked : new ConfigurationException("the database does not have the library's "
                    + "schema (run the migrations): " + message, e);
        }
        return new DatabaseUnavailableException("database error: " + message, e);
    }

    /**
     * SQLite reports a table as missing when the connection's copy of the schema is out of date (the tables were
     * made by another connection after this one read it) and another connection's lock keeps it from reading the
     * schema again: an EXCLUSIVE lock, which a rollback journal (journal_mode=DELETE) takes to commit. Asking for the
     * table on the same connection tells that case (busy, or the table there after all: worth a retry) from a schema
     * really missing (null). Only the translation of a failure pays for it.
     */
    private static LibraryException schemaUnreadable(UnitOfWork uow, String message, SQLException failure) {
        if (uow == null) {
            return null;
        }
        int at = message.indexOf("no such table: ");
        String table = at < 0 ? "" : message.substring(at + "no such table: ".length()).replaceFirst("^main\\.", "")
                .replaceFirst("\\).*$", "").trim();
        try (java.sql.PreparedStatement statement = uow.connection().prepareStatement(
                "SELECT count(*) FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?")) {
            statement.setString(1, table);
            try (java.sql.ResultSet rows = statement.executeQuery()) {
                if (!rows.next() || rows.getInt(1) == 0) {
                    return null; // the schema could be read: the table (or, for a column, any check) is not there
                }
            }
            return new DatabaseUnavailableException("the SQLite database was locked by another connection while this "
                    + "connection's copy of the schema was out of date (" + message + "); retry", failure);
        } catch (SQLException | RuntimeException check) {
            failure.addSuppressed(check);
            if (SqliteCodes.isBusy(SqliteCodes.of(check))) {
                return new DatabaseUnavailableException(SqliteCodes.busy(), failure);
            }
            return new DatabaseUnavailableException("database error: " + message + " (the schema could not be read "
                    + "to check it)", failure);
        }
    }

    private static LibraryException postgres(SQLException e, boolean borrowed, UnitOfWork uow) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        ServerErrorMessage server = server(e);
        switch (state) {
            case "23505": {
                String[] key = postgresKey(server);
                if (key != null && IdSequences.generatesIds(server.getTable())
                        && key[0].equals(server.getTable() + ".id")) {
                    return sequenceBehind(server, key[1], uow, e);
                }
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
                // the server's words tell its statement_timeout ("due to statement timeout") from a cancel
                return new DatabaseUnavailableException("statement timed out or was cancelled: "
                        + said(e, server, state), e);
            case "40001":
            case "40P01":
                return new DatabaseUnavailableException("transaction conflicted with another one; retry it", e);
            case "42P01":
            case "42703":
                return new ConfigurationException(
                        "the database does not have the library's schema (run the migrations)", e);
            case "42501": {
                String said = said(e, server, state);
                if (!said.startsWith("permission denied")) {
                    // also a row-level security policy refusing this row: the grants are there, the data decides
                    return new ConfigurationException("the database refused the role" + roleOf(uow) + ": " + said, e);
                }
                return new ConfigurationException(said + ": the database role" + roleOf(uow)
                        + " may not read or write that table (or use its id sequence); grant it SELECT, INSERT, "
                        + "UPDATE and DELETE on the library's tables and USAGE on their sequences, or "
                        + (borrowed ? "give the library a DataSource that logs in as a role that may"
                        : "use another DATABASE_URL"), e);
            }
            case "25006":
                if (readOnlyConnection(uow)) {
                    // a caller's pool set read-only (the library's own are only with DATABASE_READ_ONLY, whose
                    // writes never reach the database): no retry helps
                    return new ConfigurationException(said(e, server, state) + ": the DataSource's connections are "
                            + "read-only (its readOnly setting: HikariConfig.setReadOnly, "
                            + "spring.datasource.hikari.read-only); give the library a DataSource that may write, or "
                            + "open it with readOnly(true), which refuses writes before they reach the database", e);
                }
                // often for a while only (a failover under way, an operator's or a managed service's
                // default_transaction_read_only while the disk fills): retrying may succeed, so not a
                // configuration error
                return new DatabaseUnavailableException(said(e, server, state) + ": the database is read-only for "
                        + "now (a standby, a failover under way, or default_transaction_read_only is on); retry "
                        + "later, or point " + ConnectionErrors.urlSetting(borrowed) + " at the primary if this one is "
                        + "a replica", e);
            case "23502":
            case "23514":
            case "23P01":
            case "P0001":
                // the library validates every value its schema constrains: NOT NULL, CHECK, EXCLUDE or a
                // trigger's RAISE EXCEPTION come from rules added outside it
                return ruleAddedOutside(said(e, server, state), e);
            case "42P05":
            case "26000":
                // "prepared statement "S_1" already exists" / "… does not exist": the driver's server-side
                // prepared statements (from a statement's fifth run on) met a server connection that is not the
                // one they were prepared on
                return transactionPooler(said(e, server, state), borrowed, e);
            case "08P01":
                if (bindMismatch(server)) {
                    return transactionPooler(said(e, server, state), borrowed, e);
                }
                break;
            case "25P03":
                // FATAL, sent when the server ended the session: its transaction was rolled back then
                return new DatabaseUnavailableException(said(e, server, state) + ": the transaction stayed idle "
                        + "between two of its statements longer than the database's or role's "
                        + "idle_in_transaction_session_timeout, so the server ended the connection and rolled the "
                        + "transaction back; keep the work between a transaction's calls shorter, or raise that "
                        + "timeout for this role", e);
            case "2200H":
                // nextval past the sequence's largest value (2147483647 for the Python app's SERIAL ids, reached
                // by rows inserted with explicit ids): every later create fails alike, so no retry helps
                return new ConfigurationException(said(e, server, state) + ": the table's id sequence has no id "
                        + "left (rows were inserted with explicit ids up to the largest an INTEGER id can hold), so "
                        + "nothing was written; give the rows with the largest ids smaller ones, then set the "
                        + "sequence back to the table's largest id: SELECT setval('<sequence>', (SELECT max(id) "
                        + "FROM <table>))", e);
            case "53100":
                return diskFull(said(e, server, state), "free space on the database server's disk (its data "
                        + "directory, or the tablespace holding the file named)", e);
            case "22P05":
            case "22021":
                return new ConfigurationException(said(e, server, state) + ": the database's encoding cannot store "
                        + "this text; the library needs a UTF8 database (CREATE DATABASE … ENCODING 'UTF8')", e);
            default:
                break;
        }
        if (state.isEmpty()) {
            // pgjdbc's own refusals (a connection it has closed) have no SQLState
            return new DatabaseUnavailableException("the database is unavailable", e);
        }
        if (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")) {
            return new DatabaseUnavailableException("the database is unavailable: " + said(e, server, state), e);
        }
        return new DatabaseUnavailableException("database error: " + said(e, server, state), e);
    }

    /**
     * A write that found no room for its data, the same on both databases: retryable (the same call succeeds once
     * there is room again, as the database stays readable and unchanged), but saying why and what to do, where a
     * bare "database error" would send the reader to the logs.
     */
    private static DatabaseUnavailableException diskFull(String said, String remedy, SQLException e) {
        return new DatabaseUnavailableException("the disk is full (" + said + "): the call's transaction was "
                + "rolled back, nothing it wrote was kept, and reads still work; " + remedy + ", then retry", e);
    }

    /** Whether the connection of {@code uow} was handed out read-only (JDBC's own flag, no round trip). */
    private static boolean readOnlyConnection(UnitOfWork uow) {
        try {
            return uow != null && uow.connection().isReadOnly();
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    /** The server's error fields of a pgjdbc exception; null for any other (and without pgjdbc on the classpath). */
    private static ServerErrorMessage server(SQLException e) {
        return Drivers.POSTGRESQL && e instanceof PSQLException p ? p.getServerErrorMessage() : null;
    }

    /**
     * Whether a protocol violation is the server refusing to bind a prepared statement to what the driver sent:
     * "bind message has 2 result formats but query has 5 columns", "bind message supplies 2 parameters, but
     * prepared statement "S_3" requires 1". pgjdbc binds the statements it prepared with matching counts, so the
     * name meant another statement on this server connection: a pooler that shares server connections. Told by
     * the server's routine (the message is translated with lc_messages); a pooler's own 08P01 (PgBouncer's
     * "query_wait_timeout", say) names no routine, and pgjdbc's own connection failures carry no server message.
     */
    private static boolean bindMismatch(ServerErrorMessage server) {
        return server != null && (ERROR.equals(server.getSeverity()) && ("exec_bind_message".equals(server.getRoutine())
                || "PortalSetResultFormat".equals(server.getRoutine())));
    }

    /**
     * The driver's prepared statements lost behind a pooler that hands each transaction another server connection
     * (PgBouncer's pool_mode = transaction). Permanent until the URL changes: retrying meets the same statement
     * names on other connections.
     */
    private static ConfigurationException transactionPooler(String said, boolean borrowed, SQLException e) {
        return new ConfigurationException(said + ": the connection goes through a pooler in transaction mode "
                + "(PgBouncer's pool_mode = transaction, for one), which does not keep the driver's prepared "
                + "statements; add prepareThreshold=0 to " + (borrowed ? "the DataSource's JDBC URL (or its "
                + "connection properties)" : "a jdbc:postgresql: DATABASE_URL or prepared_statement_cache_size=0 to "
                + "a SQLAlchemy one") + ", or use session pooling", e);
    }

    /**
     * Whether the server answered the statement behind {@code failure} with an ERROR, over a connection that
     * stayed up, rather than the connection breaking (or a FATAL error ending it, or a pooler's or operator's
     * ERROR of class 08 or 57P saying the server connection went away). Severity is read as the
     * server sends it, in its lc_messages language: on a server that does not say "ERROR" this answers false,
     * the cautious side for a commit. Also true for the FATAL of a session the server ended for idling in a
     * transaction (25P03): it rolled the transaction back before the COMMIT came.
     */
    public static boolean answeredWithError(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof LibraryException && t != failure) {
                return false;
            }
            if (t instanceof SQLException sql) {
                ServerErrorMessage server = server(sql);
                if (server != null && "25P03".equals(server.getSQLState())) {
                    // the session ended for idling in its transaction, which it rolled back before the COMMIT came
                    return true;
                }
                if (server == null || !ERROR.equals(server.getSeverity())) {
                    return false;
                }
                // A connection exception or an operator intervention is no answer to the COMMIT, whatever its
                // severity: a pooler (PgBouncer before level_fatal) sends "server conn crashed?" as an ERROR 08P01
                // after the server may have committed. The server's own bind error is an answer (bindMismatch).
                String state = server.getSQLState();
                return state == null || !(state.startsWith("08") || state.startsWith("57P")) || bindMismatch(server);
            }
        }
        return false;
    }

    /**
     * {@code translated}, the translation of a commit the server answered with an ERROR, saying that nothing was
     * committed and what the server said: PostgreSQL rolls back a transaction whose COMMIT fails with an ERROR
     * (a transaction that had failed, a deferred check, a COMMIT that could not be parsed or bound), so the
     * outcome is known even when the rollback after it failed too.
     */
    public static LibraryException notCommitted(LibraryException translated, Throwable failure) {
        SQLException sql = findSqlException(failure);
        String said = sql == null ? "" : said(sql, server(sql), String.valueOf(sql.getSQLState()));
        String message = "the database answered the commit with an error, so nothing of the call was committed: "
                + translated.getMessage() + (said.isEmpty() || translated.getMessage().contains(said) ? ""
                : " (" + said + ")");
        if (translated instanceof ConfigurationException) {
            return new ConfigurationException(message, translated);
        }
        if (translated instanceof DatabaseUnavailableException) {
            return new DatabaseUnavailableException(message, translated);
        }
        return translated; // a duplicate, a missing row: never taken for committed
    }

    /**
     * A duplicate id in author, book, user or comment. The library's PostgreSQL inserts never name the id
     * column (only its SQLite bulk inserts choose ids), so the id came from the table's sequence, which rows
     * inserted with explicit ids have left behind: a fault of the database's state, which retrying only skips
     * past one id at a time, not a duplicate the caller wrote. The sequence is named when the unit's connection
     * can still be asked (a repository call's, rolled back by now; not a failed transaction of a caller's).
     */
    private static ConfigurationException sequenceBehind(ServerErrorMessage server, String id, UnitOfWork uow,
                                                         SQLException e) {
        String table = server.getTable();
        String sequence = uow == null || uow.connection() == null ? "" : IdSequences.sequenceOf(uow.connection(),
                server.getSchema(), table).map(name -> " " + name).orElse("");
        return new ConfigurationException("the id sequence" + sequence + " of table " + table + " is behind the "
                + "table's rows: it gave the new row id " + id + ", which a row already has (rows inserted with "
                + "explicit ids leave it behind), so nothing was written; bring it up to the table with "
                + IdSequences.repairCommand(table), e);
    }

    /**
     * A row the database refused by a rule the library's schema does not have (another application's migration
     * added a constraint or trigger). Permanent for this row, so not an outage to retry; the fix is the
     * schema's or the data's, which the library cannot tell apart.
     */
    private static ConfigurationException ruleAddedOutside(String said, SQLException e) {
        return new ConfigurationException("the database refused the row by a rule the library's schema does not have "
                + "(a constraint or trigger added outside the library): " + said + "; nothing was written", e);
    }

    /**
     * What the server said, with the SQLState: the primary message only. Its Detail quotes whole rows and is
     * left to the cause; a primary message names objects and at most the offending value (a character it
     * cannot convert, a malformed literal), and cannot hold the password, which is sent (if at all) only while
     * logging in and never in a statement.
     */
    private static String said(SQLException e, ServerErrorMessage server, String state) {
        String message = server != null && server.getMessage() != null ? server.getMessage() : e.getMessage();
        return (message == null ? "" : message + " ") + "(SQLState " + state + ")";
    }

    /** " app_ro", the user the unit's connection logged in as, else "". */
    private static String roleOf(UnitOfWork uow) {
        String user = metaData(uow, true);
        return user == null || user.isEmpty() ? "" : " " + user;
    }

    /** The file of the unit's SQLite connection, or null when it cannot be told. */
    private static String sqliteFile(UnitOfWork uow) {
        String url = metaData(uow, false);
        return url == null ? null : url.replaceFirst("^jdbc:sqlite:", "");
    }

    /**
     * The user name or URL of the unit's connection, or null. Both drivers answer from what the connection
     * was opened with, without a statement, so this works on a connection whose transaction has failed.
     */
    private static String metaData(UnitOfWork uow, boolean user) {
        if (uow == null || uow.connection() == null) {
            return null;
        }
        try {
            DatabaseMetaData meta = uow.connection().getMetaData();
            return user ? meta.getUserName() : meta.getURL();
        } catch (SQLException | RuntimeException e) {
            return null;
        }
    }

    /**
     * A pool's wait for a connection that timed out. {@code oneWriter}: the wait was for the SQLite write
     * lane's only connection, which the pool never fails to create once open: another write transaction of
     * this Library held it. The pool's own failure to connect, if any, is the cause, and the reason the
     * caller needs: a server refusing connections (too many for the role) is no pool-size problem. Without one,
     * the pool's connections all stayed in use.
     *
     * @param secret the password, scrubbed from the reason; may be null
     */
    public static DatabaseUnavailableException noConnection(SQLTransientConnectionException e, boolean oneWriter,
                                                            String secret) {
        String message = "no database connection became available in time";
        Throwable reason = e.getCause();
        if (reason != null) {
            String state = reason instanceof SQLException sql && sql.getSQLState() != null
                    ? " (SQLState " + sql.getSQLState() + ")" : "";
            message += "; the last attempt to connect failed: " + ConnectionErrors.scrub(reason.getMessage(), secret)
                    + state;
        } else if (oneWriter) {
            message += ": this Library writes to SQLite through one connection, and another write transaction of "
                    + "it (a long inTransaction, an import) held that connection for longer than "
                    + "DATABASE_CONNECTION_TIMEOUT; retry, or keep write transactions short";
        } else {
            // the pool failed to connect to nothing: its connections all stayed in use. A transaction joining an
            // asynchronous call holds its connection while the call waits for another, which on a pool of one
            // (or as many such transactions as connections) never comes: that wait lasted the whole timeout
            // with only "not available" to show for it.
            message += ": all of the pool's connections stayed in use (too small a pool for the calls at once, long "
                    + "transactions, or a transaction that waits for an asynchronous call of the same Library, which "
                    + "needs a connection of its own)";
        }
        return new DatabaseUnavailableException(message, e);
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
