package org.elibrary.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.elibrary.Backend;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole workload at scale 1 with the operation counts of phases 2 to 5 divided by 20 (the data is the
 * spec's), for every implementation on both databases: every phase without errors, and final counts that
 * agree with each other and with the spec's formula.
 */
class BenchmarkIT {
    private static final int OPS_DIVISOR = 20;
    private static final Pattern PHASE_LINE = Pattern.compile("\\{\"impl\":\"(async|sync|jdbc)\",\"backend\":\"(sqlite|postgresql)\","
            + "\"phase\":\"(import|details|search|concurrent|delete)\",\"scale\":1,\"ops\":\\d+,\"seconds\":[0-9.]+,"
            + "\"ops_per_s\":[0-9.]+,\"errors\":0(,\"cpu_s\":[0-9.]+)?(,\"jit_s\":[0-9.]+)?(,\"server_cpu_s\":[0-9.]+)?}");
    private static final Pattern COUNTS_LINE = Pattern.compile("\\{\"impl\":\"(async|sync|jdbc)\",\"backend\":\"(sqlite|postgresql)\","
            + "\"counts\":\\{\"author\":2000,\"book\":9950,\"author_book\":21890,\"user\":1000,\"comment\":\\d+}}");

    @TempDir
    Path workDir;

    @ParameterizedTest
    @EnumSource(Backend.class)
    void everyImplementationRunsTheWorkloadWithoutErrorsAndEndsWithTheSameCounts(Backend backend) {
        // an external server when the suite is pointed at one, otherwise the benchmark's own embedded server
        String pgUrl = backend == Backend.POSTGRESQL ? System.getenv(TestDatabases.EXTERNAL_POSTGRES_ENV) : null;
        BenchOptions options = new BenchOptions(backend, pgUrl == null || pgUrl.isBlank() ? null : pgUrl, 1,
                Benchmark.availableImpls(), workDir, OPS_DIVISOR);
        ByteArrayOutputStream json = new ByteArrayOutputStream();

        List<ImplResult> results = Benchmark.run(options, new PrintStream(json, true, StandardCharsets.UTF_8), null);

        Counts expected = new Workload(1, OPS_DIVISOR).expectedCounts();
        assertThat(results).extracting(ImplResult::impl).containsExactlyElementsOf(options.impls());
        for (ImplResult result : results) {
            assertThat(result.phases()).as(result.impl())
                    .extracting(PhaseResult::phase)
                    .containsExactly("import", "details", "search", "concurrent", "delete");
            assertThat(result.phases()).as(result.impl()).allSatisfy(phase -> {
                assertThat(phase.errors()).as(phase.phase() + ": " + phase.firstError()).isZero();
                assertThat(phase.seconds()).isPositive();
            });
            assertThat(result.phases()).extracting(PhaseResult::ops)
                    .containsExactly(85_000L, 1_000L, 100L, 1_000L, 50L);
            assertThat(result.counts()).as(result.impl()).isEqualTo(expected);
        }

        String[] lines = json.toString(StandardCharsets.UTF_8).split("\n");
        int perImpl = 1 + 5 + 1;
        assertThat(lines).hasSize(perImpl * results.size());
        for (int i = 0; i < results.size(); i++) {
            assertThat(lines[i * perImpl]).contains("\"settings\":{");
            for (int p = 1; p <= 5; p++) {
                assertThat(lines[i * perImpl + p]).matches(PHASE_LINE);
            }
            assertThat(lines[i * perImpl + 6]).matches(COUNTS_LINE);
        }
    }

    @Test
    void aWarmUpRunIsNotPrintedAndTheMeasuredRunStartsFromAFreshDatabase() {
        BenchOptions options = new BenchOptions(Backend.SQLITE, null, 1, List.of("async", "jdbc"), workDir,
                OPS_DIVISOR, 1);
        ByteArrayOutputStream json = new ByteArrayOutputStream();

        List<ImplResult> results = Benchmark.run(options, new PrintStream(json, true, StandardCharsets.UTF_8), null);

        // the measured run's own counts: a warm-up on the same database would have doubled the rows
        Counts expected = new Workload(1, OPS_DIVISOR).expectedCounts();
        assertThat(results).allSatisfy(result -> assertThat(result.counts()).isEqualTo(expected));
        String[] lines = json.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(2 * 7);
        assertThat(lines[0]).contains("\"warmup_runs\":1");
        assertThat(lines[7]).contains("\"warmup_runs\":1");
    }
}
