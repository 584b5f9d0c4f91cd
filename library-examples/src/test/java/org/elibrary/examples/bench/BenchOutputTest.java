package org.elibrary.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchOutputTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void phaseLineHasTheSpecsFieldsInOrder() {
        BenchOutput.phase(out, new PhaseResult("jdbc", "sqlite", "import", 1, 85_000, 2.5, 1.25, 0.4, -1, 0, null));

        assertThat(printed()).isEqualTo("{\"impl\":\"jdbc\",\"backend\":\"sqlite\",\"phase\":\"import\",\"scale\":1,"
                + "\"ops\":85000,\"seconds\":2.500000,\"ops_per_s\":34000.0,\"errors\":0,\"cpu_s\":1.250,\"jit_s\":0.400}" + System.lineSeparator());
    }

    @Test
    void phaseLineWithErrorsCarriesASample() {
        BenchOutput.phase(out, new PhaseResult("async", "postgresql", "concurrent", 10, 20_000, 4, -1, -1, 0.5, 2, "op 7: \"boom\""));

        assertThat(printed()).contains("\"errors\":2,\"server_cpu_s\":0.50,\"error_sample\":\"op 7: \\\"boom\\\"\"}");
    }

    @Test
    void countsLineHasTheSpecsFields() {
        BenchOutput.counts(out, "sync", "sqlite", new Counts(2000, 9000, 19800, 1000, 48600));

        assertThat(printed()).isEqualTo("{\"impl\":\"sync\",\"backend\":\"sqlite\",\"counts\":{\"author\":2000,"
                + "\"book\":9000,\"author_book\":19800,\"user\":1000,\"comment\":48600}}" + System.lineSeparator());
    }

    @Test
    void settingsLineKeepsNumbersAndBooleansTyped() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("journal_mode", "wal");
        settings.put("pool_readers", 4);
        settings.put("reWriteBatchedInserts", true);

        BenchOutput.settings(out, "jdbc", "sqlite", 1, settings);

        assertThat(printed()).isEqualTo("{\"impl\":\"jdbc\",\"backend\":\"sqlite\",\"scale\":1,\"settings\":{"
                + "\"journal_mode\":\"wal\",\"pool_readers\":4,\"reWriteBatchedInserts\":true}}" + System.lineSeparator());
    }
}
