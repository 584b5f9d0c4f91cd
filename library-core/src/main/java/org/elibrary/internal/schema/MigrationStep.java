package org.elibrary.internal.schema;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One migration as the history or the classpath knows it.
 *
 * @param version     for example {@code 2}
 * @param description for example {@code foreign key indexes}
 * @param state       Flyway's state in words, for example {@code Success}, {@code Pending}, {@code Baseline}
 * @param installedOn when it was applied, if it was
 */
public record MigrationStep(String version, String description, String state, Optional<Instant> installedOn) {
    public MigrationStep {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(installedOn, "installedOn");
    }
}
