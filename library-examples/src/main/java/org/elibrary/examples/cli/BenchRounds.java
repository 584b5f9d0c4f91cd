package org.elibrary.examples.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.elibrary.Backend;
import org.elibrary.examples.bench.BenchOptions;
import org.elibrary.examples.bench.EmbeddedServer;
import org.elibrary.examples.bench.RoundsSummary;

/**
 * {@code bench --rounds N}: runs every implementation N times, each run in a freshly started JVM of its own,
 * the implementations taking turns within a round (so a drift of the machine's speed touches them alike),
 * relays each run's JSON lines as they come, and then prints the medians ({@link RoundsSummary}).
 *
 * <p>A run is this CLI's own {@code bench} for one implementation, on the same Java and class path, with
 * native access granted as the jar's manifest grants it ({@link #nativeAccess}) and this JVM's {@code -X} and
 * {@code -D} options (a debugger, profiler agent or flight recording is not passed
 * on: the runs would fight over its port or file; nor is an option that prints into the run's output). A
 * PostgreSQL server URL reaches the runs through the environment ({@value BenchCommand#PG_URL_ENV}), never on
 * their command lines, where the process list would show its password. Without one, the set starts one
 * embedded server for all its runs, as the spec asks ("a new, empty database on the same server for every
 * implementation"), and gives the runs its URL the same way.
 */
final class BenchRounds {
    /** At most this many rounds. */
    static final int MAX_ROUNDS = 100;

    private final BenchOptions options;
    private final int rounds;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean progress;

    BenchRounds(BenchOptions options, int rounds, PrintStream out, PrintStream err, boolean progress) {
        this.options = options;
        this.rounds = rounds;
        this.out = out;
        this.err = err;
        this.progress = progress;
    }

    /**
     * Runs the rounds and prints the medians: the summary lines on {@code out}, after the runs' lines, and
     * the table on {@code err}. Returns the failed operations of all runs (the numbers mean nothing unless 0).
     *
     * @throws BenchRunException if a run fails (its JVM exits with an error); nothing is summed up then
     */
    long run() {
        String backend = options.backend().name().toLowerCase(Locale.ROOT);
        RoundsSummary summary = new RoundsSummary(backend, options.scale(), options.warmups(), options.impls());
        if (options.backend() == Backend.POSTGRESQL && options.pgUrl() == null) {
            if (progress) {
                err.println("bench: starting embedded PostgreSQL for the set");
                err.flush();
            }
            EmbeddedServer server;
            try {
                server = EmbeddedServer.start(options.workDir());
            } catch (IllegalStateException e) {
                throw new BenchRunException("bench: " + e.getMessage(), ExitCodes.UNAVAILABLE);
            }
            try (server) {
                runRounds(server.jdbcUrl(), true, summary);
            }
        } else {
            runRounds(options.pgUrl(), false, summary);
        }
        summary.printJson(out);
        out.flush();
        err.println("bench: medians of " + rounds + (rounds == 1 ? " round" : " rounds") + ", ops/s, scale "
                + options.scale() + (options.warmups() > 0 ? ", after " + options.warmups() + " warm-up runs" : "")
                + ", each run in a JVM of its own; after each ratio, the middle half of its round-by-round ratios:");
        summary.printTable(err);
        return summary.errors();
    }

    private void runRounds(String pgUrl, boolean pgEmbedded, RoundsSummary summary) {
        for (int round = 1; round <= rounds; round++) {
            for (String impl : options.impls()) {
                if (progress) {
                    err.println("bench: round " + round + " of " + rounds + ": " + impl);
                    err.flush();
                }
                runOne(round, impl, pgUrl, pgEmbedded, summary);
            }
        }
    }

    private void runOne(int round, String impl, String pgUrl, boolean pgEmbedded, RoundsSummary summary) {
        Path errors = null;
        Process process = null;
        try {
            errors = Files.createTempFile(options.workDir(), "elibrary-bench-", ".err");
            ProcessBuilder builder = new ProcessBuilder(command(impl, pgEmbedded)).redirectError(errors.toFile());
            builder.environment().remove(BenchCommand.PG_URL_ENV);
            if (pgUrl != null) {
                builder.environment().put(BenchCommand.PG_URL_ENV, pgUrl);
            }
            process = builder.start();
            Process started = process;
            Thread stopRun = new Thread(started::destroyForcibly, "elibrary-bench-stop");
            Runtime.getRuntime().addShutdownHook(stopRun);
            try {
                relay(started, summary);
                int exitCode = started.waitFor();
                String failure = null;
                for (String written : Files.readAllLines(errors, StandardCharsets.UTF_8)) {
                    // the run masks what it builds; not what a driver logs itself, nor the JVM's own lines
                    String line = options.masked(written);
                    if (line.startsWith("error: ")) {
                        failure = line.substring("error: ".length()).replaceFirst("^bench: ", "");
                    } else if (!line.isBlank()) {
                        err.println(line);
                    }
                }
                if (exitCode != ExitCodes.OK) {
                    throw new BenchRunException(where(round, impl)
                            + (failure != null ? failure : "its JVM exited with code " + exitCode), exitCode);
                }
                String missing = summary.missing(impl, round);
                if (missing != null) {
                    // lost among other output (a JVM option that writes to stdout, say): no median may lack it
                    throw new BenchRunException(where(round, impl) + "the run did not print " + missing,
                            ExitCodes.SOFTWARE);
                }
            } finally {
                Runtime.getRuntime().removeShutdownHook(stopRun);
            }
        } catch (IOException e) {
            throw new BenchRunException(where(round, impl) + "cannot run a JVM: " + e.getMessage(), ExitCodes.SOFTWARE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchRunException("bench: interrupted in round " + round + " of " + rounds, ExitCodes.SOFTWARE);
        } catch (IllegalStateException e) {
            // the run's lines were not the benchmark's, or its counts differ from an earlier run's
            throw new BenchRunException(where(round, impl) + e.getMessage(), ExitCodes.SOFTWARE);
        } finally {
            if (process != null) {
                process.destroyForcibly();
            }
            if (errors != null) {
                try {
                    Files.deleteIfExists(errors);
                } catch (IOException ignored) {
                    // a file in the temporary folder; nothing depends on it
                }
            }
        }
    }

    private String where(int round, String impl) {
        return "bench: round " + round + " of " + rounds + ", " + impl + ": ";
    }

    /** Copies the run's lines to {@code out} as they come, and hands each to the summary. */
    private void relay(Process process, RoundsSummary summary) throws IOException {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                if (!line.startsWith("{")) {
                    // not one of the benchmark's lines: the JVM's own output (-XX:+PrintCompilation, say)
                    err.println(line);
                    continue;
                }
                out.println(line);
                out.flush();
                summary.accept(line);
            }
        }
    }

    private List<String> command(String impl, boolean pgEmbedded) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions(ManagementFactory.getRuntimeMXBean().getInputArguments()));
        command.addAll(nativeAccess(Runtime.version().feature()));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(LibraryCli.class.getName());
        command.addAll(List.of("bench", "--backend", options.backend().name().toLowerCase(Locale.ROOT),
                "--scale", Integer.toString(options.scale()), "--impl", impl,
                "--warmup", Integer.toString(options.warmups())));
        if (options.opsDivisor() != 1) {
            command.addAll(List.of("--ops-divisor", Integer.toString(options.opsDivisor())));
        }
        if (pgEmbedded) {
            command.add("--pg-embedded");
        }
        return command;
    }

    /**
     * This JVM's options a run gets too: heap and VM options, system properties; not debuggers, recorders or
     * the options that print into the run's output ({@code -Xlog}, {@code -XX:+Print…}).
     */
    static List<String> jvmOptions(List<String> inputArguments) {
        List<String> passed = new ArrayList<>();
        for (String argument : inputArguments) {
            boolean option = argument.startsWith("-X") || argument.startsWith("-D");
            boolean tool = argument.startsWith("-Xrunjdwp") || argument.startsWith("-Xdebug")
                    || argument.startsWith("-XX:StartFlightRecording")
                    || argument.startsWith("-XX:FlightRecorderOptions") || argument.startsWith("-Xlog")
                    || argument.startsWith("-XX:+Print");
            if (option && !tool) {
                passed.add(argument);
            }
        }
        return passed;
    }

    /**
     * What lets a run load sqlite-jdbc's native library without warnings on the JDK of {@code feature}: a run is
     * started with {@code -cp}, so the jar manifest's {@code Enable-Native-Access: ALL-UNNAMED}, which spares
     * {@code java -jar} the warning, does not reach it. JDK 24 and later print four lines of warning on stderr
     * per run without it; the option exists from JDK 22 on, and is not given to older JDKs, which have no
     * such warning.
     */
    static List<String> nativeAccess(int feature) {
        return feature >= 22 ? List.of("--enable-native-access=ALL-UNNAMED") : List.of();
    }

    /** A run failed: the exit code is the run's own when it is one of the CLI's codes. */
    static final class BenchRunException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int exitCode;

        BenchRunException(String message, int exitCode) {
            super(message);
            this.exitCode = exitCode >= ExitCodes.SOFTWARE && exitCode <= ExitCodes.UNAVAILABLE
                    ? exitCode : ExitCodes.SOFTWARE;
        }

        int exitCode() {
            return exitCode;
        }
    }
}
