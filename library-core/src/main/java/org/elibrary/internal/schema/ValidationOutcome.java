package org.elibrary.internal.schema;

import java.util.List;
import java.util.Objects;

/**
 * Whether the database's schema history matches the library's migrations and is complete.
 *
 * @param details one entry per problem (a changed, missing, failed or pending migration; an unmanaged
 *                database; on PostgreSQL an id sequence behind its table's rows), each with its kind; empty when
 *                valid
 */
public record ValidationOutcome(boolean valid, List<Problem> details, SchemaStatus status) {
    public ValidationOutcome {
        details = List.copyOf(details);
        Objects.requireNonNull(status, "status");
    }

    /** {@return the problems' sentences, in order} */
    public List<String> problems() {
        return details.stream().map(Problem::message).toList();
    }

    /** One problem: what kind it is (for programs), and the sentence that says it (for people). */
    public record Problem(Kind kind, String message) {
        public Problem {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * The kinds of problem; library-migrations' public {@code ValidationReport.Kind} maps them one to one (its
     * switch has no default, so a kind added here fails compilation there until it is mapped).
     */
    public enum Kind {
        EMPTY, NOT_ADOPTED, FOREIGN_SCHEMA, PENDING, CHANGED, FAILED, MISSING, SEQUENCE_BEHIND, OTHER
    }
}
