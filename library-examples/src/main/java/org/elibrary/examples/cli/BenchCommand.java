package org.elibrary.examples.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.elibrary.Backend;
import org.elibrary.ConfigurationException;
import org.elibrary.DatabaseUnavailableException;
import org.elibrary.examples.bench.BenchOptions;
import org.elibrary.examples.bench.Benchmark;
import org.elibrary.examples.bench.ImplResult;
import org.elibrary.examples.bench.PgServerUrl;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench}: runs the catalog workload ({@code docs/workload.md}) on a new database per
 * implementation and prints its JSON lines. Ignores {@code --url}: it never touches the configured database.
 */
@Command(name = "bench",
        description = "Run the catalog benchmark on fresh databases; prints one JSON line per phase.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
            "0:every operation succeeded and every implementation ended with the workload's counts",
            "1:an operation failed, an implementation ended with other counts, or (--rounds) a run's output "
                    + "lacked a line: the numbers are not valid",
            "2:a usage error: an unknown option, or a bad value (--scale, --pg-url, --impl, ...)",
            "4:PostgreSQL is unreachable, a database cannot be made or filled, or " + BenchCommand.PG_URL_ENV
                    + " is not a PostgreSQL URL"})
final class BenchCommand implements Callable<Integer> {
    /** The environment variable that gives {@code bench} its PostgreSQL server when {@code --pg-url} is absent. */
    static final String PG_URL_ENV = "ELIBRARY_BENCH_PG_URL";

    @Option(names = "--backend", paramLabel = "sqlite|postgresql", description = "Default: sqlite.")
    String backend = "sqlite";

    @Option(names = "--pg-url", paramLabel = "URL",
            description = "PostgreSQL server whose user may create databases (default: the environment variable "
                    + PG_URL_ENV + ", else an embedded server).")
    String pgUrl;

    @Option(names = "--scale", paramLabel = "S",
            description = "Workload scale, 1.." + BenchOptions.MAX_SCALE + " (default: 1).")
    int scale = 1;

    @Option(names = "--impl", paramLabel = "async,sync,jdbc", split = ",",
            description = "Implementations to run, in order (default: async,sync,jdbc).")
    List<String> impls = new ArrayList<>(BenchOptions.ALL_IMPLS);

    @Option(names = "--warmup", paramLabel = "N",
            description = "First run the whole workload N times per implementation, unmeasured, on databases of "
                    + "its own in the same JVM (default: 0, the spec's cold run; at most "
                    + BenchOptions.MAX_WARMUPS + ").")
    int warmups;

    @Option(names = "--rounds", paramLabel = "N",
            description = "Run each implementation N times, each run in a new JVM, the implementations taking "
                    + "turns; then print the medians (JSON lines) and a table of them with the ratios to jdbc "
                    + "(stderr). Default: one run of each, all in this JVM.")
    Integer rounds;

    /** Divides the operation counts of phases 2 to 5, for tests; results are then not the spec's workload. */
    @Option(names = "--ops-divisor", hidden = true)
    int opsDivisor = 1;

    /** Set by {@code bench --rounds} on its runs: the server URL is the embedded server it started for the set. */
    @Option(names = "--pg-embedded", hidden = true)
    boolean pgEmbedded;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        LibraryCli cli = (LibraryCli) spec.root().userObject();
        Backend backend = backend();
        if (pgUrl != null && backend != Backend.POSTGRESQL) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--pg-url needs --backend postgresql");
        }
        if (scale < 1 || scale > BenchOptions.MAX_SCALE) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--scale must be within 1.." + BenchOptions.MAX_SCALE + ", was " + scale);
        }
        String serverUrl = serverUrl(backend);
        checkServerUrl(serverUrl);
        if (pgEmbedded && serverUrl == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--pg-embedded describes a server URL (--pg-url or " + PG_URL_ENV + "), and there is none");
        }
        BenchOptions options;
        try {
            options = new BenchOptions(backend, serverUrl, scale, impls,
                    Path.of(System.getProperty("java.io.tmpdir")), opsDivisor, warmups, pgEmbedded);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        if (rounds != null) {
            if (rounds < 1 || rounds > BenchRounds.MAX_ROUNDS) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--rounds must be within 1.." + BenchRounds.MAX_ROUNDS + ", was " + rounds);
            }
            // every run is a bench of its own, which fails on wrong counts (so the set stops at one)
            long errors = new BenchRounds(options, rounds, cli.stdout(), cli.stderr(), cli.interactive()).run();
            return errors == 0 ? ExitCodes.OK : failed(List.of(failedOperations(errors)));
        }
        List<ImplResult> results;
        try {
            results = Benchmark.run(options, cli.stdout(), cli.interactive() ? cli.stderr() : null);
        } catch (IllegalStateException e) {
            // An implementation could not open its database or import the data.
            throw new DatabaseUnavailableException("bench: " + options.masked(e.getMessage()), e);
        } catch (RuntimeException e) {
            // the library masks its own messages; a driver's or pool's may repeat the server URL
            throw new BenchRounds.BenchRunException(
                    options.masked(e.getMessage() == null ? e.toString() : e.getMessage()), ExitCodes.codeOf(e));
        } finally {
            cli.stdout().flush();
        }
        return failed(failures(results));
    }

    /**
     * Why the numbers of a run are not valid: failed operations, and implementations that ended with other
     * counts than the workload's (and so than each other's); empty when they are.
     */
    static List<String> failures(List<ImplResult> results) {
        List<String> failures = new ArrayList<>();
        long errors = results.stream().mapToLong(ImplResult::errors).sum();
        if (errors != 0) {
            failures.add(failedOperations(errors));
        }
        for (ImplResult result : results) {
            if (!result.countsAsExpected()) {
                failures.add(result.impl() + " ended with the counts " + result.counts() + ", the workload's are "
                        + result.expectedCounts() + "; the numbers are not valid");
            }
        }
        return failures;
    }

    private static String failedOperations(long errors) {
        return errors + " operations failed (see the \"errors\" fields); the numbers are not valid";
    }

    /** Prints each failure as an error line, whether or not stderr is a terminal; exit 1 if there is one. */
    private int failed(List<String> failures) {
        for (String failure : failures) {
            spec.commandLine().getErr().println("error: bench: " + failure);
        }
        spec.commandLine().getErr().flush();
        return failures.isEmpty() ? ExitCodes.OK : ExitCodes.SOFTWARE;
    }

    /**
     * Refuses a server URL pgjdbc could not parse before anything starts, naming where it came from and never
     * repeating it: a usage error for {@code --pg-url}, a configuration error for the environment's.
     */
    private void checkServerUrl(String serverUrl) {
        if (serverUrl == null) {
            return;
        }
        try {
            PgServerUrl.check(serverUrl);
        } catch (IllegalArgumentException e) {
            if (pgUrl != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--pg-url: " + e.getMessage());
            }
            throw new ConfigurationException(PG_URL_ENV + ": " + e.getMessage());
        }
    }

    /** {@code --pg-url}, else the environment's (which keeps a password off the command line), for PostgreSQL. */
    private String serverUrl(Backend backend) {
        if (pgUrl != null || backend != Backend.POSTGRESQL) {
            return pgUrl;
        }
        String fromEnvironment = System.getenv(PG_URL_ENV);
        return fromEnvironment == null || fromEnvironment.isBlank() ? null : fromEnvironment;
    }

    private Backend backend() {
        switch (backend) {
            case "sqlite":
                return Backend.SQLITE;
            case "postgresql":
                return Backend.POSTGRESQL;
            default:
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--backend must be sqlite or postgresql, was '" + backend + "'");
        }
    }
}
