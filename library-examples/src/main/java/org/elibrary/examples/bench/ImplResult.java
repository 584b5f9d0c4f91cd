package org.elibrary.examples.bench;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one implementation produced on one fresh database.
 *
 * @param settings       what the implementation ran with (SQLite journal mode and synchronous level, pool sizes,
 *                       the PostgreSQL server's commit settings and the database's locale), in insertion order
 * @param counts         the rows it ended with
 * @param expectedCounts the rows every correct implementation ends with (the workload's formula)
 */
public record ImplResult(String impl, String backend, Map<String, Object> settings, List<PhaseResult> phases,
                         Counts counts, Counts expectedCounts) {
    public ImplResult {
        Objects.requireNonNull(impl, "impl");
        Objects.requireNonNull(backend, "backend");
        settings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(settings));
        phases = List.copyOf(phases);
        Objects.requireNonNull(counts, "counts");
        Objects.requireNonNull(expectedCounts, "expectedCounts");
    }

    /** Whether it ended with the workload's counts; if not, its numbers are not the workload's and mean nothing. */
    public boolean countsAsExpected() {
        return counts.equals(expectedCounts);
    }

    /** Total errors over all phases. */
    public long errors() {
        return phases.stream().mapToLong(PhaseResult::errors).sum();
    }
}
