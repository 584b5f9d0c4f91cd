package org.elibrary.examples.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.elibrary.Backend;
import org.elibrary.DatabaseUnavailableException;
import org.elibrary.examples.bench.BenchOptions;
import org.elibrary.examples.bench.Benchmark;
import org.elibrary.examples.bench.ImplResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench}: runs the catalog workload ({@code shared/bench/WORKLOAD.md}) on a new database per
 * implementation and prints its JSON lines. Ignores {@code --url}: it never touches the configured database.
 */
@Command(name = "bench",
        description = "Run the catalog benchmark on fresh databases; prints one JSON line per phase.")
final class BenchCommand implements Callable<Integer> {
    /** The environment variable that gives {@code bench} its PostgreSQL server when {@code --pg-url} is absent. */
    static final String PG_URL_ENV = "ELIBRARY_BENCH_PG_URL";

    @Option(names = "--backend", paramLabel = "sqlite|postgresql", description = "Default: sqlite.")
    String backend = "sqlite";

    @Option(names = "--pg-url", paramLabel = "URL",
            description = "PostgreSQL server whose user may create databases (default: the environment variable "
                    + PG_URL_ENV + ", else an embedded server).")
    String pgUrl;

    @Option(names = "--scale", paramLabel = "S", description = "Workload scale, at least 1 (default: 1).")
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
        String serverUrl = serverUrl(backend);
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
            long errors = new BenchRounds(options, rounds, cli.stdout(), cli.stderr(), cli.interactive()).run();
            return errors == 0 ? ExitCodes.OK : failedOperations(errors);
        }
        List<ImplResult> results;
        try {
            results = Benchmark.run(options, cli.stdout(), cli.interactive() ? cli.stderr() : null);
        } catch (IllegalStateException e) {
            // An implementation could not open its database or import the data.
            throw new DatabaseUnavailableException("bench: " + e.getMessage(), e);
        } finally {
            cli.stdout().flush();
        }
        long errors = results.stream().mapToLong(ImplResult::errors).sum();
        return errors == 0 ? ExitCodes.OK : failedOperations(errors);
    }

    private int failedOperations(long errors) {
        spec.commandLine().getErr().println("error: bench: " + errors + " operations failed (see the "
                + "\"errors\" fields); the numbers are not valid");
        return ExitCodes.SOFTWARE;
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
