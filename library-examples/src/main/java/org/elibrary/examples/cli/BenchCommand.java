package org.elibrary.examples.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.elibrary.Backend;
import org.elibrary.examples.bench.BenchOptions;
import org.elibrary.examples.bench.Benchmark;
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

    @Option(names = "--backend", paramLabel = "sqlite|postgresql", description = "Default: sqlite.")
    String backend = "sqlite";

    @Option(names = "--pg-url", paramLabel = "URL",
            description = "PostgreSQL server whose user may create databases (default: an embedded server).")
    String pgUrl;

    @Option(names = "--scale", paramLabel = "S", description = "Workload scale, at least 1 (default: 1).")
    int scale = 1;

    @Option(names = "--impl", paramLabel = "async,sync,jdbc", split = ",",
            description = "Implementations to run, in order (default: async,sync,jdbc).")
    List<String> impls = new ArrayList<>(BenchOptions.ALL_IMPLS);

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        LibraryCli cli = (LibraryCli) spec.root().userObject();
        BenchOptions options;
        try {
            options = new BenchOptions(backend(), pgUrl, scale, impls,
                    Path.of(System.getProperty("java.io.tmpdir")));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        PrintStream progress = cli.interactive()
                ? cli.stderr()
                : new PrintStream(OutputStream.nullOutputStream(), false, java.nio.charset.StandardCharsets.UTF_8);
        Benchmark.run(options, cli.stdout(), progress);
        cli.stdout().flush();
        return ExitCodes.OK;
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
