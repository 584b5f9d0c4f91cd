package org.elibrary.examples.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

/** The benchmark's output: one JSON object per line, in the field order of the spec. */
final class BenchOutput {
    private static final JsonFactory JSON = new JsonFactory();

    private BenchOutput() {
    }

    static void settings(PrintStream out, String impl, String backend, int scale, Map<String, Object> settings) {
        print(out, json -> {
            json.writeStringField("impl", impl);
            json.writeStringField("backend", backend);
            json.writeNumberField("scale", scale);
            json.writeObjectFieldStart("settings");
            for (Map.Entry<String, Object> setting : settings.entrySet()) {
                Object value = setting.getValue();
                if (value instanceof Number number) {
                    json.writeNumberField(setting.getKey(), number.longValue());
                } else if (value instanceof Boolean bool) {
                    json.writeBooleanField(setting.getKey(), bool);
                } else {
                    json.writeStringField(setting.getKey(), String.valueOf(value));
                }
            }
            json.writeEndObject();
        });
    }

    static void phase(PrintStream out, PhaseResult result) {
        print(out, json -> {
            json.writeStringField("impl", result.impl());
            json.writeStringField("backend", result.backend());
            json.writeStringField("phase", result.phase());
            json.writeNumberField("scale", result.scale());
            json.writeNumberField("ops", result.ops());
            json.writeNumberField("seconds", round(result.seconds(), 6));
            json.writeNumberField("ops_per_s", round(result.opsPerSecond(), 1));
            json.writeNumberField("errors", result.errors());
            if (result.cpuSeconds() >= 0) {
                json.writeNumberField("cpu_s", round(result.cpuSeconds(), 3));
            }
            if (result.jitSeconds() >= 0) {
                json.writeNumberField("jit_s", round(result.jitSeconds(), 3));
            }
            if (result.serverCpuSeconds() >= 0) {
                json.writeNumberField("server_cpu_s", round(result.serverCpuSeconds(), 2));
            }
            if (result.firstError() != null) {
                json.writeStringField("error_sample", result.firstError());
            }
        });
    }

    static void counts(PrintStream out, String impl, String backend, Counts counts) {
        print(out, json -> {
            json.writeStringField("impl", impl);
            json.writeStringField("backend", backend);
            json.writeObjectFieldStart("counts");
            json.writeNumberField("author", counts.author());
            json.writeNumberField("book", counts.book());
            json.writeNumberField("author_book", counts.authorBook());
            json.writeNumberField("user", counts.user());
            json.writeNumberField("comment", counts.comment());
            json.writeEndObject();
        });
    }

    /**
     * A summary line of {@code bench --rounds}: the phase's medians, their ratios to {@code jdbc}, and the
     * spread of the ratios round by round ({@code [min, q1, median, q3, max]} per implementation).
     */
    static void summary(PrintStream out, String backend, String phase, int scale, int warmups, int rounds,
                        Map<String, Double> medians, Map<String, Double> ratiosToJdbc,
                        Map<String, double[]> roundRatios) {
        print(out, json -> {
            json.writeStringField("summary", "median");
            json.writeStringField("backend", backend);
            json.writeStringField("phase", phase);
            json.writeNumberField("scale", scale);
            json.writeNumberField("warmup", warmups);
            json.writeNumberField("rounds", rounds);
            json.writeObjectFieldStart("ops_per_s");
            for (Map.Entry<String, Double> median : medians.entrySet()) {
                if (median.getValue().isNaN()) {
                    continue; // no run of that implementation
                }
                json.writeNumberField(median.getKey(), round(median.getValue(), 1));
            }
            json.writeEndObject();
            if (!ratiosToJdbc.isEmpty()) {
                json.writeObjectFieldStart("ratio_to_jdbc");
                for (Map.Entry<String, Double> ratio : ratiosToJdbc.entrySet()) {
                    if (ratio.getValue().isNaN()) {
                        continue;
                    }
                    json.writeNumberField(ratio.getKey(), round(ratio.getValue(), 2));
                }
                json.writeEndObject();
            }
            if (!roundRatios.isEmpty()) {
                json.writeObjectFieldStart("round_ratio_to_jdbc");
                for (Map.Entry<String, double[]> spread : roundRatios.entrySet()) {
                    double[] values = spread.getValue();
                    json.writeObjectFieldStart(spread.getKey());
                    json.writeNumberField("min", round(values[0], 2));
                    json.writeNumberField("q1", round(values[1], 2));
                    json.writeNumberField("median", round(values[2], 2));
                    json.writeNumberField("q3", round(values[3], 2));
                    json.writeNumberField("max", round(values[4], 2));
                    json.writeEndObject();
                }
                json.writeEndObject();
            }
        });
    }

    private static BigDecimal round(double value, int decimals) {
        return BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_UP);
    }

    @FunctionalInterface
    private interface Fields {
        void write(JsonGenerator json) throws IOException;
    }

    private static void print(PrintStream out, Fields fields) {
        StringWriter line = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(line)) {
            json.writeStartObject();
            fields.write(json);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.println(line);
        out.flush();
    }
}
