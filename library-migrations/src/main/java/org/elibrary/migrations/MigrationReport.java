package org.elibrary.migrations;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.elibrary.Backend;

/**
 * What {@link Migrations#migrate()} or {@link Migrations#baseline()} did.
 *
 * @param backend       the database product
 * @param stateBefore   what the database held before
 * @param versionBefore the schema version before, when it was managed
 * @param versionAfter  the schema version now
 * @param applied       the migrations this call applied, oldest first; empty when there was nothing to do
 * @param adopted       whether this call baselined a Python-app database at V1
 */
public record MigrationReport(Backend backend, SchemaState stateBefore, Optional<String> versionBefore,
                              String versionAfter, List<Migration> applied, boolean adopted) {
    /**
     * Checks the components and keeps an unmodifiable copy of {@code applied}.
     *
     * @param backend       the database product
     * @param stateBefore   what the database held before
     * @param versionBefore the schema version before, when it was managed
     * @param versionAfter  the schema version now
     * @param applied       the migrations this call applied, oldest first
     * @param adopted       whether this call baselined a Python-app database at V1
     * @throws NullPointerException if a component is null, or an element of {@code applied} is
     */
    public MigrationReport {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(stateBefore, "stateBefore");
        Objects.requireNonNull(versionBefore, "versionBefore");
        Objects.requireNonNull(versionAfter, "versionAfter");
        applied = List.copyOf(applied);
    }

    /** {@return whether the call changed the database} */
    public boolean changed() {
        return adopted || !applied.isEmpty();
    }
}
