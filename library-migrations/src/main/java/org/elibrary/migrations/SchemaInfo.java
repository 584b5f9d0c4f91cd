package org.elibrary.migrations;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.elibrary.Backend;
import org.elibrary.internal.schema.RequiredSchema;

/**
 * Where a database stands against the library's migrations.
 *
 * @param backend        the database product
 * @param state          what the database holds
 * @param currentVersion the schema version; empty for an empty or foreign database and for a Python-app
 *                       database not yet adopted
 * @param latestVersion  the newest migration this library ships
 * @param applied        the history, oldest first; an adopted database's starts with a {@code Baseline} at V1
 * @param pending        what {@link Migrations#migrate()} would apply, oldest first (empty for a foreign schema)
 * @param adopted        whether the database was made by the Python app and baselined
 */
public record SchemaInfo(Backend backend, SchemaState state, Optional<String> currentVersion, String latestVersion,
                         List<Migration> applied, List<Migration> pending, boolean adopted) {
    /**
     * Checks the components and keeps unmodifiable copies of the lists.
     *
     * @param backend        the database product
     * @param state          what the database holds
     * @param currentVersion the schema version, when there is one
     * @param latestVersion  the newest migration this library ships
     * @param applied        the history, oldest first
     * @param pending        what {@link Migrations#migrate()} would apply, oldest first
     * @param adopted        whether the database was made by the Python app and baselined
     * @throws NullPointerException if a component is null, or an element of a list is
     */
    public SchemaInfo {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(currentVersion, "currentVersion");
        Objects.requireNonNull(latestVersion, "latestVersion");
        applied = List.copyOf(applied);
        pending = List.copyOf(pending);
    }

    /** {@return whether the database is managed and nothing is pending} */
    public boolean upToDate() {
        return state == SchemaState.MANAGED && pending.isEmpty();
    }

    /**
     * {@return the applied migrations newer than {@link #latestVersion()}, oldest first: a newer library version
     * applied them} Empty unless the schema is ahead of this library. Such a database is still
     * {@linkplain Migrations#validate() valid} and opens with a warning (later migrations keep the older SQL
     * working), but a deployment that rolls back to this library may want to know.
     */
    public List<Migration> ahead() {
        return applied.stream().filter(migration -> RequiredSchema.compare(migration.version(), latestVersion) > 0)
                .toList();
    }
}
