package org.elibrary.examples.bench;

import java.util.Objects;

/**
 * One timed phase of one implementation: the workload's phase line.
 *
 * @param seconds    wall time from the phase's first call to its last result (monotonic clock)
 * @param cpuSeconds CPU time this JVM consumed meanwhile, all threads (SQLite runs inside it; a PostgreSQL
 *                   server's own CPU is not included), or -1 where the JVM cannot tell; steadier than wall
 *                   time on a machine shared with other work
 * @param jitSeconds time this JVM's JIT compilers spent compiling meanwhile (summed over their threads), or -1
 * @param serverCpuSeconds CPU time of the embedded PostgreSQL server meanwhile (all its processes), or -1
 *                   (SQLite, an external server, or no Linux /proc)
 * @param errors     operations that failed or returned a wrong result
 * @param firstError the first failure's description, or null when {@code errors == 0}
 */
public record PhaseResult(String impl, String backend, String phase, int scale, long ops, double seconds,
                          double cpuSeconds, double jitSeconds, double serverCpuSeconds, long errors,
                          String firstError) {
    public PhaseResult {
        Objects.requireNonNull(impl, "impl");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(phase, "phase");
    }

    public double opsPerSecond() {
        return seconds > 0 ? ops / seconds : 0;
    }
}
