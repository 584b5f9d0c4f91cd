package org.elibrary.migrations;

import java.util.List;
import java.util.Objects;

/**
 * The result of {@link Migrations#validate()}.
 *
 * @param valid    whether the applied migrations match the library's and none is pending (and, on
 *                 PostgreSQL, no id sequence is behind its table's rows)
 * @param problems one sentence per problem (a changed, failed, unknown or pending migration; a database
 *                 that is empty, not yet adopted or foreign; an id sequence behind its table's rows, with the
 *                 command that repairs it); empty when valid
 * @param info     where the database stands
 */
public record ValidationReport(boolean valid, List<String> problems, SchemaInfo info) {
    /**
     * Checks the components and keeps an unmodifiable copy of {@code problems}.
     *
     * @param valid    whether the applied migrations match the library's and none is pending
     * @param problems one sentence per problem; empty when valid
     * @param info     where the database stands
     * @throws NullPointerException if {@code problems} or {@code info} is null, or a problem is
     */
    public ValidationReport {
        problems = List.copyOf(problems);
        Objects.requireNonNull(info, "info");
    }
}
