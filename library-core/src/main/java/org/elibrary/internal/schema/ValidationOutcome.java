package org.elibrary.internal.schema;

import java.util.List;
import java.util.Objects;

/**
 * Whether the database's schema history matches the library's migrations and is complete.
 *
 * @param problems one line per problem (a changed, missing, failed or pending migration; an unmanaged
 *                 database; on PostgreSQL an id sequence behind its table's rows); empty when valid
 */
public record ValidationOutcome(boolean valid, List<String> problems, SchemaStatus status) {
    public ValidationOutcome {
        problems = List.copyOf(problems);
        Objects.requireNonNull(status, "status");
    }
}
