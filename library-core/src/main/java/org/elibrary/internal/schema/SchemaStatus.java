package org.elibrary.internal.schema;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.elibrary.Backend;

/**
 * Where a database stands against the library's migrations.
 *
 * @param currentVersion the version the schema is at; empty for an empty or foreign database, and for a
 *                       Python-app database not yet adopted (which is at V1 in substance)
 * @param latestVersion  the newest migration this library has
 * @param applied        the history, oldest first (a baseline row for an adopted database)
 * @param pending        migrations a migrate would apply, oldest first
 * @param adopted        whether the history starts with a baseline (the database was made by the Python app)
 * @param failed         the applied migrations the history records as failed, oldest first: migrate refuses
 *                       until their rows are removed
 */
public record SchemaStatus(Backend backend, SchemaState state, Optional<String> currentVersion, String latestVersion,
                           List<MigrationStep> applied, List<MigrationStep> pending, boolean adopted,
                           List<MigrationStep> failed) {
    public SchemaStatus {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(currentVersion, "currentVersion");
        Objects.requireNonNull(latestVersion, "latestVersion");
        applied = List.copyOf(applied);
        pending = List.copyOf(pending);
        failed = List.copyOf(failed);
    }

    /** Whether the database is managed, nothing is pending and no migration is recorded as failed. */
    public boolean upToDate() {
        return state == SchemaState.MANAGED && pending.isEmpty() && failed.isEmpty();
    }
}
