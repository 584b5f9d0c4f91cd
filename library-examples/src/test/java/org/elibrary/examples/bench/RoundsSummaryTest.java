package org.elibrary.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundsSummaryTest {
    private static final String COUNTS = "{\"author\":2000,\"book\":9000,\"author_book\":19800,\"user\":1000,"
            + "\"comment\":48600}";

    private final RoundsSummary summary = new RoundsSummary("sqlite", 1, 0, List.of("jdbc", "async"));

    /** One run's lines as the benchmark prints them, every phase at {@code opsPerSecond}. */
    private void run(String impl, double opsPerSecond, long errors, String counts) {
        summary.accept("{\"impl\":\"" + impl + "\",\"backend\":\"sqlite\",\"scale\":1,\"settings\":{\"pool\":4}}");
        for (String phase : List.of("import", "details", "search", "concurrent", "delete")) {
            summary.accept("{\"impl\":\"" + impl + "\",\"backend\":\"sqlite\",\"phase\":\"" + phase + "\",\"scale\":1,"
                    + "\"ops\":1000,\"seconds\":0.5,\"ops_per_s\":" + opsPerSecond + ",\"errors\":" + errors + "}");
        }
        summary.accept("{\"impl\":\"" + impl + "\",\"backend\":\"sqlite\",\"counts\":" + counts + "}");
    }

    private static String printed(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }

    @Test
    void mediansAndRatiosOverTheRuns() {
        run("jdbc", 100, 0, COUNTS);
        run("async", 90, 0, COUNTS);
        run("jdbc", 300, 0, COUNTS);
        run("async", 50, 0, COUNTS);
        run("jdbc", 200, 0, COUNTS);
        run("async", 70, 0, COUNTS);
        run("async", 1000, 0, COUNTS);

        assertThat(summary.medians("search")).containsEntry("jdbc", 200.0).as("an even count: the middle two's mean")
                .containsEntry("async", 80.0);
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        summary.printJson(new PrintStream(json, true, StandardCharsets.UTF_8));
        assertThat(printed(json).lines()).hasSize(5).first().asString().startsWith("{\"summary\":\"median\","
                + "\"backend\":\"sqlite\",\"phase\":\"import\",\"scale\":1,\"warmup\":0,\"rounds\":3,"
                + "\"ops_per_s\":{\"jdbc\":200.0,\"async\":80.0},\"ratio_to_jdbc\":{\"async\":0.40},"
                + "\"round_ratio_to_jdbc\":{\"async\":{\"min\":0.17,");
        ByteArrayOutputStream table = new ByteArrayOutputStream();
        summary.printTable(new PrintStream(table, true, StandardCharsets.UTF_8));
        assertThat(printed(table)).startsWith("| sqlite | jdbc | async | async / jdbc |\n|---|---:|---:|---:|\n"
                + "| import | 200 | 80 | 0.40 (").hasLineCount(7);
        assertThat(summary.errors()).isZero();
    }

    @Test
    void theSpreadsQuantilesAreInterpolatedBetweenTheOrderedRatios() {
        for (double async : new double[] {800, 100, 400, 200}) {
            run("jdbc", 100, 0, COUNTS);
            run("async", async, 0, COUNTS);
        }
        assertThat(summary.roundRatioSpread("search").get("async")).as("min, q1, median, q3, max of 1, 2, 4, 8")
                .containsExactly(new double[] {1, 1.75, 3, 5, 8}, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void spreadsTheRatiosRoundByRound() {
        // each run over the jdbc run of its round: 1.1, 0.8, 0.75, 1.1, 0.8 (paired by rank instead, the
        // ratios would be 1.1, 0.8, 1.0, 0.825, 0.8)
        double[][] rounds = {{100, 110}, {200, 160}, {400, 300}, {300, 330}, {500, 400}};
        for (double[] round : rounds) {
            run("jdbc", round[0], 0, COUNTS);
            run("async", round[1], 0, COUNTS);
        }
        assertThat(summary.roundRatioSpread("details").get("async")).as("min, q1, median, q3, max of the five ratios")
                .containsExactly(new double[] {0.75, 0.8, 0.8, 1.1, 1.1}, org.assertj.core.data.Offset.offset(1e-9));
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        summary.printJson(new PrintStream(json, true, StandardCharsets.UTF_8));
        // the median of the paired ratios (0.80) is not the ratio of the medians (300 / 300)
        assertThat(printed(json).lines().findFirst().orElseThrow()).as("the ratio of the medians, then the spread")
                .endsWith("\"ratio_to_jdbc\":{\"async\":1.00},"
                        + "\"round_ratio_to_jdbc\":{\"async\":{\"min\":0.75,\"q1\":0.80,\"median\":0.80,\"q3\":1.10,\"max\":1.10}}}");
        ByteArrayOutputStream table = new ByteArrayOutputStream();
        summary.printTable(new PrintStream(table, true, StandardCharsets.UTF_8));
        assertThat(printed(table)).contains("| delete | 300 | 300 | 1.00 (0.80–1.10) |\n");
    }

    @Test
    void quartilesInterpolateBetweenRanks() {
        assertThat(RoundsSummary.quantile(List.of(1.0, 2.0), 0.25)).isEqualTo(1.25);
        assertThat(RoundsSummary.quantile(List.of(1.0, 2.0, 4.0), 0.75)).isEqualTo(3.0);
        assertThat(RoundsSummary.quantile(List.of(7.0), 0.25)).isEqualTo(7.0);
    }

    @Test
    void withoutJdbcThereAreNoRatios() {
        RoundsSummary asyncOnly = new RoundsSummary("postgresql", 1, 3, List.of("async"));
        asyncOnly.accept("{\"impl\":\"async\",\"backend\":\"postgresql\",\"phase\":\"delete\",\"scale\":1,\"ops\":1000,"
                + "\"seconds\":0.1,\"ops_per_s\":10000.0,\"errors\":0}");
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        asyncOnly.printJson(new PrintStream(json, true, StandardCharsets.UTF_8));
        assertThat(printed(json)).contains("\"phase\":\"delete\",\"scale\":1,\"warmup\":3,\"rounds\":1,"
                + "\"ops_per_s\":{\"async\":10000.0}}").doesNotContain("ratio_to_jdbc");
        assertThat(asyncOnly.roundRatioSpread("delete")).isEmpty();
    }

    @Test
    void namesWhatARunDidNotPrint() {
        run("jdbc", 100, 0, COUNTS);
        assertThat(summary.missing("jdbc", 1)).isNull();
        assertThat(summary.missing("async", 1)).isEqualTo("its 'import' line");
        summary.accept("{\"impl\":\"jdbc\",\"backend\":\"sqlite\",\"phase\":\"import\",\"scale\":1,\"ops\":1,"
                + "\"seconds\":1.0,\"ops_per_s\":1.0,\"errors\":0}");
        assertThat(summary.missing("jdbc", 2)).as("a second run that stopped after its import")
                .isEqualTo("its 'details' line");
    }

    @Test
    void countsErrors() {
        run("jdbc", 100, 2, COUNTS);
        assertThat(summary.errors()).isEqualTo(10);
    }

    @Test
    void refusesRunsThatEndedWithDifferentRows() {
        run("jdbc", 100, 0, COUNTS);
        assertThatThrownBy(() -> run("async", 100, 0, COUNTS.replace("48600", "48599")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("different counts").hasMessageContaining("48599").hasMessageContaining("jdbc");
    }

    @Test
    void refusesLinesThatAreNotTheBenchmarks() {
        assertThatThrownBy(() -> summary.accept("[1, 2]")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> summary.accept("{\"impl\":\"jdbc\",\"phase\":")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> summary.accept("{\"impl\":\"sync\",\"phase\":\"import\",\"ops_per_s\":1.0}"))
                .as("an implementation not in the set").isInstanceOf(IllegalStateException.class);
    }
}
