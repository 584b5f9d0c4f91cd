package org.elibrary.examples.cli;

import java.io.BufferedOutputStream;
import java.io.Console;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.elibrary.ConfigurationException;
import org.elibrary.LibrarySettings;
import org.elibrary.examples.common.Passwords;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The catalog on the command line: {@code java -jar library-cli.jar [--url URL] [--env-file PATH] [--json]
 * COMMAND}. Built only on the library's public API.
 *
 * <p>Exit codes: 0 success, 2 usage error, 3 invalid input / not found / duplicate, 4 database
 * unavailable or bad configuration (see {@link ExitCodes}).
 */
@Command(name = "library-cli",
        mixinStandardHelpOptions = true,
        version = "elibrary 0.1.0-SNAPSHOT",
        description = "The elibrary catalog: authors, books, users and comments on SQLite or PostgreSQL.",
        subcommands = {
                MigrateCommand.class,
                InfoCommand.class,
                ValidateCommand.class,
                DemoCommand.class,
                AuthorCommand.class,
                BookCommand.class,
                UserCommand.class,
                CommentCommand.class,
                ExportCommand.class,
                ImportCommand.class,
                BenchCommand.class,
        })
public final class LibraryCli implements Callable<Integer> {
    /** The seed's default database, {@code library.db} in the working directory, as its {@code .env} says it. */
    static final String DEFAULT_DATABASE_URL = "sqlite:///./library.db";

    @Option(names = "--url", paramLabel = "URL",
            description = "Database URL, JDBC or SQLAlchemy (overrides DATABASE_URL).")
    String url;

    @Option(names = "--env-file", paramLabel = "PATH",
            description = "The .env file to read settings from (default: .env in the working directory).")
    Path envFile;

    @Option(names = "--json", description = "Print one JSON object per line instead of text for people.")
    boolean json;

    @Spec
    CommandLine.Model.CommandSpec spec;

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> environment;
    private final Path workingDirectory;

    /** A CLI printing to the process's stdout and stderr, both as UTF-8 whatever the platform default. */
    public LibraryCli() {
        this(utf8(FileDescriptor.out), utf8(FileDescriptor.err));
    }

    /**
     * System.out encodes with the platform charset (US-ASCII under a C locale on JDK 17), which would turn
     * Cyrillic into '?'; the CLI writes UTF-8 to the file descriptor itself.
     */
    private static PrintStream utf8(FileDescriptor descriptor) {
        return new PrintStream(new BufferedOutputStream(new FileOutputStream(descriptor), 1 << 16), true,
                StandardCharsets.UTF_8);
    }

    /** A CLI printing to the given streams (tests capture them), with the process's environment. */
    public LibraryCli(PrintStream out, PrintStream err) {
        this(out, err, null, null);
    }

    /**
     * For tests: {@code environment} replaces the process environment and {@code workingDirectory} the
     * process's working directory (where {@code .env} and the default {@code library.db} are); null keeps
     * the process's own.
     */
    LibraryCli(PrintStream out, PrintStream err, Map<String, String> environment, Path workingDirectory) {
        this.out = out;
        this.err = err;
        this.environment = environment;
        this.workingDirectory = workingDirectory;
    }

    public static void main(String... args) {
        System.exit(run(args));
    }

    /** Runs one command line against the process's stdout and stderr; returns the exit code. */
    public static int run(String... args) {
        return new LibraryCli().execute(args);
    }

    /** Runs one command line on this CLI's streams; returns the exit code. */
    public int execute(String... args) {
        CommandLine commandLine = commandLine();
        try {
            return commandLine.execute(args);
        } finally {
            commandLine.getOut().flush();
            commandLine.getErr().flush();
            out.flush();
            err.flush();
        }
    }

    /** The picocli command line, wired to this CLI's streams and exit codes. */
    public CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(this);
        addHelpOptions(commandLine);
        commandLine.setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        commandLine.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        commandLine.setExecutionExceptionHandler(new ExitCodes.Handler());
        commandLine.setParameterExceptionHandler(LibraryCli::usageError);
        return commandLine;
    }

    /**
     * Picocli's own report of a usage error, but with any password masked: a mistyped option name
     * ({@code --ur}) makes picocli list its value, a URL, among the unknown arguments.
     */
    private static int usageError(CommandLine.ParameterException problem, String[] args) {
        CommandLine command = problem.getCommandLine();
        PrintWriter err = command.getErr();
        err.println(Passwords.mask(problem.getMessage(), null));
        if (!CommandLine.UnmatchedArgumentException.printSuggestions(problem, err)) {
            command.usage(err, command.getColorScheme());
        }
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** {@code --help} and {@code --version} on every subcommand too ({@code library-cli bench --help}). */
    private static void addHelpOptions(CommandLine command) {
        for (CommandLine subcommand : command.getSubcommands().values()) {
            subcommand.getCommandSpec().mixinStandardHelpOptions(true);
            addHelpOptions(subcommand);
        }
    }

    @Override
    public Integer call() {
        // No command given: a usage error, like any other malformed command line.
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand");
    }

    /**
     * The settings the global options describe: {@code --url} over system properties over the environment
     * over the {@code .env} file ({@code --env-file} or {@code ./.env}) over the defaults. When nothing sets
     * {@code DATABASE_URL}, the seed's default {@code library.db} in the working directory, said on stderr.
     */
    LibrarySettings settings() {
        LibrarySettings.Builder builder = LibrarySettings.builder().withEnvironment()
                .defaultDatabaseUrl(DEFAULT_DATABASE_URL);
        if (environment != null) {
            builder.environment(environment);
        }
        if (workingDirectory != null) {
            builder.workingDirectory(workingDirectory);
        }
        if (envFile != null) {
            Path file = workingDirectory == null ? envFile : workingDirectory.resolve(envFile);
            requireReadable(file);
            builder.envFile(file);
        }
        if (url != null) {
            builder.databaseUrl(url).codeSourceName("--url");
        }
        LibrarySettings settings = builder.build();
        if (settings.databaseUrlSource() == LibrarySettings.Source.DEFAULT) {
            err.println("DATABASE_URL is not set; using " + settings.sqliteFile().map(Path::toString)
                    .orElse(DEFAULT_DATABASE_URL));
            err.flush();
        }
        return settings;
    }

    /**
     * The library reads a missing .env as an empty one, and its read errors do not say why; a file the user
     * named must exist and be readable, and when it is not the one line says which and why.
     */
    private void requireReadable(Path file) {
        if (Files.isDirectory(file)) {
            throw new ConfigurationException("--env-file " + envFile + " is a directory");
        }
        if (!Files.exists(file)) {
            throw new ConfigurationException("--env-file " + envFile + ": no such file");
        }
        try (SeekableByteChannel opened = Files.newByteChannel(file)) {
            // opening it is the check
        } catch (IOException e) {
            throw new ConfigurationException("cannot read --env-file " + envFile + ": " + FileProblems.reason(e), e);
        }
    }

    /** Raw stdout, for output written as bytes (the benchmark's JSON lines). */
    PrintStream stdout() {
        return out;
    }

    /** Raw stderr, for progress lines. */
    PrintStream stderr() {
        return err;
    }

    /** Whether the process is attached to a terminal, so progress lines help rather than clutter a log. */
    boolean interactive() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        // From JDK 22 System.console() is not null even when redirected; Console.isTerminal() then tells.
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException e) {
            return true; // JDK 17 to 21: a console exists only on a terminal
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
