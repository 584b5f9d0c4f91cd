package org.elibrary;

/** The database products the library supports. */
public enum Backend {
    /** An embedded SQLite file (the default, {@code library.db}) or an in-memory database. */
    SQLITE,
    /** A PostgreSQL server. */
    POSTGRESQL
}
