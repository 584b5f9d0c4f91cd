package org.elibrary.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real shaded jar ({@code target/library-cli.jar}, built at {@code package}) in a child process, as a
 * user runs it: default database, {@code .env}, exit codes, UTF-8 output whatever the platform encoding,
 * and no log noise.
 */
class LibraryCliJarIT {
    private static final Path JAR = Path.of("target", "library-cli.jar").toAbsolutePath();
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @TempDir
    Path workDir;

    record Run(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    @BeforeAll
    static void jarExists() {
        assertThat(JAR).as("run at the integration-test phase, after package").isRegularFile();
    }

    /**
     * Runs the jar in {@link #workDir} with no DATABASE_URL in its environment and US-ASCII as the platform
     * charset, so a stdout that is not UTF-8 whatever the platform would show. (The locale stays UTF-8: the
     * JVM decodes the command-line arguments with it, before any of our code runs.)
     */
    private Run cli(String... args) throws IOException, InterruptedException {
        return cli(Map.of(), args);
    }

    /** Like {@link #cli(String...)}, with these variables added to the environment. */
    private Run cli(Map<String, String> variables, String... args) throws IOException, InterruptedException {
        return cli(List.of(), variables, args);
    }

    /** Like {@link #cli(Map, String...)}, with these JVM options too. */
    private Run cli(List<String> jvmOptions, Map<String, String> variables, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(JAVA, "-Dfile.encoding=US-ASCII"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        Map<String, String> env = builder.environment();
        env.remove("DATABASE_URL");
        env.put("LC_ALL", "C.UTF-8");
        env.put("LANG", "C.UTF-8");
        env.remove("ELIBRARY_BENCH_PG_URL");
        env.putAll(variables);
        Path out = workDir.resolve("stdout.txt");
        Path err = workDir.resolve("stderr.txt");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process process = builder.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the CLI finishes").isTrue();
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void demoOnAFreshFolderUsesLibraryDbAndSaysSo() throws Exception {
        Run first = cli("demo");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.out()).contains("Война и мир", "Лев Толстой", "Фёдор Достоевский", "Двенадцать стульев");
        // Only the notice about the default database: no log lines from Flyway, HikariCP or SLF4J.
        assertThat(first.err().strip()).as(first.toString())
                .isEqualTo("DATABASE_URL is not set; using " + workDir.resolve("library.db").toRealPath());
        assertThat(workDir.resolve("library.db")).isRegularFile();

        Run second = cli("demo");
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.out()).contains("nothing added");
    }

    @Test
    void readsDotEnvAndMapsExitCodes() throws Exception {
        Files.writeString(workDir.resolve(".env"), String.join("\n",
                "# the Python app's .env works as it is",
                "APP_TITLE=Электронная библиотека",
                "DATABASE_URL=sqlite+aiosqlite:///./catalog.db", ""), StandardCharsets.UTF_8);

        Run info = cli("info");
        assertThat(info.exitCode()).as(info.toString()).isZero();
        assertThat(info.out()).contains("Электронная библиотека", "sqlite");
        assertThat(info.err()).as(info.toString()).isEmpty();

        Run added = cli("--json", "book", "add", "Война и мир", "--author", "Лев Толстой");
        assertThat(added.exitCode()).as(added.toString()).isZero();
        Map<String, Object> book = Cli.parseObject(added.out().strip());
        assertThat(book).containsEntry("title", "Война и мир").containsEntry("authors", List.of("Лев Толстой"));
        assertThat(workDir.resolve("catalog.db")).isRegularFile();

        Run duplicate = cli("book", "add", "Война и мир");
        assertThat(duplicate.exitCode()).as(duplicate.toString()).isEqualTo(3);
        assertThat(duplicate.err().lines()).as(duplicate.toString()).hasSize(1)
                .allSatisfy(line -> assertThat(line).contains("Война и мир"));

        Run missing = cli("book", "show", "999");
        assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(3);
        assertThat(missing.err().lines()).hasSize(1);

        Run usage = cli("book", "show");
        assertThat(usage.exitCode()).as(usage.toString()).isEqualTo(2);

        Run badUrl = cli("--url", "oracle://db/x", "book", "list");
        assertThat(badUrl.exitCode()).as(badUrl.toString()).isEqualTo(4);
        assertThat(badUrl.err().lines()).hasSize(1);
    }

    @Test
    void benchRoundsRelaysEveryRunAndPrintsTheMedians() throws Exception {
        // A reduced workload (hidden --ops-divisor); three rounds, so a median is one of the runs' values.
        Run run = cli("bench", "--rounds", "3", "--impl", "jdbc,sync", "--ops-divisor", "100");
        assertThat(run.exitCode()).as(run.toString()).isZero();

        List<Map<String, Object>> lines = new ArrayList<>();
        for (String line : run.out().split("\n")) {
            lines.add(Cli.parseObject(line));
        }
        List<Map<String, Object>> settings = lines.stream().filter(line -> line.containsKey("settings")).toList();
        assertThat(settings).extracting(line -> line.get("impl"))
                .as("the implementations take turns, round by round")
                .containsExactly("jdbc", "sync", "jdbc", "sync", "jdbc", "sync");
        assertThat(lines.stream().filter(line -> line.containsKey("counts")).map(line -> line.get("counts"))
                .distinct()).as("every run ends with the same rows").hasSize(1);
        List<Map<String, Object>> summaries = lines.stream().filter(line -> line.containsKey("summary")).toList();
        assertThat(summaries).extracting(line -> line.get("phase"))
                .containsExactly("import", "details", "search", "concurrent", "delete");
        for (Map<String, Object> summary : summaries) {
            Object phase = summary.get("phase");
            assertThat(summary).containsEntry("summary", "median").containsEntry("backend", "sqlite")
                    .containsEntry("rounds", 3L).containsEntry("warmup", 0L);
            double jdbc = middleOfThree(lines, "jdbc", phase);
            double sync = middleOfThree(lines, "sync", phase);
            assertThat(summary.get("ops_per_s")).isEqualTo(Map.of("jdbc", jdbc, "sync", sync));
            assertThat(summary.get("ratio_to_jdbc")).isEqualTo(Map.of("sync", Math.round(sync / jdbc * 100) / 100.0));
            @SuppressWarnings("unchecked")
            Map<String, Object> spreads = (Map<String, Object>) summary.get("round_ratio_to_jdbc");
            @SuppressWarnings("unchecked")
            Map<String, Object> spread = (Map<String, Object>) spreads.get("sync");
            List<Double> roundRatios = roundRatios(lines, phase);
            assertThat(spread).as("the round-by-round ratios' least, middle and greatest")
                    .containsEntry("min", Math.round(roundRatios.get(0) * 100) / 100.0)
                    .containsEntry("median", Math.round(roundRatios.get(1) * 100) / 100.0)
                    .containsEntry("max", Math.round(roundRatios.get(2) * 100) / 100.0)
                    .containsKeys("q1", "q3");
        }
        assertThat(run.err()).contains("bench: medians of 3 rounds", "| sqlite | jdbc | sync | sync / jdbc |",
                "| import | ", "| delete | ");
        // the runs load SQLite's native library as `java -jar` does, without JDK 24+'s restricted-method warning
        assertThat(run.err()).doesNotContain("restricted method");
    }

    /** Each round's {@code sync} ops/s over the same round's {@code jdbc} ops/s in {@code phase}, ordered. */
    private static List<Double> roundRatios(List<Map<String, Object>> lines, Object phase) {
        List<Double> jdbc = opsPerSecond(lines, "jdbc", phase);
        List<Double> sync = opsPerSecond(lines, "sync", phase);
        List<Double> ratios = new ArrayList<>();
        for (int round = 0; round < jdbc.size(); round++) {
            ratios.add(sync.get(round) / jdbc.get(round));
        }
        ratios.sort(null);
        return ratios;
    }

    /** The middle of the three runs' ops/s of {@code impl} in {@code phase}. */
    private static double middleOfThree(List<Map<String, Object>> lines, String impl, Object phase) {
        List<Double> values = opsPerSecond(lines, impl, phase).stream().sorted().toList();
        assertThat(values).hasSize(3);
        return values.get(1);
    }

    /** The ops/s of {@code impl}'s runs in {@code phase}, round by round (the summary lines excluded). */
    private static List<Double> opsPerSecond(List<Map<String, Object>> lines, String impl, Object phase) {
        return lines.stream()
                .filter(line -> impl.equals(line.get("impl")) && phase.equals(line.get("phase")))
                .map(line -> ((Number) line.get("ops_per_s")).doubleValue()).toList();
    }

    @Test
    void benchRoundsOnPostgresqlRunsOnOneEmbeddedServerThatItStartsAndRemoves() throws Exception {
        Path temporary = Files.createDirectories(workDir.resolve("tmp"));
        // in the C locale, where a server that took its locale from the environment would not fold the spec's
        // upper-case Cyrillic searches (errors, exit 1)
        Run run = cli(List.of("-Djava.io.tmpdir=" + temporary), Map.of("LC_ALL", "C", "LANG", "C"),
                "bench", "--backend", "postgresql", "--rounds", "2", "--impl", "jdbc,sync", "--ops-divisor", "100");
        assertThat(run.exitCode()).as(run.toString()).isZero();

        List<Map<String, Object>> lines = new ArrayList<>();
        for (String line : run.out().split("\n")) {
            lines.add(Cli.parseObject(line));
        }
        List<Object> servers = lines.stream().filter(line -> line.containsKey("settings"))
                .<Object>map(line -> ((Map<?, ?>) line.get("settings")).get("server")).toList();
        assertThat(servers).as("the spec: a new database on the same server for every implementation").hasSize(4)
                .containsOnly("embedded (zonky), one for every run of the set");
        assertThat(lines.stream().filter(line -> line.containsKey("settings"))
                .map(line -> ((Map<?, ?>) line.get("settings")).get("lc_ctype") + "/"
                        + ((Map<?, ?>) line.get("settings")).get("lc_collate")))
                .as("the server's locale, whatever the caller's").containsExactly(
                        "C.UTF-8/C.UTF-8", "C.UTF-8/C.UTF-8", "C.UTF-8/C.UTF-8", "C.UTF-8/C.UTF-8");
        assertThat(lines.stream().filter(line -> line.containsKey("phase") && !line.containsKey("summary")))
                .as("the server's CPU, measured by every run").hasSize(20)
                .allSatisfy(phase -> assertThat(phase).containsKey("server_cpu_s"));
        try (var left = Files.list(temporary)) {
            // embedded-pg: zonky's unpacked PostgreSQL binaries, kept for the next server
            assertThat(left.map(path -> path.getFileName().toString()).toList())
                    .as("the server stopped, its data and the runs' folders removed").containsOnly("embedded-pg");
        }
    }

    @Test
    void benchRoundsStopsAtAFailedRunWithItsErrorAndCode() throws Exception {
        // The server URL goes to the runs through the environment; nothing listens on port 1.
        Run run = cli(Map.of("ELIBRARY_BENCH_PG_URL", "postgresql://bench:s3cret@127.0.0.1:1/postgres"),
                "bench", "--backend", "postgresql", "--rounds", "2", "--impl", "jdbc");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(4);
        assertThat(run.err().strip()).as(run.toString()).startsWith("error: bench: round 1 of 2, jdbc: ")
                .doesNotContain("s3cret").doesNotContain("\n");
        assertThat(run.out()).as("no medians of a failed set").doesNotContain("summary");
    }

    @Test
    void benchRefusesAServerUrlPgjdbcCannotParseWithoutPrintingItsPasswordOrLeavingAFolder() throws Exception {
        // pgjdbc's error and its log lines for these repeat the JDBC URL, password and all
        Path temporary = Files.createDirectories(workDir.resolve("tmp"));
        Run option = cli(List.of("-Djava.io.tmpdir=" + temporary), Map.of(), "bench", "--backend", "postgresql",
                "--impl", "jdbc", "--pg-url", "postgresql://bench:s3cret@127.0.0.1:notaport/postgres");
        assertThat(option.exitCode()).as(option.toString()).isEqualTo(2);
        assertThat(option.err()).as(option.toString()).startsWith("--pg-url: the port ").doesNotContain("s3cret")
                .doesNotContain("WARNING");

        Run environment = cli(List.of("-Djava.io.tmpdir=" + temporary),
                Map.of("ELIBRARY_BENCH_PG_URL", "postgresql://bench:s3cret@127.0.0.1:99999/postgres/x"),
                "bench", "--backend", "postgresql", "--rounds", "1", "--impl", "jdbc");
        assertThat(environment.exitCode()).as(environment.toString()).isEqualTo(4);
        assertThat(environment.err().strip()).as(environment.toString()).startsWith("error: ELIBRARY_BENCH_PG_URL: ")
                .doesNotContain("s3cret").doesNotContain("\n");
        try (var left = Files.list(temporary)) {
            assertThat(left).as("no temporary folder for a refused URL").isEmpty();
        }
    }
}
