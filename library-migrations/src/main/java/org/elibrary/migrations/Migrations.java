package org.elibrary.migrations;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.elibrary.Backend;
import org.elibrary.ConfigurationException;
import org.elibrary.DatabaseUnavailableException;
import org.elibrary.ForeignKeyViolationException;
import org.elibrary.InvalidInputException;
import org.elibrary.LibrarySettings;
import org.elibrary.internal.db.Databases;
import org.elibrary.internal.schema.MigrationOutcome;
import org.elibrary.internal.schema.MigrationStep;
import org.elibrary.internal.schema.SchemaMigrator;
import org.elibrary.internal.schema.SchemaStatus;
import org.elibrary.internal.schema.ValidationOutcome;
import org.sqlite.SQLiteDataSource;

/**
 * The library's schema migrations, for applications that migrate as a separate step (with
 * {@code DATABASE_MIGRATE_ON_OPEN=false}) or want to know where a database stands. Opening a {@code Library}
 * runs the same {@link #migrate()} by default.
 *
 * <pre>{@code
 * MigrationReport report = Migrations.from(LibrarySettings.fromEnvironment()).migrate();
 * }</pre>
 *
 * <p>The migrations are Flyway SQL scripts in this jar ({@code org/elibrary/migrations/sql/sqlite},
 * {@code org/elibrary/migrations/sql/postgresql}); V1 is exactly the schema the Python app creates. A database
 * made by the Python app is adopted: checked for rows that break a foreign key, baselined at V1 and brought up to
 * date, its data untouched; on PostgreSQL its id sequences are moved past ids that rows were inserted with
 * ({@link MigrationReport#repairs()}), then and on any later migrate that finds one behind again. A database
 * holding some other schema is refused and never altered.
 *
 * <p>Each verb opens one connection, works under a lock (a PostgreSQL advisory lock; on SQLite an exclusive
 * lock on {@code <file>.migrate-lock}) so that concurrent migrators wait for each other, and closes it.
 * On SQLite, {@link #info()} and {@link #validate()} read through a read-only connection (the file need
 * only be readable) and never create the lock file, and migrate and baseline check for their refusals
 * before they lock: a database they only look at, or refuse, is left byte for byte as it was (journal mode included). A migrate leaves the journal
 * mode as it found it; a {@code Library} opening the file switches it to WAL. The one exception: the hot journal
 * that a process killed while writing the file left beside it is rolled back first, as any writer (and
 * {@code Library.open}) opening the file does, so that they see the file as it was before that transaction;
 * a file this process may not write cannot be rolled back and is a {@link DatabaseUnavailableException} that
 * says so.
 * Verbs return immutable values and print nothing. Errors are the library's exceptions, never Flyway's:
 * {@link ConfigurationException} (foreign schema, a history that does not match, a wrong password, an
 * unknown database; on PostgreSQL also a database not in UTF8, and, before creating the schema, a schema that
 * does not exist, a read-only database or a user without the CREATE privilege on it),
 * {@link ForeignKeyViolationException} and {@link InvalidInputException} (rows an adoption refuses),
 * {@link DatabaseUnavailableException}.
 * Instances are immutable and thread-safe.
 */
public final class Migrations {
    /** Made when a verb writes: a SQLite file this process may only read can still be inspected. */
    private final Supplier<DataSource> migrationSource;
    private final DataSource inspectionSource;
    private final Backend backend;
    private final String displayName;
    private final Path sqliteFile;

    private Migrations(Supplier<DataSource> migrationSource, DataSource inspectionSource, Backend backend,
                       String displayName, Path sqliteFile) {
        this.migrationSource = migrationSource;
        this.inspectionSource = inspectionSource;
        this.backend = backend;
        this.displayName = displayName;
        this.sqliteFile = sqliteFile;
    }

    /**
     * Migrations of the database the settings name, reached with the settings' connection options
     * (SQLite pragmas, PostgreSQL credentials).
     *
     * @param settings the settings naming the database
     * @return the migrations of that database; nothing is opened until a verb runs
     * @throws ConfigurationException for an in-memory database (it lives only inside one open Library) or a
     *                                SQLite path whose directory does not exist
     */
    public static Migrations from(LibrarySettings settings) {
        Objects.requireNonNull(settings, "settings");
        return new Migrations(() -> Databases.migrationDataSource(settings), Databases.inspectionDataSource(settings),
                settings.backend(), settings.displayUrl(), settings.sqliteFile().orElse(null));
    }

    /**
     * Migrations of the database behind a caller's data source, which is borrowed for one connection per
     * verb and never closed; the backend is detected from the database product name, as
     * {@code Library.open(DataSource)} detects it, on one connection opened and closed here. For SQLite the
     * connections it hands out should enforce foreign keys.
     *
     * @param dataSource the caller's data source
     * @return the migrations of that database
     * @throws ConfigurationException       if the database is neither SQLite nor PostgreSQL, or refuses the
     *                                      login or does not exist
     * @throws DatabaseUnavailableException if {@code dataSource} can give no connection for a reason retrying
     *                                      may fix
     */
    public static Migrations from(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        return from(dataSource, Databases.detectBackend(dataSource));
    }

    /**
     * Migrations of the database behind a caller's data source, which is borrowed for one connection per
     * verb and never closed; opens nothing until a verb runs. For SQLite the connections it hands out should
     * enforce foreign keys. {@link #from(DataSource)} detects the backend instead.
     *
     * @param dataSource the caller's data source
     * @param backend    the database product behind it, as the caller knows it (not checked)
     * @return the migrations of that database
     * @throws ConfigurationException if {@code dataSource} is Spring's {@code TransactionAwareDataSourceProxy},
     *                                whose connection inside a Spring transaction is that transaction's: pass
     *                                the DataSource it wraps
     */
    public static Migrations from(DataSource dataSource, Backend backend) {
        Objects.requireNonNull(dataSource, "dataSource");
        Databases.refuseTransactionAware(dataSource);
        return new Migrations(() -> dataSource, dataSource, Objects.requireNonNull(backend, "backend"), null, null);
    }

    /** {@return the database product these migrations are for} */
    public Backend backend() {
        return backend;
    }

    /**
     * Brings the schema up to date: creates it in an empty database, adopts a Python-app database, applies
     * pending migrations to a managed one. Does nothing (and says so) when up to date; an up-to-date SQLite
     * file is only read then, so a read-only one, or one another process is writing to, is no error.
     *
     * @return what it did: the state and version before, the version now and the migrations applied
     * @throws ConfigurationException       for a foreign schema or a history that does not match the migrations
     * @throws ForeignKeyViolationException when adopting a database whose rows break a foreign key; nothing
     *                                      is changed
     * @throws InvalidInputException        when adopting a database with rows whose id is 0 or less (written
     *                                      with explicit ids), which the library cannot address; nothing is
     *                                      changed
     */
    public MigrationReport migrate() {
        if (sqliteFile != null && Files.exists(sqliteFile)) {
            // Flyway's migrate takes SQLite's write lock even with nothing to apply: an up-to-date file is
            // answered by reading, so that a read-only copy, or a file the application is writing to, is
            // "nothing to apply" rather than an error or a wait for the lock.
            ValidationOutcome current = SchemaMigrator.validate(readingSource(), backend, displayName);
            if (current.valid()) {
                SchemaStatus status = current.status();
                return new MigrationReport(backend, state(status.state()), status.currentVersion(),
                        status.currentVersion().orElseThrow(), List.of(), false, List.of());
            }
        }
        return report(SchemaMigrator.migrate(migrationSource.get(), backend, displayName));
    }

    /**
     * Where the database stands. Changes nothing (on SQLite, but for rolling back a killed writer's journal).
     *
     * @return its state, versions, history and pending migrations
     */
    public SchemaInfo info() {
        return info(SchemaMigrator.status(readingSource(), backend, displayName));
    }

    /**
     * Where read-only verbs look: for a SQLite file of the settings, read-only connections that leave its
     * journal mode alone, so that not a byte of it changes. Opening a SQLite file that does not exist would
     * create it: an empty in-memory database answers the same (empty, everything pending) and leaves the
     * disk untouched.
     */
    private DataSource readingSource() {
        if (sqliteFile == null || Files.exists(sqliteFile)) {
            return inspectionSource;
        }
        SQLiteDataSource empty = new SQLiteDataSource();
        empty.setUrl("jdbc:sqlite::memory:");
        return empty;
    }

    /**
     * Checks that every applied migration matches the library's (checksum, description) and none is pending,
     * and on PostgreSQL that no id sequence is behind its table's rows (rows inserted with explicit ids, after
     * which every create fails until the problem's {@code SELECT setval(…)} is run). Changes nothing (on
     * SQLite, but for rolling back a killed writer's journal); an invalid database is a result, not an
     * exception.
     *
     * @return whether the database is valid, its problems, and where it stands
     */
    public ValidationReport validate() {
        ValidationOutcome outcome = SchemaMigrator.validate(readingSource(), backend, displayName);
        return ValidationReport.of(outcome.valid(), outcome.details().stream()
                .map(problem -> new ValidationReport.Problem(kind(problem.kind()), problem.message())).toList(),
                info(outcome.status()));
    }

    /**
     * Adopts a Python-app database without applying later migrations: checks its foreign keys and records
     * it at V1. A managed database is left as it is.
     *
     * @return what it did; {@link MigrationReport#adopted()} is false when the database was already managed
     * @throws ConfigurationException       for an empty database (run {@link #migrate()}) or a foreign schema
     * @throws ForeignKeyViolationException when rows break a foreign key; nothing is changed
     * @throws InvalidInputException        when rows have an id of 0 or less; nothing is changed
     */
    public MigrationReport baseline() {
        // A SQLite file that does not exist is empty, and refused as such; connecting to it would create it.
        DataSource source = sqliteFile != null && !Files.exists(sqliteFile) ? readingSource() : migrationSource.get();
        return report(SchemaMigrator.baseline(source, backend, displayName));
    }

    @Override
    public String toString() {
        return "Migrations[" + backend + (displayName == null ? "" : " " + displayName) + "]";
    }

    private static MigrationReport report(MigrationOutcome outcome) {
        return new MigrationReport(outcome.backend(), state(outcome.stateBefore()), outcome.versionBefore(),
                outcome.versionAfter(), migrations(outcome.applied()), outcome.adopted(), outcome.repairs());
    }

    private static SchemaInfo info(SchemaStatus status) {
        return new SchemaInfo(status.backend(), state(status.state()), status.currentVersion(), status.latestVersion(),
                migrations(status.applied()), migrations(status.pending()), status.adopted(),
                migrations(status.failed()));
    }

    private static List<Migration> migrations(List<MigrationStep> steps) {
        return steps.stream()
                .map(step -> new Migration(step.version(), step.description(), step.state(), step.installedOn()))
                .collect(Collectors.toList());
    }

    /** Exhaustive, without a default: a kind added to the engine fails compilation here until it is mapped. */
    private static ValidationReport.Kind kind(ValidationOutcome.Kind kind) {
        return switch (kind) {
            case EMPTY -> ValidationReport.Kind.EMPTY;
            case NOT_ADOPTED -> ValidationReport.Kind.NOT_ADOPTED;
            case FOREIGN_SCHEMA -> ValidationReport.Kind.FOREIGN_SCHEMA;
            case PENDING -> ValidationReport.Kind.PENDING;
            case CHANGED -> ValidationReport.Kind.CHANGED;
            case FAILED -> ValidationReport.Kind.FAILED;
            case MISSING -> ValidationReport.Kind.MISSING;
            case SEQUENCE_BEHIND -> ValidationReport.Kind.SEQUENCE_BEHIND;
            case OTHER -> ValidationReport.Kind.OTHER;
        };
    }

    /** Exhaustive, without a default: a state added to the engine fails compilation here until it is mapped. */
    private static SchemaState state(org.elibrary.internal.schema.SchemaState state) {
        return switch (state) {
            case EMPTY -> SchemaState.EMPTY;
            case UNMANAGED_SEED -> SchemaState.PYTHON_APP_SCHEMA;
            case MANAGED -> SchemaState.MANAGED;
            case FOREIGN -> SchemaState.FOREIGN;
        };
    }
}
