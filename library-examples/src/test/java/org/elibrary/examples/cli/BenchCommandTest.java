package org.elibrary.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.elibrary.examples.bench.Counts;
import org.elibrary.examples.bench.ImplResult;
import org.elibrary.examples.bench.PhaseResult;
import org.junit.jupiter.api.Test;

/**
 * What makes {@code bench} fail after a run. The CLI cannot be made to end with wrong counts without a wrong
 * implementation, so the decision is tested on results made here; {@code call} prints each failure and exits 1.
 */
class BenchCommandTest {
    private static final Counts EXPECTED = new Counts(2000, 9000, 19800, 1000, 48600);

    @Test
    void aRunWithoutErrorsAndWithTheWorkloadsCountsPasses() {
        assertThat(BenchCommand.failures(List.of(result("sync", 0, EXPECTED), result("jdbc", 0, EXPECTED)))).isEmpty();
    }

    @Test
    void countsOtherThanTheWorkloadsFailTheRunEvenWithoutErrors() {
        Counts fewerComments = new Counts(2000, 9000, 19800, 1000, 48599);

        List<String> failures = BenchCommand.failures(List.of(result("sync", 0, fewerComments),
                result("jdbc", 0, EXPECTED)));

        assertThat(failures).singleElement().asString().startsWith("sync ended with the counts ")
                .contains("comment=48599", "comment=48600").doesNotContain("jdbc");
    }

    @Test
    void failedOperationsAndWrongCountsAreBothReported() {
        Counts fewerBooks = new Counts(2000, 9001, 19800, 1000, 48600);

        List<String> failures = BenchCommand.failures(List.of(result("async", 3, fewerBooks)));

        assertThat(failures).hasSize(2);
        assertThat(failures.get(0)).startsWith("3 operations failed");
        assertThat(failures.get(1)).startsWith("async ended with the counts");
    }

    private static ImplResult result(String impl, long errors, Counts counts) {
        PhaseResult delete = new PhaseResult(impl, "sqlite", "delete", 1, 1000, 1.0, -1, -1, -1, errors,
                errors == 0 ? null : "op 0: failed");
        return new ImplResult(impl, "sqlite", Map.of(), List.of(delete), counts, EXPECTED);
    }
}
