package org.elibrary.migrations;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.elibrary.Backend;
import org.elibrary.internal.schema.RequiredSchema;

/**
 * What {@link Migrations#migrate()} or {@link Migrations#baseline()} did.
 *
 * @param backend       the database product
 * @param stateBefore   what the database held before
 * @param versionBefore the schema version before, when it was managed
 * @param versionAfter  the schema version now
 * @param applied       the migrations this call applied, oldest first; empty when there was nothing to do
 * @param adopted       whether this call baselined a Python-app database at V1
 * @param repairs       what the adoption, or a migrate of a managed database, repaired besides, one sentence
 *                      each: on PostgreSQL, an id sequence that rows inserted with explicit ids had left behind,
 *                      moved past its table's largest id (from which value to which); empty otherwise
 */
public record MigrationReport(Backend backend, SchemaState stateBefore, Optional<String> versionBefore,
                              String versionAfter, List<Migration> applied, boolean adopted, List<String> repairs) {
    /**
     * Checks the components and keeps unmodifiable copies of {@code applied} and {@code repairs}.
     *
     * @param backend       the database product
     * @param stateBefore   what the database held before
     * @param versionBefore the schema version before, when it was managed
     * @param versionAfter  the schema version now
     * @param applied       the migrations this call applied, oldest first
     * @param adopted       whether this call baselined a Python-app database at V1
     * @param repairs       what the adoption repaired besides, one sentence each
     * @throws NullPointerException if a component is null, or an element of {@code applied} or {@code repairs} is
     */
    public MigrationReport {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(stateBefore, "stateBefore");
        Objects.requireNonNull(versionBefore, "versionBefore");
        Objects.requireNonNull(versionAfter, "versionAfter");
        applied = List.copyOf(applied);
        repairs = List.copyOf(repairs);
    }

    /**
     * A report without repairs (the constructor of the versions before {@code repairs}).
     *
     * @param backend       the database product
     * @param stateBefore   what the database held before
     * @param versionBefore the schema version before, when it was managed
     * @param versionAfter  the schema version now
     * @param applied       the migrations this call applied, oldest first
     * @param adopted       whether this call baselined a Python-app database at V1
     * @throws NullPointerException if a component is null, or an element of {@code applied} is
     */
    public MigrationReport(Backend backend, SchemaState stateBefore, Optional<String> versionBefore,
                           String versionAfter, List<Migration> applied, boolean adopted) {
        this(backend, stateBefore, versionBefore, versionAfter, applied, adopted, List.of());
    }

    /**
     * {@return whether the schema is newer than this library's migrations: a newer library version migrated it}
     * Nothing was applied then; see {@link SchemaInfo#ahead()}.
     */
    public boolean ahead() {
        return RequiredSchema.isAhead(versionAfter);
    }

    /** {@return whether the call changed the database} */
    public boolean changed() {
        return adopted || !applied.isEmpty();
    }
}
