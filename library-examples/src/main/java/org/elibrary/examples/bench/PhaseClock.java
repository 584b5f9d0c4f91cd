package org.elibrary.examples.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * Wall time (monotonic), this JVM's CPU time, its JIT compilers' time and the database server's CPU time since a
 * phase started.
 */
final class PhaseClock {
    private static final OperatingSystemMXBean OS = ManagementFactory.getOperatingSystemMXBean();
    /** Null when the JVM has no JIT compiler ({@code -Xint}). */
    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();

    private final java.util.function.LongSupplier serverCpu;
    private final long startServerCpuNanos;
    private final long startNanos;
    private final long startCpuNanos;
    private final long startJitMillis;
    private long endNanos;
    private long endCpuNanos;
    private long endJitMillis;
    private long endServerCpuNanos;

    private PhaseClock(java.util.function.LongSupplier serverCpu) {
        this.serverCpu = serverCpu;
        this.startServerCpuNanos = serverCpu.getAsLong();
        this.startCpuNanos = processCpuNanos();
        this.startJitMillis = jitMillis();
        this.startNanos = System.nanoTime();
    }

    /** @param serverCpu the database server's CPU time so far in nanoseconds, -1 when unknown */
    static PhaseClock start(java.util.function.LongSupplier serverCpu) {
        return new PhaseClock(serverCpu);
    }

    private void stop() {
        if (endNanos == 0) {
            endNanos = System.nanoTime();
            endCpuNanos = processCpuNanos();
            endJitMillis = jitMillis();
            endServerCpuNanos = serverCpu.getAsLong();
        }
    }

    /** Stops the clock (on first use) and returns the database server's CPU time in seconds, or -1. */
    double serverCpuSeconds() {
        stop();
        return startServerCpuNanos < 0 || endServerCpuNanos < 0 ? -1 : (endServerCpuNanos - startServerCpuNanos) / 1e9;
    }

    /** Stops the clock (on first use) and returns the wall time in seconds. */
    double seconds() {
        stop();
        return (endNanos - startNanos) / 1e9;
    }

    /** Stops the clock (on first use) and returns the process CPU time in seconds, or -1 if unknown. */
    double cpuSeconds() {
        stop();
        return startCpuNanos < 0 || endCpuNanos < 0 ? -1 : (endCpuNanos - startCpuNanos) / 1e9;
    }

    /**
     * Stops the clock (on first use) and returns the time the JIT compiler threads spent compiling meanwhile,
     * summed over those threads, in seconds, or -1 if unknown. On a machine with few cores it is CPU time the
     * phase's own threads could not have: a cold phase whose code is deeper pays for it twice, interpreted for
     * longer and then compiled.
     */
    double jitSeconds() {
        stop();
        return startJitMillis < 0 || endJitMillis < 0 ? -1 : (endJitMillis - startJitMillis) / 1e3;
    }

    private static long jitMillis() {
        return JIT != null && JIT.isCompilationTimeMonitoringSupported() ? JIT.getTotalCompilationTime() : -1;
    }

    private static long processCpuNanos() {
        return OS instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : -1;
    }
}
