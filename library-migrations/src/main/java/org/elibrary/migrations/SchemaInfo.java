package org.elibrary.migrations;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.elibrary.Backend;
import org.elibrary.internal.schema.RequiredSchema;
import org.elibrary.internal.schema.SchemaMigrator;

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
 * @param failed         the migrations of {@code applied} that the history records as failed, oldest first;
 *                       empty normally. {@link Migrations#migrate()} refuses while there is one, and
 *                       {@link Migrations#validate()} reports it ({@link ValidationReport.Kind#FAILED}, which says
 *                       what to do); {@code currentVersion} counts it as applied, as the history does
 */
public record SchemaInfo(Backend backend, SchemaState state, Optional<String> currentVersion, String latestVersion,
                         List<Migration> applied, List<Migration> pending, boolean adopted, List<Migration> failed) {
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
     * @param failed         the applied migrations the history records as failed, oldest first
     * @throws NullPointerException if a component is null, or an element of a list is
     */
    public SchemaInfo {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(currentVersion, "currentVersion");
        Objects.requireNonNull(latestVersion, "latestVersion");
        applied = List.copyOf(applied);
        pending = List.copyOf(pending);
        failed = List.copyOf(failed);
    }

    /**
     * Where a database stands, without failed migrations (the constructor of the versions before
     * {@code failed}).
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
    public SchemaInfo(Backend backend, SchemaState state, Optional<String> currentVersion, String latestVersion,
                      List<Migration> applied, List<Migration> pending, boolean adopted) {
        this(backend, state, currentVersion, latestVersion, applied, pending, adopted, List.of());
    }

    /**
     * {@return whether the database is managed, nothing is pending and no migration is recorded as failed} (a
     * failed one may be half applied, and {@link Migrations#migrate()} refuses such a history)
     */
    public boolean upToDate() {
        return state == SchemaState.MANAGED && pending.isEmpty() && failed.isEmpty();
    }

    /**
     * {@return for each {@linkplain #failed() failed} migration, oldest first, a sentence that says it failed and
     * what to do: fix the cause, undo what it applied, delete its row from {@code flyway_schema_history}, run
     * {@link Migrations#migrate()}} Empty normally. The same sentence is {@link Migrations#validate()}'s problem
     * of kind {@link ValidationReport.Kind#FAILED}.
     */
    public List<String> failures() {
        return failed.stream().map(migration -> SchemaMigrator.failed(migration.version(), migration.description()))
                .toList();
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
