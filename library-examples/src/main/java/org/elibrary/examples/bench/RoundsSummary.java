package org.elibrary.examples.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The medians of several runs of the benchmark, each printed by its own JVM ({@code bench --rounds}): reads
 * their JSON lines, checks that every run ended with the same counts, and prints per phase the median ops/s
 * of each implementation and its ratio to {@code jdbc}'s median, as JSON lines and as a Markdown table.
 *
 * <p>With the ratios goes their spread round by round: each run's ops/s over the {@code jdbc} run of the same
 * round (the implementations take turns, so a round's runs ran minutes apart at most), as minimum, quartiles,
 * median and maximum. The median of these paired ratios is the steadier reading when the machine's speed
 * drifts during a set; the headline ratio stays the ratio of the medians. Runs of identical code differ by 10%
 * and more on a small VM; the spread shows how far a ratio can be read.
 */
public final class RoundsSummary {
    private static final JsonFactory JSON = new JsonFactory();
    private static final List<String> PHASES = List.of("import", "details", "search", "concurrent", "delete");

    private final String backend;
    private final int scale;
    private final int warmups;
    private final List<String> impls;
    /** ops/s by phase, then by implementation, one value per run, in the order read. */
    private final Map<String, Map<String, List<Double>>> opsPerSecond = new LinkedHashMap<>();
    /** Counts lines read so far, per implementation. */
    private final Map<String, Integer> countsLines = new LinkedHashMap<>();
    private long errors;
    private Map<String, String> firstCounts;
    private String firstCountsImpl;

    /** For runs of {@code impls} (in the table's column order) on {@code backend}. */
    public RoundsSummary(String backend, int scale, int warmups, List<String> impls) {
        this.backend = backend;
        this.scale = scale;
        this.warmups = warmups;
        this.impls = List.copyOf(impls);
        for (String phase : PHASES) {
            Map<String, List<Double>> byImpl = new LinkedHashMap<>();
            for (String impl : this.impls) {
                byImpl.put(impl, new ArrayList<>());
            }
            opsPerSecond.put(phase, byImpl);
        }
    }

    /**
     * Takes one line a run printed: a phase line adds its ops/s, a counts line is compared with the first
     * run's; other lines (the settings) are ignored.
     *
     * @throws IllegalStateException if the line is not the benchmark's JSON, or its counts differ from the
     *                               first run's (then the runs did not do the same work)
     */
    public void accept(String line) {
        Map<String, String> fields = new TreeMap<>();
        Map<String, String> counts = null;
        try (JsonParser json = JSON.createParser(line)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalStateException("not a JSON object: " + line);
            }
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String name = json.currentName();
                JsonToken value = json.nextToken();
                if (name.equals("counts") && value == JsonToken.START_OBJECT) {
                    counts = new TreeMap<>();
                    while (json.nextToken() == JsonToken.FIELD_NAME) {
                        String table = json.currentName();
                        json.nextToken();
                        counts.put(table, json.getText());
                    }
                } else if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    json.skipChildren(); // the settings
                } else {
                    fields.put(name, json.getText());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("not a JSON line of the benchmark: " + line, e);
        }
        String impl = fields.get("impl");
        if (counts != null) {
            countsLines.merge(impl, 1, Integer::sum);
            if (firstCounts == null) {
                firstCounts = counts;
                firstCountsImpl = impl;
            } else if (!firstCounts.equals(counts)) {
                throw new IllegalStateException("the runs ended with different counts: " + firstCountsImpl + " "
                        + firstCounts + ", " + impl + " " + counts);
            }
            return;
        }
        String phase = fields.get("phase");
        if (phase == null) {
            return;
        }
        List<Double> runs = opsPerSecond.getOrDefault(phase, Map.of()).get(impl);
        if (runs == null || !fields.containsKey("ops_per_s")) {
            throw new IllegalStateException("unexpected phase line: " + line);
        }
        runs.add(Double.parseDouble(fields.get("ops_per_s")));
        errors += Long.parseLong(fields.getOrDefault("errors", "0"));
    }

    /**
     * What {@code impl}'s first {@code runs} runs did not print: a phase line or the counts line (the first one
     * missing, as words), or null when nothing is missing.
     */
    public String missing(String impl, int runs) {
        for (String phase : PHASES) {
            List<Double> read = opsPerSecond.get(phase).get(impl);
            if (read == null || read.size() < runs) {
                return "its '" + phase + "' line";
            }
        }
        return countsLines.getOrDefault(impl, 0) < runs ? "its counts line" : null;
    }

    /** Failed operations over all runs read so far. */
    public long errors() {
        return errors;
    }

    /** The median of each implementation's ops/s in {@code phase} (runs so far; NaN without any). */
    public Map<String, Double> medians(String phase) {
        Map<String, Double> medians = new LinkedHashMap<>();
        opsPerSecond.get(phase).forEach((impl, runs) -> medians.put(impl, median(runs)));
        return medians;
    }

    /**
     * The spread of each implementation's ratio to {@code jdbc} round by round in {@code phase}: its run of a
     * round over {@code jdbc}'s run of the same round, as {@code [minimum, first quartile, median, third
     * quartile, maximum]} (interpolated between the ordered ratios); empty without {@code jdbc}.
     */
    public Map<String, double[]> roundRatioSpread(String phase) {
        Map<String, double[]> spread = new LinkedHashMap<>();
        Map<String, List<Double>> byImpl = opsPerSecond.get(phase);
        List<Double> jdbc = byImpl.get("jdbc");
        if (jdbc == null) {
            return spread;
        }
        byImpl.forEach((impl, runs) -> {
            if (impl.equals("jdbc")) {
                return;
            }
            int rounds = Math.min(runs.size(), jdbc.size());
            List<Double> ratios = new ArrayList<>(rounds);
            for (int round = 0; round < rounds; round++) {
                if (jdbc.get(round) > 0) {
                    ratios.add(runs.get(round) / jdbc.get(round));
                }
            }
            if (ratios.isEmpty()) {
                return;
            }
            Collections.sort(ratios);
            spread.put(impl, new double[] {ratios.get(0), quantile(ratios, 0.25), quantile(ratios, 0.5),
                    quantile(ratios, 0.75), ratios.get(ratios.size() - 1)});
        });
        return spread;
    }

    /**
     * Prints one summary line per phase: {@code {"summary":"median","backend":…,"phase":…,"scale":…,
     * "warmup":…,"rounds":…,"ops_per_s":{impl: median…},"ratio_to_jdbc":{impl: ratio…},
     * "round_ratio_to_jdbc":{impl: {"min":…,"q1":…,"median":…,"q3":…,"max":…}}}} (the ratios only when
     * {@code jdbc} ran).
     */
    public void printJson(PrintStream out) {
        for (String phase : PHASES) {
            Map<String, Double> medians = medians(phase);
            BenchOutput.summary(out, backend, phase, scale, warmups, rounds(phase), medians, ratios(medians),
                    roundRatioSpread(phase));
        }
    }

    /**
     * Prints the medians as a Markdown table, a row per phase; the ratio columns when {@code jdbc} ran, each
     * ratio followed by the middle half of its round-by-round ratios ({@code 0.91 (0.85–0.97)}).
     */
    public void printTable(PrintStream out) {
        List<String> others = new ArrayList<>(impls);
        boolean ratios = others.remove("jdbc");
        StringBuilder header = new StringBuilder("| ").append(backend);
        StringBuilder rule = new StringBuilder("|---");
        for (String impl : impls) {
            header.append(" | ").append(impl);
            rule.append("|---:");
        }
        if (ratios) {
            for (String impl : others) {
                header.append(" | ").append(impl).append(" / jdbc");
                rule.append("|---:");
            }
        }
        out.println(header.append(" |"));
        out.println(rule.append("|"));
        for (String phase : PHASES) {
            Map<String, Double> medians = medians(phase);
            StringBuilder row = new StringBuilder("| ").append(phase);
            for (String impl : impls) {
                row.append(" | ").append(String.format(Locale.ROOT, "%,.0f", medians.get(impl)));
            }
            if (ratios) {
                Map<String, Double> byImpl = ratios(medians);
                Map<String, double[]> spread = roundRatioSpread(phase);
                for (String impl : others) {
                    row.append(" | ").append(String.format(Locale.ROOT, "%.2f", byImpl.get(impl)));
                    double[] rounds = spread.get(impl);
                    if (rounds != null) {
                        row.append(String.format(Locale.ROOT, " (%.2f–%.2f)", rounds[1], rounds[3]));
                    }
                }
            }
            out.println(row.append(" |"));
        }
        out.flush();
    }

    private int rounds(String phase) {
        int rounds = Integer.MAX_VALUE;
        for (List<Double> runs : opsPerSecond.get(phase).values()) {
            rounds = Math.min(rounds, runs.size());
        }
        return rounds;
    }

    /** Each implementation's median over {@code jdbc}'s, rounded to two decimals; empty without {@code jdbc}. */
    private static Map<String, Double> ratios(Map<String, Double> medians) {
        Map<String, Double> ratios = new LinkedHashMap<>();
        Double jdbc = medians.get("jdbc");
        if (jdbc == null) {
            return ratios;
        }
        medians.forEach((impl, median) -> {
            if (!impl.equals("jdbc")) {
                ratios.put(impl, Math.round(median / jdbc * 100) / 100.0);
            }
        });
        return ratios;
    }

    /** The {@code p}-quantile of ordered values, interpolated linearly between the two nearest ranks. */
    static double quantile(List<Double> sorted, double p) {
        double rank = p * (sorted.size() - 1);
        int below = (int) Math.floor(rank);
        int above = Math.min(below + 1, sorted.size() - 1);
        return sorted.get(below) + (rank - below) * (sorted.get(above) - sorted.get(below));
    }

    /** The middle value, or the mean of the two middle ones for an even count (the 0.5-quantile). */
    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return quantile(sorted, 0.5);
    }
}
