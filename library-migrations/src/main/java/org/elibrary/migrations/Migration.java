package org.elibrary.migrations;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One migration, applied or pending.
 *
 * @param version     for example {@code 2}
 * @param description for example {@code foreign key indexes}
 * @param state       in words, for example {@code Success}, {@code Pending}, {@code Baseline}
 * @param installedOn when it was applied, as the migration history recorded it; empty while pending
 */
public record Migration(String version, String description, String state, Optional<Instant> installedOn) {
    /**
     * Checks that every component is given.
     *
     * @param version     for example {@code 2}
     * @param description for example {@code foreign key indexes}
     * @param state       in words, for example {@code Success}, {@code Pending}, {@code Baseline}
     * @param installedOn when it was applied; empty while pending
     * @throws NullPointerException if a component is null
     */
    public Migration {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(installedOn, "installedOn");
    }
}
