package org.elibrary.internal.session;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.elibrary.Backend;
import org.elibrary.LibraryException;
import org.elibrary.internal.mapper.SearchQuery;

/**
 * One connection and its statements, for one repository call or one caller transaction. Not thread-safe:
 * it belongs to the thread that opened it.
 */
public final class UnitOfWork {
    private final Backend backend;
    private final Connection connection;
    private final Statements statements;
    private final Thread owner;
    private volatile boolean active = true;
    private LibraryException rollbackCause;
    /** Set by another thread (see {@link #rollbackOnlyFromElsewhere}); never cleared by a savepoint's rollback. */
    private volatile LibraryException doomedElsewhere;
    private int savepoints;
    // Values being written, so that a duplicate on SQLite (whose message has no value) names it.
    private Map<String, String> uniqueValues;
    private String missingEntity;
    private String missingKey;
    /** The id of the missing row, when {@link #referencing(String, long)} named it (missingKey null then). */
    private long missingId;

    UnitOfWork(Backend backend, Connection connection, Statements statements) {
        this.backend = backend;
        this.connection = connection;
        this.statements = statements;
        this.owner = Thread.currentThread();
    }

    public Backend backend() {
        return backend;
    }

    /** The JDBC connection in use (for the async facade: cancellation, diagnostics). Do not close it. */
    public Connection connection() {
        return connection;
    }

    /**
     * Readies this unit's connection for a search statement of {@code query}: on SQLite the scan of a short
     * query (too short for the trigram index) calls the Unicode fold function, registered here, per connection.
     */
    public void prepareSearch(SearchQuery query) throws SQLException {
        if (backend == Backend.SQLITE && !query.fts()) {
            SqliteFunctions.registerFold(connection);
        }
    }

    /** A mapper whose methods run on this unit's connection. */
    public <M> M mapper(Class<M> type) {
        return statements.mapper(type);
    }

    /**
     * Whether bulk rows may go as {@link #insertRows} whose missing references the database itself refuses: a
     * SQLite connection with {@code PRAGMA foreign_keys} on (the library's own connections always have it).
     * Never on PostgreSQL, which aborts the transaction at a failed row, so what was missing could not be
     * looked up afterwards.
     */
    public boolean batchesCheckForeignKeys() {
        if (backend != Backend.SQLITE) {
            return false;
        }
        try {
            return statements.sqliteEnforcesForeignKeys();
        } catch (SQLException e) {
            throw new DirectMappers.StatementFailure(e);
        }
    }

    /**
     * Inserts the rows that {@code rows} writes ({@link RowWriter}: values in the order of the parameters of
     * {@code method}, a one-row insert of the mapper {@code type} whose placeholders take them in that order)
     * and returns how many were inserted: without a mapper call per row, as JDBC batches of the insert (on
     * SQLite the statement is compiled once and stepped per row; on PostgreSQL a batch is one round trip), or
     * as multi-row statements when the method is a {@code MultiRowInsert}.
     *
     * <p>If a row fails on a foreign key, {@code missing} names what was missing (it may query: on SQLite
     * the failed statement alone is undone and the transaction stays usable; do not use this on PostgreSQL,
     * which aborts the transaction). Rows before the failing one may have been written, so the whole
     * transaction can then only roll back, also when it is a caller's.
     */
    public int insertRows(Class<?> type, String method, Consumer<RowWriter> rows, Supplier<LibraryException> missing) {
        try {
            RowWriter writer = statements.rowWriter(type, method);
            rows.accept(writer);
            return writer.finish();
        } catch (DirectMappers.StatementFailure e) {
            if (missing == null || !SqlErrors.violatesForeignKey(e)) {
                throw e;
            }
            throw rollbackOnlyWith(missing.get());
        }
    }

    /**
     * {@link #insertRows(Class, String, Consumer, Supplier)} for rows that reference no other row: any failure
     * is the statement's own (a duplicate, say).
     */
    public int insertRows(Class<?> type, String method, Consumer<RowWriter> rows) {
        return insertRows(type, method, rows, null);
    }

    /**
     * Marks the transaction as able only to roll back, with {@code cause} as the reason (thrown again if a
     * caller's transaction tries to commit), and returns it: for a bulk write that failed part-way.
     */
    public LibraryException rollbackOnlyWith(LibraryException cause) {
        rollbackOnly(cause);
        return cause;
    }

    /** Names the value written to a unique field, for the message of a duplicate error. */
    public void writing(String field, String value) {
        if (uniqueValues == null) {
            uniqueValues = new HashMap<>(4);
        }
        uniqueValues.put(field, value);
    }

    /** Names what a foreign-key failure of the next statements means (a vanished author, book or user). */
    public void referencing(String entity, String key) {
        this.missingEntity = entity;
        this.missingKey = key;
    }

    /**
     * {@link #referencing(String, String)} for the row of {@code entity} with this id; its key
     * ({@code id=...}) is made only if a statement fails, not on every call.
     */
    public void referencing(String entity, long id) {
        this.missingEntity = entity;
        this.missingKey = null;
        this.missingId = id;
    }

    String uniqueValue(String field) {
        return uniqueValues == null ? null : uniqueValues.get(field);
    }

    String missingEntity() {
        return missingEntity;
    }

    String missingKey() {
        return missingKey != null ? missingKey : "id=" + missingId;
    }

    void clearHints() {
        uniqueValues = null;
        missingEntity = null;
        missingKey = null;
    }

    Statements statements() {
        return statements;
    }

    boolean isActive() {
        return active;
    }

    void end() {
        active = false;
    }

    Thread owner() {
        return owner;
    }

    LibraryException rollbackCause() {
        LibraryException cause = rollbackCause;
        return cause != null ? cause : doomedElsewhere;
    }

    /**
     * {@link #rollbackOnly} from a thread other than the owner (which may be parked meanwhile): the whole
     * transaction rolls back, whatever a savepoint's rollback undoes.
     */
    void rollbackOnlyFromElsewhere(LibraryException cause) {
        if (doomedElsewhere == null) {
            doomedElsewhere = cause;
        }
    }

    void rollbackOnly(LibraryException cause) {
        if (rollbackCause == null) {
            rollbackCause = cause;
        }
    }

    /** After a rollback to a savepoint: what failed inside it is undone. */
    void clearRollbackCause() {
        rollbackCause = null;
    }

    Savepoint savepoint() throws SQLException {
        return connection.setSavepoint("elib_sp_" + (++savepoints));
    }
}
