package org.elibrary.internal.session;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.HashMap;
import java.util.Map;
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

    /** Whether this unit runs in a transaction (writes, caller transactions) rather than autocommit. */
    public boolean transactional() {
        return transactional;
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
