package org.elibrary.examples.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/** Wall time (monotonic), this JVM's CPU time and the database server's since a phase started. */
final class PhaseClock {
    private static final OperatingSystemMXBean OS = ManagementFactory.getOperatingSystemMXBean();

    private final java.util.function.LongSupplier serverCpu;
    private final long startServerCpuNanos;
    private final long startNanos;
    private final long startCpuNanos;
    private long endNanos;
    private long endCpuNanos;
    private long endServerCpuNanos;

    private PhaseClock(java.util.function.LongSupplier serverCpu) {
        this.serverCpu = serverCpu;
        this.startServerCpuNanos = serverCpu.getAsLong();
        this.startCpuNanos = processCpuNanos();
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

    private static long processCpuNanos() {
        return OS instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : -1;
    }
}
