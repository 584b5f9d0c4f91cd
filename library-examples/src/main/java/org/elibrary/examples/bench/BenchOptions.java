package org.elibrary.examples.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.elibrary.Backend;
import org.elibrary.examples.common.Passwords;

/**
 * What to benchmark.
 *
 * @param backend    the database to run on
 * @param pgUrl      PostgreSQL only: a server URL (JDBC {@code jdbc:postgresql://…} or SQLAlchemy
 *                   {@code postgresql[+driver]://user:pass@host:port/db}) whose user may create databases; each
 *                   implementation gets a new database on it, dropped afterwards. Null starts an embedded
 *                   PostgreSQL for the run.
 * @param scale      the workload's {@code S}, within 1..{@value #MAX_SCALE}
 * @param impls      which implementations to run, in order: any of {@code async}, {@code sync}, {@code jdbc}
 * @param workDir    where temporary SQLite files and the embedded server's data go (a new subfolder, removed
 *                   afterwards)
 * @param opsDivisor 1 runs the spec; a larger value divides the operation counts of phases 2 to 5 (not the
 *                   data). For tests only: results are then not the spec's workload.
 * @param warmups    how many times each implementation first runs the whole workload, unmeasured and on a
 *                   database of its own, in the same JVM: 0 (the spec) measures a cold JVM; 1 or more measures
 *                   code the JIT compiler has already compiled, as in a long-running application
 * @param pgEmbedded whether {@code pgUrl} is an {@link EmbeddedServer} that a {@code bench --rounds} set started
 *                   for all its runs (what the runs' settings line says of the server); false for one the caller
 *                   names
 */
public record BenchOptions(Backend backend, String pgUrl, int scale, List<String> impls, Path workDir,
                           int opsDivisor, int warmups, boolean pgEmbedded) {
    /**
     * The largest scale: 10 million books and 50 million comments, far past what the benchmark is for (and what
     * its ints count from 214,749 on).
     */
    public static final int MAX_SCALE = 1_000;

    /** At most this many warm-up runs per implementation. */
    public static final int MAX_WARMUPS = 10;

    /** The implementation names, in the order the CLI runs them by default. */
    public static final List<String> ALL_IMPLS = List.of("async", "sync", "jdbc");

    public BenchOptions {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(workDir, "workDir");
        if (scale < 1 || scale > MAX_SCALE) {
            throw new IllegalArgumentException("scale must be within 1.." + MAX_SCALE + ", was " + scale);
        }
        if (impls == null || impls.isEmpty()) {
            throw new IllegalArgumentException("impls must name at least one of " + ALL_IMPLS);
        }
        impls = List.copyOf(impls);
        for (String impl : impls) {
            if (!ALL_IMPLS.contains(impl)) {
                throw new IllegalArgumentException("unknown impl '" + impl + "', expected one of " + ALL_IMPLS);
            }
        }
        if (Set.copyOf(impls).size() != impls.size()) {
            throw new IllegalArgumentException("impls must not repeat a name: " + impls);
        }
        if (pgUrl != null && backend != Backend.POSTGRESQL) {
            throw new IllegalArgumentException("pgUrl is for the POSTGRESQL backend only");
        }
        if (pgUrl != null) {
            PgServerUrl.check(pgUrl);
        }
        if (pgEmbedded && pgUrl == null) {
            throw new IllegalArgumentException("pgEmbedded describes a pgUrl, and there is none");
        }
        if (opsDivisor < 1 || opsDivisor > Workload.DELETE_OPS) {
            throw new IllegalArgumentException("opsDivisor must be within 1.." + Workload.DELETE_OPS
                    + ", was " + opsDivisor);
        }
        if (warmups < 0 || warmups > MAX_WARMUPS) {
            throw new IllegalArgumentException("warmup must be within 0.." + MAX_WARMUPS + ", was " + warmups);
        }
    }

    /** A server the caller names, or none (an embedded one for the run). */
    public BenchOptions(Backend backend, String pgUrl, int scale, List<String> impls, Path workDir, int opsDivisor,
                        int warmups) {
        this(backend, pgUrl, scale, impls, workDir, opsDivisor, warmups, false);
    }

    /** No warm-up: the spec's cold run. */
    public BenchOptions(Backend backend, String pgUrl, int scale, List<String> impls, Path workDir, int opsDivisor) {
        this(backend, pgUrl, scale, impls, workDir, opsDivisor, 0, false);
    }

    /** The spec's workload (no divisor). */
    public BenchOptions(Backend backend, String pgUrl, int scale, List<String> impls, Path workDir) {
        this(backend, pgUrl, scale, impls, workDir, 1, 0, false);
    }

    /** {@code text} without the password of {@link #pgUrl} ({@link Passwords#mask}): for messages from drivers and pools. */
    public String masked(String text) {
        return Passwords.mask(text, pgUrl);
    }

    @Override
    public String toString() {
        // pgUrl may carry a password
        String server = pgUrl == null ? "embedded" : pgEmbedded ? "<embedded, given>" : "<given>";
        return "BenchOptions[backend=" + backend + ", pgUrl=" + server
                + ", scale=" + scale + ", impls=" + impls + ", workDir=" + workDir + ", opsDivisor=" + opsDivisor
                + ", warmups=" + warmups + "]";
    }
}
