package org.elibrary.migrations;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.elibrary.ConfigurationException;
import org.elibrary.ForeignKeyViolationException;
import org.elibrary.InvalidInputException;
import org.elibrary.LibraryException;
import org.elibrary.LibrarySettings;
import org.elibrary.internal.config.DatabaseUrl;
import org.elibrary.internal.schema.RequiredSchema;

/**
 * The migrations from the command line, with the same settings as the library (system properties,
 * environment, {@code .env}):
 *
 * <pre>
 * java -cp … org.elibrary.migrations.MigrationsCommand migrate|info|validate|baseline [--url URL] [--env-file PATH] [--json]
 * </pre>
 *
 * {@code --url} overrides {@code DATABASE_URL}; {@code --env-file} reads that file instead of {@code ./.env};
 * {@code --json} prints the report as one JSON object on one line instead (the fields of {@code library-cli.jar}'s
 * {@code --json} for the same command), and no {@code database:} line; errors stay text on stderr.
 * {@code validate} prints each problem on a line of its own, starting with its {@link ValidationReport.Kind} in
 * brackets ({@code   [PENDING] V3 unicode search: …}); {@code info} names a failed migration with what to do.
 * Exit codes: {@value #OK} done (for {@code validate}: valid); {@value #USAGE} usage error;
 * {@value #INVALID} validation failed, or rows break a foreign key; {@value #UNAVAILABLE} configuration error
 * (missing or bad setting, foreign schema, mismatched history) or database unavailable.
 */
public final class MigrationsCommand {
    /** Success. */
    public static final int OK = 0;
    /** The command line is wrong. */
    public static final int USAGE = 2;
    /** The database is invalid: validation failed, or adoption found rows that break a foreign key. */
    public static final int INVALID = 3;
    /** The settings are wrong or the database cannot be used or reached. */
    public static final int UNAVAILABLE = 4;

    static final String USAGE_TEXT = String.join(System.lineSeparator(),
            "Usage: MigrationsCommand <command> [--url URL] [--env-file PATH] [--json]",
            "",
            "Commands:",
            "  migrate    create or update the schema (adopts a database made by the Python app)",
            "  info       show the schema version, applied and pending migrations",
            "  validate   check the applied migrations match this library's and none is pending",
            "  baseline   adopt a database made by the Python app at V1 without migrating further",
            "",
            "Options:",
            "  --url URL        the database (overrides DATABASE_URL), e.g. sqlite:///./library.db",
            "  --env-file PATH  the .env file to read (default: ./.env)",
            "  --json           print the report as one JSON object on one line",
            "  -h, --help       show this help",
            "",
            "Exit codes: 0 ok, 2 usage, 3 invalid, 4 configuration error or database unavailable");

    private static final List<String> COMMANDS = List.of("migrate", "info", "validate", "baseline");

    private final PrintStream out;
    private final PrintStream err;
    private final Supplier<LibrarySettings.Builder> settingsSource;

    private MigrationsCommand(PrintStream out, PrintStream err, Supplier<LibrarySettings.Builder> settingsSource) {
        this.out = out;
        this.err = err;
        this.settingsSource = settingsSource;
    }

    /**
     * Runs a command with the real environment, printing UTF-8, and exits the JVM with the command's exit code.
     *
     * @param args the command and its options, as in the class documentation
     */
    public static void main(String... args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(out, err, args));
    }

    /**
     * Runs a command with the real environment; returns the exit code instead of exiting.
     *
     * @param out  where the command's report and {@code --help} go
     * @param err  where errors and the usage text after a usage error go
     * @param args the command and its options, as in the class documentation
     * @return the exit code: {@value #OK}, {@value #USAGE}, {@value #INVALID} or {@value #UNAVAILABLE}
     */
    public static int run(PrintStream out, PrintStream err, String... args) {
        return run(() -> LibrarySettings.builder().withEnvironment(), out, err, args);
    }

    /** Runs a command with settings starting from the given builder (tests pass one without the environment). */
    static int run(Supplier<LibrarySettings.Builder> settingsSource, PrintStream out, PrintStream err, String... args) {
        return new MigrationsCommand(out, err, settingsSource).execute(List.of(args));
    }

    private int execute(List<String> args) {
        Request request = parse(args);
        if (request instanceof Help) {
            out.println(USAGE_TEXT);
            return OK;
        }
        if (request instanceof UsageError error) {
            return usage(error.problem());
        }
        Invocation invocation = (Invocation) request;
        try {
            LibrarySettings settings = settings(invocation);
            Migrations migrations = Migrations.from(settings);
            if (invocation.json()) {
                return dispatchJson(invocation.command(), migrations, settings.displayUrl());
            }
            out.println("database: " + settings.displayUrl() + " (" + settings.backend().name().toLowerCase(Locale.ROOT)
                    + ")");
            return dispatch(invocation.command(), migrations);
        } catch (ForeignKeyViolationException | InvalidInputException e) {
            // rows the adoption refused (a broken foreign key, an id of 0 or less): the data, not the setup
            err.println("error: " + e.getMessage());
            return INVALID;
        } catch (LibraryException e) {
            err.println("error: " + e.getMessage());
            return UNAVAILABLE;
        }
    }

    /** What a command line asks for: the usage text, a usage error, or a command to run. */
    private sealed interface Request permits Help, UsageError, Invocation {
    }

    private record Help() implements Request {
    }

    private record UsageError(String problem) implements Request {
    }

    /** A known command; {@code url} and {@code envFile} are null when not given. */
    private record Invocation(String command, String url, Path envFile, boolean json) implements Request {
    }

    /**
     * Reads the arguments. A usage error shows no password: a mistyped option is named without its value, and a
     * stray argument (often a URL given without {@code --url}) is shown with its password masked.
     */
    private static Request parse(List<String> args) {
        String command = null;
        String url = null;
        Path envFile = null;
        boolean json = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = Objects.requireNonNull(args.get(i));
            String value = null;
            String option = arg;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                option = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            switch (option) {
                case "-h":
                case "--help":
                    return new Help();
                case "--json":
                    if (value != null) {
                        return new UsageError("option --json takes no value");
                    }
                    json = true;
                    break;
                case "--url":
                case "--env-file":
                    if (value == null) {
                        if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                            return new UsageError("option " + option + " needs a value");
                        }
                        value = args.get(++i);
                    }
                    if (option.equals("--url")) {
                        url = value;
                    } else {
                        try {
                            envFile = Path.of(value);
                        } catch (InvalidPathException e) {
                            return new UsageError("--env-file: '" + value + "' is not a valid path");
                        }
                    }
                    break;
                default:
                    if (arg.startsWith("-")) {
                        return new UsageError("unknown option " + DatabaseUrl.mask(eq > 0 ? arg.substring(0, eq) : arg));
                    }
                    if (command != null) {
                        return new UsageError("unexpected argument '" + DatabaseUrl.mask(arg) + "' after the command "
                                + DatabaseUrl.mask(command) + (arg.contains(":") ? " (give the database with --url)" : ""));
                    }
                    command = arg;
                    break;
            }
        }
        if (command == null) {
            return new UsageError("no command given");
        }
        if (!COMMANDS.contains(command)) {
            return new UsageError("unknown command '" + DatabaseUrl.mask(command) + "'");
        }
        return new Invocation(command, url, envFile, json);
    }

    private LibrarySettings settings(Invocation invocation) {
        LibrarySettings.Builder builder = settingsSource.get();
        if (invocation.envFile() != null) {
            builder.envFile(named(invocation.envFile()));
        }
        if (invocation.url() != null) {
            builder.databaseUrl(invocation.url()).codeSourceName("--url");
        }
        return builder.build();
    }

    private int dispatch(String command, Migrations migrations) {
        switch (command) {
            case "migrate":
                printMigrate(migrations.migrate());
                return OK;
            case "info":
                printInfo(migrations.info());
                return OK;
            case "validate":
                return printValidate(migrations.validate());
            default:
                printBaseline(migrations.baseline());
                return OK;
        }
    }

    /** {@code --json}: one object per command, with the field names of {@code library-cli.jar --json}. */
    private int dispatchJson(String command, Migrations migrations, String database) {
        switch (command) {
            case "migrate":
                out.println(json(migrations.migrate()));
                return OK;
            case "info":
                SchemaInfo info = migrations.info();
                out.println(new JsonLine().field("backend", info.backend().name().toLowerCase(Locale.ROOT))
                        .field("database", database).field("state", info.state().name())
                        .field("version", info.currentVersion().orElse(null))
                        .field("latest_version", info.latestVersion()).field("pending", versionsOf(info.pending()))
                        .field("adopted", info.adopted()).field("ahead", versionsOf(info.ahead()))
                        .field("failed", versionsOf(info.failed())));
                return OK;
            case "validate":
                ValidationReport report = migrations.validate();
                out.println(new JsonLine().field("valid", report.valid())
                        .field("version", report.info().currentVersion().orElse(null))
                        .field("latest_version", report.info().latestVersion()).field("problems", report.problems())
                        .field("ahead", versionsOf(report.info().ahead()))
                        .field("problem_kinds", report.kinds().stream().map(Enum::name).toList()));
                return report.valid() ? OK : INVALID;
            default:
                out.println(json(migrations.baseline()));
                return OK;
        }
    }

    private static JsonLine json(MigrationReport report) {
        return new JsonLine().field("backend", report.backend().name().toLowerCase(Locale.ROOT))
                .field("state_before", report.stateBefore().name())
                .field("version_before", report.versionBefore().orElse(null)).field("version", report.versionAfter())
                .field("applied", versionsOf(report.applied())).field("adopted", report.adopted())
                .field("ahead", report.ahead()).field("repairs", report.repairs());
    }

    private static List<String> versionsOf(List<Migration> migrations) {
        return migrations.stream().map(Migration::version).toList();
    }

    /**
     * The settings read a missing {@code .env} as an empty one; a file named on the command line must be there,
     * or a typo would migrate whatever database the environment names.
     */
    private static Path named(Path envFile) {
        if (Files.isDirectory(envFile)) {
            throw new ConfigurationException("--env-file " + envFile + " is a directory");
        }
        if (!Files.isRegularFile(envFile)) {
            throw new ConfigurationException("--env-file " + envFile + ": no such file");
        }
        if (!Files.isReadable(envFile)) {
            throw new ConfigurationException("cannot read --env-file " + envFile + ": permission denied");
        }
        return envFile;
    }

    private int usage(String problem) {
        err.println("error: " + problem);
        err.println(USAGE_TEXT);
        return USAGE;
    }

    private void printMigrate(MigrationReport report) {
        if (report.adopted()) {
            out.println("adopted the Python app's database (baselined at version 1)");
        }
        printRepairs(report);
        if (report.applied().isEmpty()) {
            out.println(report.ahead()
                    ? "schema is at version " + report.versionAfter() + ", ahead of this library's migrations (latest "
                            + RequiredSchema.VERSION + "): a newer library version migrated it; nothing to apply"
                    : "schema is up to date at version " + report.versionAfter() + "; nothing to apply");
            return;
        }
        out.println("applied " + report.applied().size() + (report.applied().size() == 1 ? " migration:" : " migrations:"));
        for (Migration migration : report.applied()) {
            out.println("  V" + migration.version() + " " + migration.description());
        }
        out.println("schema is now at version " + report.versionAfter());
    }

    private void printInfo(SchemaInfo info) {
        out.println("state: " + describe(info.state()));
        out.println("current version: " + info.currentVersion().orElse("none"));
        out.println("latest version: " + info.latestVersion());
        if (!info.ahead().isEmpty()) {
            out.println("ahead of this library (applied by a newer version): " + versions(info.ahead()));
        }
        for (String failure : info.failures()) {
            out.println("failed: " + failure);
        }
        out.println("adopted from the Python app: " + (info.adopted() ? "yes" : "no"));
        out.println("applied:" + (info.applied().isEmpty() ? " none" : ""));
        for (Migration migration : info.applied()) {
            out.println("  V" + migration.version() + " " + migration.description() + " [" + migration.state() + "]"
                    + migration.installedOn().map(at -> " " + at).orElse(""));
        }
        out.println("pending:" + (info.pending().isEmpty() ? " none" : ""));
        for (Migration migration : info.pending()) {
            out.println("  V" + migration.version() + " " + migration.description());
        }
    }

    private int printValidate(ValidationReport report) {
        if (report.valid()) {
            List<Migration> ahead = report.info().ahead();
            out.println("valid: schema at version " + report.info().currentVersion().orElse("?")
                    + (ahead.isEmpty() ? " matches the library's migrations"
                            : " is ahead of this library's migrations (latest " + report.info().latestVersion()
                                    + "): " + versions(ahead) + " applied by a newer library version, which this "
                                    + "one does not know; it opens the database with a warning"));
            return OK;
        }
        out.println("invalid:");
        for (ValidationReport.Problem problem : report.problemDetails()) {
            out.println("  [" + problem.kind() + "] " + problem.message());
        }
        return INVALID;
    }

    private static String versions(List<Migration> migrations) {
        return migrations.stream().map(migration -> "V" + migration.version() + " " + migration.description())
                .collect(Collectors.joining(", "));
    }

    private void printBaseline(MigrationReport report) {
        if (report.adopted()) {
            out.println("adopted the Python app's database: baselined at version 1; run migrate to apply "
                    + "the later migrations");
            printRepairs(report);
        } else {
            out.println("already managed at version " + report.versionAfter() + "; nothing to baseline");
        }
    }

    private void printRepairs(MigrationReport report) {
        for (String repair : report.repairs()) {
            out.println("  " + repair);
        }
    }

    private static String describe(SchemaState state) {
        return switch (state) {
            case EMPTY -> "empty (migrate creates the schema)";
            case PYTHON_APP_SCHEMA -> "made by the Python app, not yet adopted (migrate or baseline adopts it)";
            case MANAGED -> "managed by the library's migrations";
            case FOREIGN -> "foreign schema (the library will not change it)";
        };
    }
}
