package org.elibrary.migrations;

import java.util.List;
import java.util.Objects;

/**
 * The result of {@link Migrations#validate()}.
 *
 * <p>Each problem has a {@link Kind}, so that a deploy step can tell "run migrate" ({@link Kind#PENDING},
 * {@link Kind#EMPTY}, {@link Kind#NOT_ADOPTED}) from problems a person must look at
 * ({@link Kind#CHANGED}, {@link Kind#FAILED}, {@link Kind#MISSING}, {@link Kind#FOREIGN_SCHEMA}):
 * {@link #problemDetails()}, or {@link #kinds()}.
 *
 * @param valid          whether the applied migrations match the library's and none is pending (and, on
 *                       PostgreSQL, no id sequence is behind its table's rows)
 * @param problems       one sentence per problem (a changed, failed, unknown or pending migration; a database
 *                       that is empty, not yet adopted or foreign; an id sequence behind its table's rows, with
 *                       the command that repairs it); empty when valid
 * @param info           where the database stands
 * @param problemDetails the same problems in the same order, each with its kind; when the report was made with
 *                       the three-argument constructor, each is of kind {@link Kind#OTHER}
 */
public record ValidationReport(boolean valid, List<String> problems, SchemaInfo info, List<Problem> problemDetails) {
    /**
     * Checks the components, keeps unmodifiable copies of the lists, and checks that {@code problemDetails}
     * holds the sentences of {@code problems}, in order.
     *
     * @param valid          whether the applied migrations match the library's and none is pending
     * @param problems       one sentence per problem; empty when valid
     * @param info           where the database stands
     * @param problemDetails the same problems, each with its kind
     * @throws NullPointerException     if a component is null, or an element of a list is
     * @throws IllegalArgumentException if {@code problemDetails}' messages are not {@code problems}
     */
    public ValidationReport {
        problems = List.copyOf(problems);
        Objects.requireNonNull(info, "info");
        problemDetails = List.copyOf(problemDetails);
        if (!problemDetails.stream().map(Problem::message).toList().equals(problems)) {
            throw new IllegalArgumentException("problemDetails must hold the messages of problems, in order");
        }
    }

    /**
     * A report whose problems have no kind (the constructor of the versions before {@code problemDetails}):
     * each is of kind {@link Kind#OTHER}.
     *
     * @param valid    whether the applied migrations match the library's and none is pending
     * @param problems one sentence per problem; empty when valid
     * @param info     where the database stands
     * @throws NullPointerException if {@code problems} or {@code info} is null, or a problem is
     */
    public ValidationReport(boolean valid, List<String> problems, SchemaInfo info) {
        this(valid, problems, info, problems.stream().map(problem -> new Problem(Kind.OTHER, problem)).toList());
    }

    /**
     * A report made of its problems.
     *
     * @param valid          whether the applied migrations match the library's and none is pending
     * @param problemDetails the problems, each with its kind; empty when valid
     * @param info           where the database stands
     * @return the report, its {@link #problems()} the problems' messages
     * @throws NullPointerException if a component is null, or a problem is
     */
    public static ValidationReport of(boolean valid, List<Problem> problemDetails, SchemaInfo info) {
        return new ValidationReport(valid, problemDetails.stream().map(Problem::message).toList(), info,
                problemDetails);
    }

    /** {@return the kinds of the problems, in the order of {@link #problems()}; empty when valid} */
    public List<Kind> kinds() {
        return problemDetails.stream().map(Problem::kind).toList();
    }

    /**
     * One problem that {@link Migrations#validate()} found.
     *
     * @param kind    what kind of problem it is, for programs
     * @param message the sentence that says it, for people (the element of {@link ValidationReport#problems()})
     */
    public record Problem(Kind kind, String message) {
        /**
         * Checks that both components are given.
         *
         * @param kind    what kind of problem it is
         * @param message the sentence that says it
         * @throws NullPointerException if a component is null
         */
        public Problem {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * The kinds of problem {@link Migrations#validate()} reports. A schema ahead of this library (migrations a
     * newer library version applied, {@link SchemaInfo#ahead()}) is no problem: it is valid.
     */
    public enum Kind {
        /** The database has no tables. Run {@link Migrations#migrate()} to create the schema. */
        EMPTY,
        /**
         * The Python app's tables without a migration history ({@link SchemaState#PYTHON_APP_SCHEMA}). Run
         * {@link Migrations#migrate()} to adopt it (or {@link Migrations#baseline()} first).
         */
        NOT_ADOPTED,
        /**
         * Tables that are not the library's ({@link SchemaState#FOREIGN}); the message names what differs.
         * Migrate refuses to touch it: point {@code DATABASE_URL} at the right database.
         */
        FOREIGN_SCHEMA,
        /**
         * A migration of this library that the database has not applied yet. Run {@link Migrations#migrate()}.
         */
        PENDING,
        /**
         * An applied migration differs from the library's of the same version (its checksum, description or
         * type): someone edited a migration script after it ran, or this build ships a changed one. Migrate
         * refuses; find out what changed and restore the script (or the database) rather than migrating.
         */
        CHANGED,
        /**
         * The migration history records a migration that failed ({@link SchemaInfo#failed()}): its statements
         * may have run in part (on PostgreSQL a statement outside a transaction) or another tool left the row.
         * Migrate refuses. Fix what made it fail and undo what it did apply, then delete its row
         * ({@code DELETE FROM flyway_schema_history WHERE version = 'N' AND NOT success}, as the message gives it;
         * Flyway's own {@code repair} deletes failed rows too) and run {@link Migrations#migrate()}.
         */
        FAILED,
        /**
         * An applied migration that this library does not have although it is older than the library's latest:
         * a script removed or renamed, or a history written by another tool. Migrate refuses; a person must
         * look at the history.
         */
        MISSING,
        /**
         * PostgreSQL: an id sequence is behind its table's rows (rows inserted with explicit ids), so creates
         * in that table fail with a duplicate id. Run the {@code SELECT setval(…)} the message gives, or
         * {@link Migrations#migrate()}, which moves it.
         */
        SEQUENCE_BEHIND,
        /** Anything else the validation reports; the message says what. */
        OTHER
    }
}
