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

/**
 * One connection and its statements, for one repository call or one caller transaction. Not thread-safe:
 * it belongs to the thread that opened it.
 */
public final class UnitOfWork {
    private final Backend backend;
    private final Connection connection;
    private final Statements statements;
    private final boolean transactional;
    private final Thread owner;
    private volatile boolean active = true;
    private LibraryException rollbackCause;
    private int savepoints;
    // Values being written, so that a duplicate on SQLite (whose message has no value) names it.
    private Map<String, String> uniqueValues;
    private String missingEntity;
    private String missingKey;

    UnitOfWork(Backend backend, Connection connection, Statements statements, boolean transactional) {
        this.backend = backend;
        this.connection = connection;
        this.statements = statements;
        this.transactional = transactional;
        this.owner = Thread.currentThread();
    }

    public Backend backend() {
        return backend;
    }

    /** The JDBC connection in use (for the async facade: cancellation, diagnostics). Do not close it. */
    public Connection connection() {
        return connection;
    }

    /** A mapper whose methods run on this unit's connection. */
    public <M> M mapper(Class<M> type) {
        return statements.mapper(type);
    }

    /**
     * Whether bulk rows may go as a {@link #batch} whose missing references the database itself refuses: a
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
     * Runs the insert, update or delete calls that {@code rows} makes on the given mapper as ONE JDBC batch
     * and returns how many rows they changed. On SQLite the statement is compiled once and stepped per row
     * with no statement execution of its own per row; on PostgreSQL the rows go in one round trip. Rows of a
     * {@code MultiRowInsert} go as multi-row statements instead.
     *
     * <p>If the batch fails on a foreign key, {@code missing} names what was missing (it may query: on SQLite
     * the failed statement alone is undone and the transaction stays usable; do not use this on PostgreSQL,
     * which aborts the transaction). Rows of the batch before the failing one may have been written, so the
     * whole transaction can then only roll back, also when it is a caller's.
     */
    public <M> int batch(Class<M> type, Consumer<M> rows, Supplier<LibraryException> missing) {
        DirectMappers.Batch batch = new DirectMappers.Batch();
        rows.accept(statements.batchMapper(type, batch));
        try {
            return batch.execute();
        } catch (SQLException e) {
            if (missing == null || !SqlErrors.violatesForeignKey(e)) {
                throw new DirectMappers.StatementFailure(e);
            }
            throw rollbackOnlyWith(missing.get());
        }
    }

    /**
     * {@link #batch(Class, Consumer, Supplier)} for rows that reference no other row: any failure is the
     * statement's own (a duplicate, say).
     */
    public <M> int batch(Class<M> type, Consumer<M> rows) {
        return batch(type, rows, null);
    }

    /**
     * Marks the transaction as able only to roll back, with {@code cause} as the reason (thrown again if a
     * caller's transaction tries to commit), and returns it: for a bulk write that failed part-way.
     */
    public LibraryException rollbackOnlyWith(LibraryException cause) {
        rollbackOnly(cause);
        return cause;
    }

    /** Whether this unit runs in a transaction (writes, caller transactions) rather than autocommit. */
    public boolean transactional() {
        return transactional;
    }

    /** Whether a statement of this unit failed with {@code failure} on a unique value (see {@link #writing}). */
    public boolean violatesUnique(RuntimeException failure) {
        return SqlErrors.violatesUnique(failure);
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

    String uniqueValue(String field) {
        return uniqueValues == null ? null : uniqueValues.get(field);
    }

    String missingEntity() {
        return missingEntity;
    }

    String missingKey() {
        return missingKey;
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
        return rollbackCause;
    }

    void rollbackOnly(LibraryException cause) {
        if (rollbackCause == null) {
            rollbackCause = cause;
        }
    }

    void restoreRollbackCause(LibraryException cause) {
        rollbackCause = cause;
    }

    Savepoint savepoint() throws SQLException {
        return connection.setSavepoint("elib_sp_" + (++savepoints));
    }
}
