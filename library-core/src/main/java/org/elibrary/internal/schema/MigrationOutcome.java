package org.elibrary.internal.schema;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.elibrary.Backend;

/**
 * What a migrate or baseline did.
 *
 * @param stateBefore  what the database held before
 * @param versionBefore the schema version before, if managed
 * @param versionAfter the schema version after
 * @param applied      the migrations applied by this run, oldest first (empty when already up to date)
 * @param adopted      whether this run baselined a Python-app database at V1
 * @param repairs      what an adoption repaired besides, one sentence each (on PostgreSQL, an id sequence
 *                     moved up past its table's largest id); empty otherwise
 */
public record MigrationOutcome(Backend backend, SchemaState stateBefore, Optional<String> versionBefore,
                               String versionAfter, List<MigrationStep> applied, boolean adopted,
                               List<String> repairs) {
    public MigrationOutcome {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(stateBefore, "stateBefore");
        Objects.requireNonNull(versionBefore, "versionBefore");
        Objects.requireNonNull(versionAfter, "versionAfter");
        applied = List.copyOf(applied);
        repairs = List.copyOf(repairs);
    }
}
