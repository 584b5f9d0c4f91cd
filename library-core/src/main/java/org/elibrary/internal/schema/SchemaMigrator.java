package org.elibrary.internal.schema;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.elibrary.Backend;
import org.elibrary.ConfigurationException;
import org.elibrary.ForeignKeyViolationException;
import org.elibrary.InvalidInputException;
import org.elibrary.LibraryException;
import org.elibrary.LibrarySettings;
import org.elibrary.internal.config.DatabaseUrl;
import org.elibrary.internal.db.ConnectionErrors;
import org.elibrary.internal.db.MigrationConnections;
import org.elibrary.internal.db.MigrationLock;
import org.elibrary.internal.db.SingleConnectionDataSource;
import org.elibrary.internal.db.SqliteCodes;
import org.elibrary.internal.db.TransactionSettings;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.CoreErrorCode;
import org.flywaydb.core.api.ErrorDetails;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.flywaydb.core.api.output.MigrateOutput;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.api.output.ValidateOutput;
import org.flywaydb.core.api.output.ValidateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a database to the schema this library needs, with the SQL migrations of library-migrations
 * ({@code classpath:org/elibrary/migrations/sql/sqlite} or {@code …/postgresql}, see {@link #scripts}), and
 * tells where a database stands.
 *
 * <p>Before anything is changed the database is classified ({@link SchemaState}): an empty database is
 * migrated from V1; the Python app's five tables without a migration history are adopted (checked for rows
 * that break a foreign key, baselined at V1, then migrated; their data untouched; other tables beside the five
 * are left alone); a database with a history is migrated as Flyway does (validating what was applied);
 * anything else is refused, never altered. To be adopted, the five tables must have the seed's columns, its
 * primary keys, UNIQUE constraints, NOT NULL columns and foreign keys ({@link SeedConstraints}), and the
 * database must hold no object with a name a later migration creates (V2's indexes, V3's search tables,
 * triggers and indexes): either would otherwise surface half-way through the adoption. On PostgreSQL an
 * adoption also moves the id sequences that rows inserted with explicit ids left behind up to their tables'
 * largest ids ({@link IdSequences}), last in the migrations' transaction (or, for a baseline, in one of its
 * own), and validate reports a managed database's sequence that has fallen behind since.
 *
 * <p>On PostgreSQL, migrate and baseline first refuse a database not in UTF8, and before Flyway creates its
 * history table they refuse a schema that does not exist (schemas are never created), a read-only database
 * and a user without the CREATE privilege on the schema ({@link PostgresChecks}): one line each, at once,
 * instead of Flyway's ten retries and multi-line report.
 *
 * <p>A migrate is all or nothing: the pending versions run in one transaction (both databases have
 * transactional DDL), and when they fail, the history table that a first migrate or an adoption created
 * before them is dropped again. The one gap is a process killed between the two: the database is then
 * adopted at V1 (or has an empty history), which the next migrate completes.
 *
 * <p>Everything runs on one connection under a lock, so concurrent migrators see each other's result
 * rather than a half-made schema: on PostgreSQL a transaction advisory lock held on a second connection (a
 * session advisory lock on the one connection of a caller's data source), on SQLite (where Flyway takes no
 * lock) an exclusive lock on {@code <file>.migrate-lock} beside the database file. Flyway's own exceptions
 * never escape: failures to connect become {@link org.elibrary.DatabaseUnavailableException} (or
 * {@link ConfigurationException} for a wrong password or unknown database), everything else
 * {@link ConfigurationException}.
 */
public final class SchemaMigrator {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);
    /** The Flyway history table (Flyway's default name). */
    public static final String HISTORY_TABLE = "flyway_schema_history";
    /** The version a database made by the Python app is baselined at. */
    public static final String SEED_VERSION = "1";
    /** PostgreSQL's SQLState for a lock not granted within {@code lock_timeout}. */
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    /** The seed's tables and their columns, as the Python app's models create them. */
    static final Map<String, Set<String>> SEED_TABLES = seedTables();
    /**
     * Names of the objects the migrations after V1 create (V2's indexes, V3's search tables, their FTS5
     * shadow tables and triggers, or V3's trigram indexes), with the version that creates them. A database
     * to adopt must not have them already: V2 or V3 would fail after the baseline was recorded. Kept in step
     * with the scripts by SchemaMigratorIT, which reads every name they create.
     */
    private static final Map<Backend, List<ReservedName>> RESERVED_NAMES = Map.of(
            Backend.SQLITE, List.of(
                    ReservedName.exact("ix_comment_book_id", "2"),
                    ReservedName.exact("ix_comment_user_id", "2"),
                    ReservedName.exact("ix_author_book_book_id", "2"),
                    // the FTS5 table, its shadow tables (_data, _idx, _docsize, _config) and its triggers
                    ReservedName.prefix("book_title_search", "3"),
                    ReservedName.prefix("author_name_search", "3")),
            Backend.POSTGRESQL, List.of(
                    ReservedName.exact("ix_comment_book_id", "2"),
                    ReservedName.exact("ix_comment_user_id", "2"),
                    ReservedName.exact("ix_author_book_book_id", "2"),
                    ReservedName.exact("ix_book_title_lower_trgm", "3"),
                    ReservedName.exact("ix_author_name_lower_trgm", "3")));
    /** The seed's foreign keys: child table, column, parent table. */
    static final List<String[]> SEED_FOREIGN_KEYS = List.of(
            new String[] {"author_book", "author_id", "author"},
            new String[] {"author_book", "book_id", "book"},
            new String[] {"comment", "user_id", "user"},
            new String[] {"comment", "book_id", "book"});
    /** Key of the PostgreSQL session advisory lock held while classifying and migrating ("elibrar"). */
    static final long ADVISORY_LOCK_KEY = 0x656C6962726172L;

    private SchemaMigrator() {
    }

    /**
     * Classifies the database, adopts a Python-app database, and applies pending migrations.
     *
     * @throws ConfigurationException for a foreign schema or a history that does not match the migrations
     * @throws ForeignKeyViolationException when adopting a database whose rows break a foreign key
     * @throws org.elibrary.DatabaseUnavailableException when the database cannot be reached
     */
    public static MigrationOutcome migrate(DataSource dataSource, Backend backend) {
        return migrate(dataSource, backend, null);
    }

    /** As {@link #migrate(DataSource, Backend)}, naming the database in messages as {@code displayName} (a masked URL). */
    public static MigrationOutcome migrate(DataSource dataSource, Backend backend, String displayName) {
        return migrate(dataSource, backend, displayName, LibrarySettings.DEFAULT_STATEMENT_TIMEOUT);
    }

    /**
     * As {@link #migrate(DataSource, Backend, String)}; on a caller's PostgreSQL data source the wait for the
     * migration lock is bounded by {@code lockWait} where the connection's own {@code lock_timeout} is 0
     * ({@link Duration#ZERO}: not bounded), as {@code DATABASE_STATEMENT_TIMEOUT} bounds it on the library's own
     * migration connections.
     */
    public static MigrationOutcome migrate(DataSource dataSource, Backend backend, String displayName,
                                           Duration lockWait) {
        boolean borrowed = borrowed(displayName);
        Work<Void> refusals = refusals(backend, false, borrowed);
        return locked(dataSource, backend, displayName, lockWait, refusals, (connection, display) -> {
            if (backend == Backend.POSTGRESQL) {
                PostgresChecks.requireUtf8(connection, display);
            } else {
                SqliteChecks.requireFeatures(connection, display);
            }
            Classification found = classify(connection, backend);
            FailedMigration failed = new FailedMigration();
            SequencesCaughtUp sequences = found.state == SchemaState.UNMANAGED_SEED && backend == Backend.POSTGRESQL
                    ? new SequencesCaughtUp(display) : null;
            Flyway flyway = flyway(connection, backend, failed, sequences);
            boolean adopted = false;
            List<String> repairs = List.of();
            if (found.state == SchemaState.FOREIGN) {
                throw refuse(display, found, borrowed);
            }
            if (found.state != SchemaState.MANAGED && backend == Backend.POSTGRESQL) {
                PostgresChecks.requireHistoryCanBeCreated(connection, display, borrowed);
            }
            if (found.state == SchemaState.MANAGED && backend == Backend.POSTGRESQL) {
                PostgresChecks.requireHistoryReadable(connection, display, withoutMigrating(borrowed)
                        + (borrowed ? "" : " in the application") + " and migrate as the schema's owner");
            }
            MigrateResult result;
            try {
                if (found.state == SchemaState.UNMANAGED_SEED) {
                    checkRowsToAdopt(connection, backend, display);
                    flyway.baseline();
                    adopted = true;
                    if (sequences != null) {
                        MigrationInfo[] pending = flyway.info().pending();
                        if (pending.length == 0) {
                            repairs = catchUpSequences(connection, display);
                        } else {
                            sequences.after(pending[pending.length - 1].getVersion().getVersion());
                        }
                    }
                }
                // All pending versions run in one transaction (group): a failure rolls them all back.
                result = flyway.migrate();
                if (sequences != null && sequences.moved() != null) {
                    repairs = sequences.moved();
                }
                if (found.state == SchemaState.MANAGED && backend == Backend.POSTGRESQL) {
                    repairs = catchUpSequencesIfBehind(connection, display);
                }
            } catch (RuntimeException | SQLException e) {
                if (found.state != SchemaState.MANAGED) {
                    undoHistory(connection, backend, e);
                }
                if (e instanceof FlywayValidateException) {
                    // Flyway's message carries Flyway-CLI advice (repair, -ignoreMigrationPatterns); say it our way.
                    throw new ConfigurationException("the migration history of " + display + " does not match "
                            + "this library's migrations: " + String.join("; ", validationProblems(flyway).stream()
                            .map(ValidationOutcome.Problem::message).toList()), e);
                }
                throw translate(e, display, failed.migration(), borrowed);
            }
            List<MigrationStep> applied = new ArrayList<>();
            if (!result.migrations.isEmpty()) {
                // the install times the history recorded, as info() shows them; MigrateOutput has none. Asked
                // only when something was applied, not on every open
                Map<String, Instant> installedOn = new HashMap<>();
                for (MigrationInfo migration : flyway.info().applied()) {
                    if (migration.getVersion() != null && migration.getInstalledOn() != null) {
                        installedOn.put(migration.getVersion().getVersion(), migration.getInstalledOn().toInstant());
                    }
                }
                for (MigrateOutput output : result.migrations) {
                    applied.add(new MigrationStep(output.version, output.description, "Success",
                            Optional.ofNullable(installedOn.get(output.version))));
                }
            }
            // Read from the result rather than asking Flyway again: this runs on every Library.open.
            Optional<String> before = found.state == SchemaState.MANAGED
                    ? Optional.ofNullable(emptyToNull(result.initialSchemaVersion)) : Optional.empty();
            String after = firstNonEmpty(result.targetSchemaVersion, result.initialSchemaVersion,
                    adopted ? SEED_VERSION : "");
            RequiredSchema.warnIfAhead(display, after);
            return new MigrationOutcome(backend, found.state, before, after, applied, adopted, repairs);
        });
    }

    /**
     * Whether the database is managed, fully migrated and valid, found by reading only. Flyway's migrate()
     * writes even when nothing is pending, so on SQLite it needs the write lock; a Library opening an
     * up-to-date file while another process holds a write transaction asks this first, on a connection
     * whose transactions are DEFERRED, and skips migrating. {@code displayName} (a masked URL, or null for the
     * connection's own) names the database in the warning of a schema ahead, as migrate() does.
     */
    public static boolean isUpToDate(DataSource dataSource, Backend backend, String displayName) {
        return locked(dataSource, backend, displayName, null, (connection, display) -> {
            if (backend == Backend.SQLITE) {
                // an up-to-date file opens without migrating: the driver's SQLite is checked here, or not at all
                SqliteChecks.requireFeatures(connection, display);
            }
            if (classify(connection, backend).state != SchemaState.MANAGED) {
                return false;
            }
            // Flyway's validation fails on pending and failed migrations as well as on changed ones, and lets a
            // newer library version's migrations pass (as migrate does), which warnIfAhead then says.
            if (!flyway(connection, backend).validateWithResult().validationSuccessful) {
                return false;
            }
            RequiredSchema.warnIfAhead(display, RequiredSchema.highestApplied(connection));
            return true;
        });
    }

    /** Where the database stands; changes nothing. */
    public static SchemaStatus status(DataSource dataSource, Backend backend) {
        return status(dataSource, backend, null);
    }

    /** As {@link #status(DataSource, Backend)}, naming the database in messages as {@code displayName} (a masked URL). */
    public static SchemaStatus status(DataSource dataSource, Backend backend, String displayName) {
        return locked(dataSource, backend, displayName, null, (connection, display) ->
                status(connection, backend, classifyReadable(connection, backend, display, borrowed(displayName)),
                        flyway(connection, backend)));
    }

    /**
     * Checks that the applied migrations match this library's (names, checksums) and that none is pending;
     * on PostgreSQL also that no id sequence is behind its table's rows. Changes nothing.
     */
    public static ValidationOutcome validate(DataSource dataSource, Backend backend) {
        return validate(dataSource, backend, null);
    }

    /** As {@link #validate(DataSource, Backend)}, naming the database in messages as {@code displayName} (a masked URL). */
    public static ValidationOutcome validate(DataSource dataSource, Backend backend, String displayName) {
        return locked(dataSource, backend, displayName, null, (connection, display) -> {
            Classification found = classifyReadable(connection, backend, display, borrowed(displayName));
            Flyway flyway = flyway(connection, backend);
            SchemaStatus status = status(connection, backend, found, flyway);
            List<ValidationOutcome.Problem> problems = new ArrayList<>();
            switch (found.state) {
                case EMPTY:
                    problems.add(new ValidationOutcome.Problem(ValidationOutcome.Kind.EMPTY,
                            "the database is empty: run migrate to create the schema"));
                    break;
                case UNMANAGED_SEED:
                    problems.add(new ValidationOutcome.Problem(ValidationOutcome.Kind.NOT_ADOPTED,
                            "the database has the Python app's tables but no migration history: run migrate "
                            + "(or baseline) to adopt it"));
                    break;
                case FOREIGN:
                    problems.add(new ValidationOutcome.Problem(ValidationOutcome.Kind.FOREIGN_SCHEMA,
                            found.description));
                    break;
                default:
                    problems.addAll(validationProblems(flyway));
                    if (backend == Backend.POSTGRESQL) {
                        for (String behind : IdSequences.problems(connection)) {
                            problems.add(new ValidationOutcome.Problem(ValidationOutcome.Kind.SEQUENCE_BEHIND, behind));
                        }
                    }
                    break;
            }
            return new ValidationOutcome(problems.isEmpty(), problems, status);
        });
    }

    /**
     * Adopts a Python-app database without migrating it further: checks its foreign keys and records it as
     * V1. A database that is already managed is left as it is.
     *
     * @throws ConfigurationException for an empty database (nothing to baseline) or a foreign schema
     * @throws ForeignKeyViolationException when rows break a foreign key
     */
    public static MigrationOutcome baseline(DataSource dataSource, Backend backend) {
        return baseline(dataSource, backend, null);
    }

    /** As {@link #baseline(DataSource, Backend)}, naming the database in messages as {@code displayName} (a masked URL). */
    public static MigrationOutcome baseline(DataSource dataSource, Backend backend, String displayName) {
        boolean borrowed = borrowed(displayName);
        return locked(dataSource, backend, displayName, refusals(backend, true, borrowed), (connection, display) -> {
            if (backend == Backend.POSTGRESQL) {
                PostgresChecks.requireUtf8(connection, display);
            } else {
                SqliteChecks.requireFeatures(connection, display);
            }
            Classification found = classify(connection, backend);
            Flyway flyway = flyway(connection, backend);
            switch (found.state) {
                case EMPTY:
                    throw emptyBaseline(display);
                case FOREIGN:
                    throw refuse(display, found, borrowed);
                case MANAGED:
                    Optional<String> current = currentVersion(flyway.info());
                    return new MigrationOutcome(backend, found.state, current, current.orElse(""), List.of(), false,
                            List.of());
                default:
                    if (backend == Backend.POSTGRESQL) {
                        PostgresChecks.requireHistoryCanBeCreated(connection, display, borrowed);
                    }
                    checkRowsToAdopt(connection, backend, display);
                    flyway.baseline();
                    List<String> repairs = List.of();
                    if (backend == Backend.POSTGRESQL) {
                        try {
                            repairs = catchUpSequences(connection, display);
                        } catch (SQLException | RuntimeException e) {
                            undoHistory(connection, backend, e);
                            throw e;
                        }
                    }
                    return new MigrationOutcome(backend, found.state, Optional.empty(), SEED_VERSION, List.of(), true,
                            repairs);
            }
        });
    }

    /** What Flyway's validation finds wrong, one phrase per migration with its kind; empty when valid. */
    private static List<ValidationOutcome.Problem> validationProblems(Flyway flyway) {
        ValidateResult result = flyway.validateWithResult();
        List<ValidationOutcome.Problem> problems = new ArrayList<>();
        if (!result.validationSuccessful) {
            for (ValidateOutput invalid : result.invalidMigrations) {
                ValidationOutcome.Kind kind = kind(invalid.errorDetails);
                if (kind == ValidationOutcome.Kind.FAILED && invalid.version != null && !invalid.version.isEmpty()) {
                    // Flyway's sentence ends in advice for its command line (repair), which oneLine drops.
                    problems.add(new ValidationOutcome.Problem(kind, failed(invalid.version, invalid.description)));
                    continue;
                }
                problems.add(new ValidationOutcome.Problem(kind,
                        (invalid.version == null || invalid.version.isEmpty() ? ""
                                : "V" + invalid.version + " " + invalid.description + ": ")
                        + (invalid.errorDetails == null ? "invalid" : oneLine(invalid.errorDetails.errorMessage))));
            }
            if (problems.isEmpty()) {
                problems.add(new ValidationOutcome.Problem(kind(result.errorDetails), result.errorDetails == null
                        ? "validation failed" : oneLine(result.errorDetails.errorMessage)));
            }
        }
        return problems;
    }

    /**
     * A migration the history records as failed, and what to do, in one sentence: for validate's problem and
     * for info. Only its row stops migrate, but a failed migration (on PostgreSQL, statements outside a
     * transaction; or another tool's) may have applied part of its changes, which the next attempt would trip
     * over.
     */
    public static String failed(String version, String description) {
        return "V" + version + " " + description + " failed (its row in " + HISTORY_TABLE + " says so) and may be "
                + "half applied; migrate refuses to run until you fix what made it fail, undo what it applied and "
                + "delete that row (DELETE FROM " + HISTORY_TABLE + " WHERE version = '" + version.replace("'", "''")
                + "' AND NOT success), then run migrate";
    }

    /**
     * The kind of one of Flyway's validation errors, from its public error code (its messages are worded for
     * Flyway's command line and change between releases).
     */
    private static ValidationOutcome.Kind kind(ErrorDetails details) {
        if (details == null || !(details.errorCode instanceof CoreErrorCode code)) {
            return ValidationOutcome.Kind.OTHER;
        }
        switch (code) {
            case RESOLVED_VERSIONED_MIGRATION_NOT_APPLIED:
            case RESOLVED_REPEATABLE_MIGRATION_NOT_APPLIED:
            case OUTDATED_REPEATABLE_MIGRATION:
                return ValidationOutcome.Kind.PENDING;
            case CHECKSUM_MISMATCH:
            case DESCRIPTION_MISMATCH:
            case TYPE_MISMATCH:
                return ValidationOutcome.Kind.CHANGED;
            case FAILED_VERSIONED_MIGRATION:
            case FAILED_REPEATABLE_MIGRATION:
            case FAILED_BASELINE_MIGRATION:
                return ValidationOutcome.Kind.FAILED;
            case APPLIED_VERSIONED_MIGRATION_NOT_RESOLVED:
            case APPLIED_REPEATABLE_MIGRATION_NOT_RESOLVED:
                return ValidationOutcome.Kind.MISSING;
            default:
                return ValidationOutcome.Kind.OTHER;
        }
    }

    /** A Flyway message on one line, without its advice for the Flyway command line (repair, -X, patterns). */
    private static String oneLine(String message) {
        return message == null ? "" : message.lines().map(String::strip).map(line -> line.replaceFirst("^-> ", ""))
                .filter(line -> !line.isEmpty() && !line.contains("repair") && !line.contains("-X")
                        && !line.contains("ignoreMigrationPatterns"))
                .collect(Collectors.joining(", "));
    }

    // --------------------------------------------------------------------------------------- classification

    private static final class Classification {
        final SchemaState state;
        final String description;

        Classification(SchemaState state, String description) {
            this.state = state;
            this.description = description;
        }
    }

    private static Classification classify(Connection connection, Backend backend) throws SQLException {
        Set<String> tables = listTables(connection, backend);
        if (tables.contains(HISTORY_TABLE)) {
            return new Classification(SchemaState.MANAGED, "managed");
        }
        if (tables.isEmpty()) {
            return new Classification(SchemaState.EMPTY, "empty");
        }
        Set<String> missing = new TreeSet<>(SEED_TABLES.keySet());
        missing.removeAll(tables);
        if (!missing.isEmpty()) {
            return new Classification(SchemaState.FOREIGN, "it has tables " + tables + " but not the library's "
                    + missing);
        }
        for (Map.Entry<String, Set<String>> table : SEED_TABLES.entrySet()) {
            Set<String> columns = listColumns(connection, backend, table.getKey());
            if (!columns.equals(table.getValue())) {
                // sorted on both sides, so that the difference shows ([id, title, year] against [id, title])
                return new Classification(SchemaState.FOREIGN, "its table " + table.getKey() + " has columns "
                        + new TreeSet<>(columns) + " where the library expects " + new TreeSet<>(table.getValue()));
            }
        }
        List<String> lacking = SeedConstraints.missing(connection, backend);
        if (!lacking.isEmpty()) {
            return new Classification(SchemaState.FOREIGN, "its tables have the library's names but lack "
                    + String.join(", ", lacking) + ", which the Python app's schema has and the library relies on");
        }
        List<String> clashing = clashingObjects(connection, backend);
        if (!clashing.isEmpty()) {
            return new Classification(SchemaState.FOREIGN, "it already has " + String.join(", ", clashing)
                    + " but no migration history; rename or drop "
                    + (clashing.size() == 1 ? "it" : "them") + " before adopting the database");
        }
        return new Classification(SchemaState.UNMANAGED_SEED, "the Python app's schema");
    }

    /**
     * For info and validate: {@link #classify}, refusing as migrate does a schema that does not exist and a
     * managed database whose history the user may not read.
     */
    private static Classification classifyReadable(Connection connection, Backend backend, String display,
                                                   boolean borrowed) throws SQLException {
        if (backend == Backend.POSTGRESQL) {
            PostgresChecks.requireSchema(connection, display, borrowed);
        }
        Classification found = classify(connection, backend);
        if (found.state == SchemaState.MANAGED && backend == Backend.POSTGRESQL) {
            PostgresChecks.requireHistoryReadable(connection, display, "inspect it as the schema's owner");
        }
        return found;
    }

    /** A name a later migration creates: exactly, or (for SQLite's FTS5 objects) as a prefix. */
    record ReservedName(String name, boolean isPrefix, String version) {
        static ReservedName exact(String name, String version) {
            return new ReservedName(name, false, version);
        }

        static ReservedName prefix(String name, String version) {
            return new ReservedName(name, true, version);
        }

        boolean matches(String candidate) {
            return isPrefix ? candidate.startsWith(name) : candidate.equals(name);
        }
    }

    /** The version of the migration that creates an object of this name, if a migration after V1 does. */
    static Optional<String> reservedBy(Backend backend, String objectName) {
        String name = objectName.toLowerCase(Locale.ROOT);
        return RESERVED_NAMES.get(backend).stream().filter(reserved -> reserved.matches(name))
                .map(ReservedName::version).findFirst();
    }

    /**
     * Objects of the database whose names a migration after V1 would create, as "index ix_… (created by
     * V2)". SQLite's names are case-insensitive; on PostgreSQL an index shares its name space with tables,
     * sequences and views, so every relation of the schema counts.
     */
    private static List<String> clashingObjects(Connection connection, Backend backend) throws SQLException {
        String sql = backend == Backend.SQLITE
                ? "SELECT type, name FROM sqlite_master"
                : "SELECT CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'i' THEN 'index' "
                        + "WHEN 'I' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 'v' THEN 'view' "
                        + "WHEN 'm' THEN 'materialized view' ELSE 'relation' END, c.relname "
                        + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                        + "WHERE n.nspname = current_schema()";
        List<String> clashing = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                String type = rs.getString(1);
                String name = rs.getString(2);
                // PostgreSQL folds the migrations' unquoted names to lower case; a quoted "IX_…" does not clash.
                Optional<String> version = backend == Backend.SQLITE ? reservedBy(backend, name)
                        : name.equals(name.toLowerCase(Locale.ROOT)) ? reservedBy(backend, name) : Optional.empty();
                version.ifPresent(v -> clashing.add(type + " " + name + " (which the library's migration V" + v
                        + " creates)"));
            }
        }
        clashing.sort(Comparator.naturalOrder());
        return clashing;
    }

    /**
     * A managed database's sequences, caught up if a read finds one behind: the Python app (a fixture script, a
     * copy) may have inserted rows with explicit ids since the adoption, after which every create in that table
     * fails. The tables are locked only when a sequence is behind. A repair this role may not make leaves the
     * database as it was, with a warning: the open goes on, and {@code validate} names the repair. A role that
     * may not read the tables or their sequences (one that only reads the catalog, or has USAGE but not SELECT
     * on the sequences) cannot tell whether one is behind: said at INFO, as nothing is known to be wrong.
     */
    private static List<String> catchUpSequencesIfBehind(Connection connection, String display) {
        try {
            if (IdSequences.behind(connection).isEmpty()) {
                return List.of();
            }
        } catch (SQLException e) {
            LOG.info("{}: could not check whether an id sequence is behind its table's rows ({}); validate checks "
                    + "it as a user who may read the tables and their sequences", display, firstLine(e.getMessage()));
            return List.of();
        }
        try {
            return catchUpSequences(connection, display);
        } catch (SQLException e) {
            LOG.warn("{}: an id sequence is behind its table's rows and could not be moved ({}); creates in that "
                    + "table fail until it is (validate names the command)", display, firstLine(e.getMessage()));
            return List.of();
        }
    }

    /**
     * {@link IdSequences#catchUp} in a transaction of its own, for an adoption that applies no migration (a
     * baseline) and for a managed database: there is no migrations' transaction to run it in.
     */
    private static List<String> catchUpSequences(Connection connection, String display) throws SQLException {
        connection.setAutoCommit(false);
        try {
            List<String> moved = IdSequences.catchUp(connection, display);
            connection.commit();
            return moved;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /**
     * After a failed migrate of a database that had no history: the pending versions were rolled back
     * together, but the history table (with the baseline row of an adoption) was committed before them, in a
     * transaction of its own. Dropping it returns the database to what it was (Flyway creates no schema:
     * {@code createSchemas(false)}).
     */
    private static void undoHistory(Connection connection, Backend backend, Exception failure) {
        try {
            if (!connection.getAutoCommit()) {
                connection.rollback();
                connection.setAutoCommit(true);
            }
            if (!listTables(connection, backend).contains(HISTORY_TABLE)) {
                return;
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("DROP TABLE " + HISTORY_TABLE);
            }
        } catch (SQLException | RuntimeException undo) {
            failure.addSuppressed(undo);
        }
    }

    private static ConfigurationException emptyBaseline(String display) {
        return new ConfigurationException("database " + display + " is empty: there is nothing to baseline; run "
                + "migrate to create the schema");
    }

    private static ConfigurationException refuse(String display, Classification found, boolean borrowed) {
        return new ConfigurationException("database " + display + " holds a schema that is not the library's ("
                + found.description + "); it was left unchanged. Point " + ConnectionErrors.urlSetting(borrowed)
                + " at an empty database, one made by the Python app, or one made by this library");
    }

    private static Set<String> listTables(Connection connection, Backend backend) throws SQLException {
        String sql = backend == Backend.SQLITE
                ? "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
                // from the catalog: information_schema shows only the tables the user has a privilege on, and
                // a role that may not read the history would see a managed database as a foreign or empty one
                : "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                        + "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'f')";
        Set<String> names = new TreeSet<>();
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                names.add(rs.getString(1).toLowerCase(Locale.ROOT));
            }
        }
        return names;
    }

    private static Set<String> listColumns(Connection connection, Backend backend, String table) throws SQLException {
        String sql = backend == Backend.SQLITE
                ? "SELECT name FROM pragma_table_info(?)"
                : "SELECT a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
                        + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() "
                        + "AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped";
        Set<String> names = new TreeSet<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, table);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1).toLowerCase(Locale.ROOT));
                }
            }
        }
        return names;
    }

    /**
     * Refuses to adopt rows the library could not serve, the database left as it was: rows that break a foreign
     * key (the Python app's SQLite connections do not enforce them), and rows whose id is 0 or less (written
     * with explicit ids: the library's calls take positive ids only, so it could list such a row but neither
     * look it up, nor page past it, nor export the catalog).
     */
    private static void checkRowsToAdopt(Connection connection, Backend backend, String display) throws SQLException {
        checkForeignKeys(connection, backend, display);
        for (Map.Entry<String, Set<String>> seedTable : SEED_TABLES.entrySet()) {
            String table = seedTable.getKey();
            if (!seedTable.getValue().contains("id")) {
                continue; // author_book: no id of its own
            }
            // fixed identifiers from SEED_TABLES, never user input
            try (Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT count(*), min(id) FROM \"" + table
                         + "\" WHERE id <= 0")) {
                rs.next();
                long count = rs.getLong(1);
                if (count > 0) {
                    throw new InvalidInputException(table + ".id", "must be a positive id: " + count + " row"
                            + (count == 1 ? "" : "s") + " of table " + table + " in " + display + " ha"
                            + (count == 1 ? "s" : "ve") + " an id of 0 or less (the lowest " + rs.getLong(2)
                            + "), which the library could list but not look up, page past or export; give "
                            + (count == 1 ? "it a positive id" : "them positive ids") + " (SELECT * FROM \""
                            + table + "\" WHERE id <= 0 lists them), then adopt the database again; nothing "
                            + "was changed");
                }
            }
        }
    }

    private static void checkForeignKeys(Connection connection, Backend backend, String display) throws SQLException {
        Map<String, Long> violations = backend == Backend.SQLITE
                ? sqliteForeignKeyViolations(connection)
                : postgresForeignKeyViolations(connection);
        if (!violations.isEmpty()) {
            throw new ForeignKeyViolationException(display, violations);
        }
    }

    /** SQLite checks every declared foreign key itself, whether enforcement was on or not. */
    private static Map<String, Long> sqliteForeignKeyViolations(Connection connection) throws SQLException {
        Map<String, Long> byTableAndKey = new TreeMap<>();
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("PRAGMA foreign_key_check")) {
            while (rs.next()) {
                String table = rs.getString("table");
                String parent = rs.getString("parent");
                int fkid = rs.getInt("fkid");
                byTableAndKey.merge(table + "\u0000" + fkid + "\u0000" + parent, 1L, Long::sum);
            }
        }
        Map<String, Long> violations = new LinkedHashMap<>();
        for (Map.Entry<String, Long> entry : byTableAndKey.entrySet()) {
            String[] parts = entry.getKey().split("\u0000");
            String column = foreignKeyColumn(connection, parts[0], Integer.parseInt(parts[1]));
            violations.put(parts[0] + "." + column + " -> " + parts[2], entry.getValue());
        }
        return violations;
    }

    private static String foreignKeyColumn(Connection connection, String table, int fkid) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT \"from\" FROM pragma_foreign_key_list(?) WHERE id = ? ORDER BY seq")) {
            statement.setString(1, table);
            statement.setInt(2, fkid);
            try (ResultSet rs = statement.executeQuery()) {
                List<String> columns = new ArrayList<>();
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
                return columns.isEmpty() ? "?" : String.join(",", columns);
            }
        }
    }

    /**
     * PostgreSQL enforces foreign keys, so violations can only come from disabled triggers or constraints;
     * checked anyway, with one anti-join per seed foreign key.
     */
    private static Map<String, Long> postgresForeignKeyViolations(Connection connection) throws SQLException {
        Map<String, Long> violations = new LinkedHashMap<>();
        for (String[] key : SEED_FOREIGN_KEYS) {
            // Fixed identifiers from SEED_FOREIGN_KEYS, never user input.
            String sql = "SELECT count(*) FROM \"" + key[0] + "\" c WHERE NOT EXISTS (SELECT 1 FROM \"" + key[2]
                    + "\" p WHERE p.id = c." + key[1] + ")";
            try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
                rs.next();
                long count = rs.getLong(1);
                if (count > 0) {
                    violations.put(key[0] + "." + key[1] + " -> " + key[2], count);
                }
            }
        }
        return violations;
    }

    // ------------------------------------------------------------------------------------------------ status

    private static SchemaStatus status(Connection connection, Backend backend, Classification found, Flyway flyway) {
        MigrationInfoService info = flyway.info();
        List<MigrationStep> resolved = new ArrayList<>();
        List<MigrationStep> applied = new ArrayList<>();
        List<MigrationStep> pending = new ArrayList<>();
        List<MigrationStep> failed = new ArrayList<>();
        boolean adopted = false;
        for (MigrationInfo migration : info.all()) {
            if (migration.getVersion() == null) {
                continue;
            }
            MigrationStep step = step(migration);
            if (migration.getState().isResolved() && !migration.getType().isBaseline()) {
                resolved.add(step);
            }
            if (migration.getState().isApplied() || migration.getType().isBaseline()) {
                applied.add(step);
                adopted |= migration.getType().isBaseline();
                if (migration.getState().isFailed()) {
                    failed.add(step);
                }
            }
        }
        for (MigrationInfo migration : info.pending()) {
            pending.add(step(migration));
        }
        String latest = resolved.stream().map(MigrationStep::version).map(MigrationVersion::fromVersion)
                .max(Comparator.naturalOrder()).map(MigrationVersion::getVersion).orElse("");
        switch (found.state) {
            case MANAGED:
                return new SchemaStatus(backend, found.state, currentVersion(info), latest, applied, pending, adopted,
                        failed);
            case UNMANAGED_SEED:
                List<MigrationStep> afterSeed = resolved.stream()
                        .filter(step -> MigrationVersion.fromVersion(step.version())
                                .isNewerThan(MigrationVersion.fromVersion(SEED_VERSION)))
                        .collect(Collectors.toList());
                return new SchemaStatus(backend, found.state, Optional.empty(), latest, List.of(), afterSeed, false,
                        List.of());
            case EMPTY:
                return new SchemaStatus(backend, found.state, Optional.empty(), latest, List.of(), resolved, false,
                        List.of());
            default:
                return new SchemaStatus(backend, found.state, Optional.empty(), latest, List.of(), List.of(), false,
                        List.of());
        }
    }

    private static String emptyToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }

    private static String firstNonEmpty(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null && !candidate.isEmpty()) {
                return candidate;
            }
        }
        return "";
    }

    private static MigrationStep step(MigrationInfo migration) {
        return new MigrationStep(migration.getVersion().getVersion(), migration.getDescription(),
                migration.getState().getDisplayName(),
                Optional.ofNullable(migration.getInstalledOn()).map(date -> date.toInstant()));
    }

    private static Optional<String> currentVersion(MigrationInfoService info) {
        MigrationInfo current = info.current();
        return current == null || current.getVersion() == null ? Optional.empty()
                : Optional.of(current.getVersion().getVersion());
    }

    // ---------------------------------------------------------------------------------------------- plumbing

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection connection, String display) throws SQLException;
    }

    /**
     * The refusals of migrate (and of baseline, which refuses an empty database too), checked on SQLite
     * before the lock is created: a refused file is not touched, not even by creating its lock file. A
     * FOREIGN verdict stands only if there is still no history table: another process adopting the database
     * at the same moment could have shown this one its V2 indexes but not yet its history in one listing.
     */
    private static Work<Void> refusals(Backend backend, boolean refuseEmpty, boolean borrowed) {
        return (connection, display) -> {
            Classification found = classify(connection, backend);
            if (found.state == SchemaState.FOREIGN && !listTables(connection, backend).contains(HISTORY_TABLE)) {
                throw refuse(display, found, borrowed);
            }
            if (found.state == SchemaState.EMPTY && refuseEmpty) {
                throw emptyBaseline(display);
            }
            if (found.state == SchemaState.UNMANAGED_SEED) {
                checkRowsToAdopt(connection, backend, display);
            }
            return null;
        };
    }

    /**
     * Runs the work on one connection under the migration lock. {@code refusals} null means the work only
     * reads: on SQLite it then takes the lock only if the lock file exists, and never creates it. The refusals
     * are read the same way, so that a refused file gets no lock file.
     */
    private static <T> T locked(DataSource dataSource, Backend backend, String displayName, Work<Void> refusals,
                                Work<T> work) {
        return locked(dataSource, backend, displayName, LibrarySettings.DEFAULT_STATEMENT_TIMEOUT, refusals, work);
    }

    /** @param lockWait the bound of a caller's data source's wait for the session lock ({@link #lockSessionLock}) */
    private static <T> T locked(DataSource dataSource, Backend backend, String displayName, Duration lockWait,
                                Work<Void> refusals, Work<T> work) {
        requireMigrationsOnClasspath(backend, borrowed(displayName));
        String display = displayName != null ? displayName
                : "(" + backend.name().toLowerCase(Locale.ROOT) + " database)";
        try (Connection connection = dataSource.getConnection()) {
            if (displayName == null) {
                display = describe(connection);
            }
            if (!connection.getAutoCommit()) {
                connection.setAutoCommit(true);
            }
            if (backend == Backend.SQLITE) {
                Optional<Path> file = sqliteFile(connection);
                if (file.isEmpty()) {
                    return work.run(connection, display);
                }
                if (refusals == null) {
                    try (MigrationLock lock = MigrationLock.acquireIfPresent(file.get())) {
                        return work.run(connection, display);
                    }
                }
                // Under the lock if its file exists (it does once a migration has begun): reading while another
                // opener migrates would wait for it only as long as the busy timeout.
                try (MigrationLock lock = MigrationLock.acquireIfPresent(file.get())) {
                    refusals.run(connection, display);
                }
                try (MigrationLock lock = MigrationLock.acquire(file.get())) {
                    return work.run(connection, display);
                }
            }
            if (dataSource instanceof MigrationConnections own) {
                try (Connection lock = own.getConnectionWithoutSettings()) {
                    holdTransactionLock(lock, own.localSettingsSql());
                    try {
                        // the settings again for each transaction: the connection has them only if a pooler
                        // did not refuse them as startup options
                        return work.run(TransactionSettings.wrap(connection, own.localSettingsSql()), display);
                    } finally {
                        try {
                            lock.rollback();
                        } catch (SQLException ignored) {
                            // closing the connection ends the transaction, and the lock with it
                        }
                    }
                }
            }
            takeSessionLock(connection, display, lockWait);
            try {
                return work.run(connection, display);
            } finally {
                releaseSessionLock(connection, display);
            }
        } catch (LibraryException e) {
            throw e;
        } catch (SQLException | RuntimeException e) {
            throw translate(e, display, null, borrowed(displayName));
        }
    }

    /**
     * Takes the migration lock as a transaction lock in a transaction left open on {@code lock}, a connection
     * of its own: rolled back when the work is done, or ended by the server when the process dies. A session
     * lock taken through a transaction pooler stays with a server connection that goes on to serve other
     * clients, and the unlock may reach another one; a transaction holds its server connection until it ends.
     * The settings are transaction-local for the same reason: the wait is bounded by the migration's
     * {@code lock_timeout}, and a database's {@code idle_in_transaction_session_timeout} must not end the
     * transaction, and the lock, while the migration runs on the other connection ({@code localSettings} sets
     * it to 0, as for each of the migration's transactions).
     */
    private static void holdTransactionLock(Connection lock, String localSettings) throws SQLException {
        lock.setAutoCommit(false);
        try (Statement statement = lock.createStatement()) {
            statement.execute(localSettings);
            statement.execute("SELECT pg_advisory_xact_lock(" + ADVISORY_LOCK_KEY + ")");
        }
    }

    /**
     * A caller's data source (whose pool may hold one connection): the lock is a session lock on the work's
     * own connection. Refused when the next statement finds another server connection, as behind a
     * transaction pooler: the lock would outlive the migration there, blocking every later one. The lock taken
     * is then given back if a statement reaches its server connection again within a second; if none does, the
     * message names that server process. Best effort: a pooler may lend the same server connection twice in a
     * row. The wait for the lock is bounded ({@link #lockSessionLock}), so that a lock left behind cannot make
     * a later migration wait forever.
     */
    private static void takeSessionLock(Connection connection, String display, Duration lockWait)
            throws SQLException {
        long holder = lockSessionLock(connection, lockWait);
        boolean held = false;
        boolean released = false;
        try {
            held = holdsSessionLock(connection);
        } finally {
            if (!held) {
                // also when the check itself failed: the lock must not stay behind
                released = giveBack(connection);
            }
        }
        if (!held) {
            String left = released ? "" : ". The lock stays with server process " + holder + " until its "
                    + "connection ends: later migrations wait for it (SELECT pg_terminate_backend(" + holder
                    + ") ends it)";
            throw new ConfigurationException("the migration lock taken on " + display + " is held by another "
                    + "server connection than the next statement ran on: the data source goes through a "
                    + "transaction pooler (PgBouncer's pool_mode=transaction), which cannot keep a session lock; "
                    + "migrate through a direct or session-pooled URL" + left);
        }
    }

    /**
     * Takes the session lock, waiting at most the connection's {@code lock_timeout}, or {@code lockWait} where
     * that is 0 (then 55P03, as for the library's own connections): the default {@code DATABASE_STATEMENT_TIMEOUT},
     * or {@code Library.builder(dataSource).statementTimeout}; {@link Duration#ZERO} leaves the wait unbounded.
     * The bound is {@code SET LOCAL}, in a transaction of its own: nothing stays on the caller's connection; a
     * session lock outlives the transaction it was taken in.
     *
     * @return the server process that took it
     */
    private static long lockSessionLock(Connection connection, Duration lockWait) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            if (lockWait.toMillis() > 0) {
                statement.execute("SELECT set_config('lock_timeout', '" + lockWait.toMillis() + "', true) "
                        + "WHERE current_setting('lock_timeout') IN ('0', '0ms')");
            }
            long holder;
            try (ResultSet rs = statement.executeQuery("SELECT pg_backend_pid(), pg_advisory_lock("
                    + ADVISORY_LOCK_KEY + ")")) {
                rs.next();
                holder = rs.getLong(1);
            }
            connection.commit();
            return holder;
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** {@link #unlockWithin}, false when it fails: the caller reports the failure it is already handling. */
    private static boolean giveBack(Connection connection) {
        try {
            return unlockWithin(connection);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    private static void releaseSessionLock(Connection connection, String display) {
        try {
            if (!unlockWithin(connection)) {
                LOG.warn("{}: the migration lock was not released: this connection's server session no longer "
                        + "holds it (a transaction pooler?); later migrations wait for it until the server "
                        + "connection that holds it ends (see pg_locks, locktype advisory)", display);
            }
        } catch (SQLException ignored) {
            // the lock goes with the session; closing the connection releases it
        }
    }

    /** Unlocks, asking again for a second while the statements reach a server connection that does not hold it. */
    private static boolean unlockWithin(Connection connection) throws SQLException {
        for (int attempt = 0; attempt < 50; attempt++) {
            if (unlock(connection)) {
                return true;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private static boolean holdsSessionLock(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = "
                     + "'advisory' AND pid = pg_backend_pid() AND granted AND objsubid = 1 AND classid = "
                     + (ADVISORY_LOCK_KEY >>> 32) + " AND objid = " + (ADVISORY_LOCK_KEY & 0xFFFFFFFFL) + ")")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    private static boolean unlock(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT pg_advisory_unlock(" + ADVISORY_LOCK_KEY + ")")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /** {@return how the application opens its Library without migrating: a setting, or a caller's DataSource's call} */
    private static String withoutMigrating(boolean borrowed) {
        return borrowed ? "open the Library without migrating (Library.open(dataSource, false))"
                : "set " + LibrarySettings.DATABASE_MIGRATE_ON_OPEN + "=false";
    }

    /**
     * Whether the database is a caller's {@code DataSource}: the verbs get no {@code displayName} for one (they
     * name it by its connection's URL), and its advice names what its user sets instead of {@code DATABASE_URL}.
     */
    static boolean borrowed(String displayName) {
        return displayName == null;
    }

    static String describe(Connection connection) {
        try {
            // without its parameters: a driver's data source lists every one of its properties there
            String url = connection.getMetaData().getURL();
            int parameters = url.indexOf('?');
            return DatabaseUrl.mask(parameters < 0 ? url : url.substring(0, parameters));
        } catch (SQLException | RuntimeException e) {
            return "(database)";
        }
    }

    /** The main database file of a SQLite connection, or empty when it has none on disk (memory, memdb). */
    private static Optional<Path> sqliteFile(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT file FROM pragma_database_list WHERE name = 'main'")) {
            if (!rs.next()) {
                return Optional.empty();
            }
            String file = rs.getString(1);
            if (file == null || file.isEmpty()) {
                return Optional.empty();
            }
            Path path = Path.of(file);
            return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
        }
    }

    private static Flyway flyway(Connection connection, Backend backend) {
        return flyway(connection, backend, null, null);
    }

    /**
     * {@code failed}, when not null, learns which migration of a {@code migrate()} failed; {@code sequences}:
     * when adopting a PostgreSQL database, else null.
     */
    private static Flyway flyway(Connection connection, Backend backend, FailedMigration failed,
                                 SequencesCaughtUp sequences) {
        FluentConfiguration configuration = Flyway.configure(SchemaMigrator.class.getClassLoader());
        List<Callback> callbacks = new ArrayList<>(2);
        if (backend == Backend.POSTGRESQL) {
            callbacks.add(new TrigramSchemaOnSearchPath());
            if (sequences != null) {
                callbacks.add(sequences);
            }
        }
        if (failed != null) {
            callbacks.add(failed);
        }
        configuration.callbacks(callbacks.toArray(new Callback[0]));
        // PostgreSQL: a schema that does not exist is a mistyped currentSchema/search_path, refused by
        // PostgresChecks, not a new empty catalog. SQLite's one schema always exists, and Flyway's schema
        // creation retries a busy database ten times with a pause of a second.
        configuration.createSchemas(false);
        return configuration
                .dataSource(new SingleConnectionDataSource(connection))
                .locations(location(backend))
                .failOnMissingLocations(true)
                .table(HISTORY_TABLE)
                .baselineVersion(SEED_VERSION)
                .baselineDescription("seed schema of the Python app")
                .validateMigrationNaming(true)
                .group(true)
                .loggers(FlywayLogs.class.getName())
                .cleanDisabled(true)
                .load();
    }

    /**
     * {@return the classpath folder of the backend's migration scripts in library-migrations} Not
     * {@code db/migration}: Spring Boot's own Flyway scans that (recursively) and found two V1s there.
     */
    public static String scripts(Backend backend) {
        return "org/elibrary/migrations/sql/" + backend.name().toLowerCase(Locale.ROOT);
    }

    private static String location(Backend backend) {
        return "classpath:" + scripts(backend);
    }

    private static void requireMigrationsOnClasspath(Backend backend, boolean borrowed) {
        String resource = scripts(backend) + "/V1__seed_schema.sql";
        if (SchemaMigrator.class.getClassLoader().getResource(resource) == null) {
            throw new ConfigurationException("the schema migrations are not on the classpath (" + resource
                    + " is missing): add the dependency org.elibrary:library-migrations, or "
                    + withoutMigrating(borrowed) + " and migrate separately");
        }
    }

    /**
     * The library's exception for a failure while migrating or reading the schema, in its own words.
     * {@code failedMigration} is the migration that failed, when one did.
     */
    private static LibraryException translate(Exception failure, String display, MigrationInfo failedMigration,
                                               boolean borrowed) {
        if (failure instanceof LibraryException) {
            return (LibraryException) failure;
        }
        SQLException sql = findSqlException(failure);
        if (sql != null && isUnavailable(sql)) {
            return ConnectionErrors.translate(LOCK_NOT_AVAILABLE.equals(sql.getSQLState()) ? "migrating" : "reaching",
                    display, sql, null, borrowed);
        }
        if (sql != null && SqliteCodes.primary(SqliteCodes.of(sql)) == SqliteCodes.CORRUPT) {
            // as at open and in later calls: no retry helps, and Flyway's wording says nothing of what to do
            return new ConfigurationException("the schema of " + display + " could not be read: "
                    + SqliteCodes.corrupt(null), failure);
        }
        if (failure instanceof FlywayValidateException) {
            return new ConfigurationException("the migration history of " + display + " does not match this "
                    + "library's migrations: " + firstLine(failure.getMessage()), failure);
        }
        if (failedMigration != null) {
            // Flyway's own message adds Flyway-CLI advice (-X, repair) and the script's jar location.
            MigrationInfo migration = failedMigration;
            String which = migration.getVersion() == null || migration.getVersion() == null ? "a migration"
                    : "migration V" + migration.getVersion().getVersion() + " (" + migration.getDescription() + ")";
            String cause = sql != null ? serverMessage(sql) : firstLine(rootCause(failure).getMessage());
            return new ConfigurationException(which + " of " + display + " failed: " + cause
                    + (failure.getSuppressed().length == 0 ? "; the database was left as it was"
                    : "; undoing the attempt failed too, see the suppressed exception"), failure);
        }
        // Flyway's SQL exceptions (reading or creating its history table, say) dump the SQL state, error code
        // and statement on many lines: their first line and the server's message say it all. Their public
        // mark is the error code DB_CONNECTION with the driver's exception as the cause.
        String detail = sql == null ? failure.getMessage()
                : isFlywaySqlFailure(failure, sql) ? firstLine(failure.getMessage()) + ": " + serverMessage(sql)
                : failure instanceof FlywayException ? failure.getMessage() : serverMessage(sql);
        return new ConfigurationException("the schema of " + display + " could not be migrated or read: " + detail,
                failure);
    }

    private static boolean isFlywaySqlFailure(Exception failure, SQLException sql) {
        return failure instanceof FlywayException flyway && flyway.getErrorCode() == CoreErrorCode.DB_CONNECTION
                && flyway.getCause() == sql;
    }

    /** The driver's message on one line, without pgjdbc's Position and Where lines. */
    private static String serverMessage(SQLException sql) {
        return String.valueOf(sql.getMessage()).lines().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("Position:") && !line.startsWith("Where:"))
                .collect(Collectors.joining(" "));
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.strip().lines().findFirst().orElse("");
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private static SQLException findSqlException(Throwable failure) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException) {
                return (SQLException) t;
            }
        }
        return null;
    }

    private static boolean isUnavailable(SQLException sql) {
        int sqliteCode = SqliteCodes.of(sql);
        if (sqliteCode >= 0) {
            int code = SqliteCodes.primary(sqliteCode);
            return code == SqliteCodes.BUSY || code == SqliteCodes.LOCKED || code == SqliteCodes.CANTOPEN
                    || code == SqliteCodes.READONLY || code == SqliteCodes.NOTADB || code == SqliteCodes.FULL
                    || code == SqliteCodes.PERM || code == SqliteCodes.IOERR;
        }
        String state = sql.getSQLState();
        return state != null && (state.startsWith("08") || state.startsWith("53") || state.startsWith("57P")
                || state.startsWith("28") || state.equals("3D000") || state.equals(LOCK_NOT_AVAILABLE));
    }

    private static Map<String, Set<String>> seedTables() {
        Map<String, Set<String>> tables = new LinkedHashMap<>();
        tables.put("author", Set.of("id", "name"));
        tables.put("book", Set.of("id", "title"));
        tables.put("user", Set.of("id", "username"));
        tables.put("author_book", Set.of("author_id", "book_id"));
        tables.put("comment", Set.of("id", "text", "user_id", "book_id"));
        return tables;
    }
}
