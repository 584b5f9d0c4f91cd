package org.elibrary.internal.schema;

/** What a database holds before the library touches it. */
public enum SchemaState {
    /** No tables at all: the migrations create everything. */
    EMPTY,
    /** The Python app's five tables and no migration history: adopted (baselined at V1) on migrate. */
    UNMANAGED_SEED,
    /** A migration history is present: the library's migrations manage it. */
    MANAGED,
    /** Tables that are not the library's schema: never altered. */
    FOREIGN
}
