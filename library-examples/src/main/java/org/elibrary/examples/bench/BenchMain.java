package org.elibrary.examples.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.elibrary.Backend;

/**
 * A bare entry point for measuring without the CLI:
 * {@code java [-Dbench.warmup=N] -cp library-cli.jar org.elibrary.examples.bench.BenchMain [sqlite|postgresql] [scale]
 * [impl,impl…] [pgUrl]}.
 * The CLI's {@code bench} command is the supported way; this one exists for profiling runs.
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String... args) {
        Backend backend = args.length > 0 ? Backend.valueOf(args[0].toUpperCase(Locale.ROOT)) : Backend.SQLITE;
        int scale = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        List<String> impls = args.length > 2 ? Arrays.asList(args[2].split(",")) : BenchOptions.ALL_IMPLS;
        String pgUrl = args.length > 3 ? args[3] : null;
        int divisor = Integer.getInteger("bench.opsDivisor", 1);
        int warmups = Integer.getInteger("bench.warmup", 0);
        BenchOptions options = new BenchOptions(backend, pgUrl, scale, impls,
                Path.of(System.getProperty("java.io.tmpdir")), divisor, warmups);
        Benchmark.run(options, System.out, System.console() != null ? System.err : null);
    }
}
