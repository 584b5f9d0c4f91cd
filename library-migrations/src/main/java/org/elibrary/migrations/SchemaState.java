package org.elibrary.migrations;

/** What a database holds, as the migrations see it. */
public enum SchemaState {
    /** No tables: {@link Migrations#migrate()} creates the whole schema. */
    EMPTY,
    /**
     * The Python app's five tables without a migration history: {@link Migrations#migrate()} adopts it
     * (baselines it at V1 and applies the later versions), {@link Migrations#baseline()} only baselines it.
     */
    PYTHON_APP_SCHEMA,
    /** A migration history is present: the library's migrations manage the schema. */
    MANAGED,
    /** Tables that are not the library's: every verb that would change the database refuses. */
    FOREIGN
}
