package org.elibrary.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.elibrary.Backend;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {
    private static final Path TMP = Path.of("target");

    @Test
    void defaultsToTheSpecsOperationCounts() {
        assertThat(new BenchOptions(Backend.SQLITE, null, 1, List.of("jdbc"), TMP).opsDivisor()).isEqualTo(1);
        assertThat(new BenchOptions(Backend.SQLITE, null, 1, List.of("jdbc"), TMP).warmups()).isZero();
    }

    @Test
    void rejectsBadValuesNamingThem() {
        assertThatThrownBy(() -> new BenchOptions(Backend.SQLITE, null, 0, List.of("jdbc"), TMP))
                .hasMessageContaining("scale");
        // from 214,749 on the workload's row counts would overflow
        assertThatThrownBy(() -> new BenchOptions(Backend.SQLITE, null, BenchOptions.MAX_SCALE + 1, List.of("jdbc"), TMP))
                .hasMessageContaining("scale");
        assertThat(new BenchOptions(Backend.SQLITE, null, BenchOptions.MAX_SCALE, List.of("jdbc"), TMP).scale())
                .isEqualTo(BenchOptions.MAX_SCALE);
        assertThatThrownBy(() -> new BenchOptions(Backend.POSTGRESQL, "postgresql://u:s3cret@h:notaport/db", 1,
                List.of("jdbc"), TMP)).hasMessageContaining("port").message().doesNotContain("s3cret");
        assertThatThrownBy(() -> new BenchOptions(Backend.SQLITE, null, 1, List.of("orm"), TMP))
                .hasMessageContaining("orm");
        assertThatThrownBy(() -> new BenchOptions(Backend.SQLITE, null, 1, List.of(), TMP))
                .hasMessageContaining("impls");
        assertThatThrownBy(() -> new BenchOptions(Backend.SQLITE, null, 1, List.of("jdbc", "jdbc"), TMP))
                .hasMessageContaining("repeat");
        assertThatThrownBy(() -> new BenchOptions(Backend.SQLITE, "jdbc:postgresql://h/db", 1, List.of("jdbc"), TMP))
                .hasMessageContaining("pgUrl");
        assertThatThrownBy(() -> new BenchOptions(Backend.SQLITE, null, 1, List.of("jdbc"), TMP, 1, -1))
                .hasMessageContaining("warmup");
        assertThatThrownBy(() -> new BenchOptions(Backend.SQLITE, null, 1, List.of("jdbc"), TMP, 1,
                BenchOptions.MAX_WARMUPS + 1)).hasMessageContaining("warmup");
        assertThatThrownBy(() -> new BenchOptions(Backend.POSTGRESQL, null, 1, List.of("jdbc"), TMP, 1, 0, true))
                .hasMessageContaining("pgEmbedded");
    }

    @Test
    void toStringHidesThePostgresUrl() {
        BenchOptions options = new BenchOptions(Backend.POSTGRESQL, "postgresql://u:secret@h/db", 1,
                List.of("jdbc"), TMP);

        assertThat(options.toString()).doesNotContain("secret");
    }

    @Test
    void readsTheHostOfAServerUrl() {
        // the server CPU is measured only for a server on this machine (a loopback host)
        assertThat(BenchDatabases.host("jdbc:postgresql://localhost:5432/postgres?user=postgres")).isEqualTo("localhost");
        assertThat(BenchDatabases.host("jdbc:postgresql://127.0.0.1/db")).isEqualTo("127.0.0.1");
        assertThat(BenchDatabases.host("jdbc:postgresql://[::1]:5432/db")).isEqualTo("[::1]");
        assertThat(BenchDatabases.host("jdbc:postgresql://DB.example.com?user=u")).isEqualTo("db.example.com");
        assertThat(BenchDatabases.host("jdbc:postgresql:///db")).isEmpty();
    }

    @Test
    void replacesTheDatabaseOfAServerUrl() {
        assertThat(BenchDatabases.withDatabase("jdbc:postgresql://h:1/postgres?user=u", "x"))
                .isEqualTo("jdbc:postgresql://h:1/x?user=u");
        assertThat(BenchDatabases.withDatabase("jdbc:postgresql://h:1?user=u", "x"))
                .isEqualTo("jdbc:postgresql://h:1/x?user=u");
        assertThat(BenchDatabases.withDatabase("jdbc:postgresql://h:1/postgres", "x"))
                .isEqualTo("jdbc:postgresql://h:1/x");
    }

    @Test
    void likePatternsAndFtsPhrasesTakeTheQueryLiterally() {
        assertThat(JdbcImpl.likeContains("50%_a\\b")).isEqualTo("%50\\%\\_a\\\\b%");
        assertThat(JdbcImpl.ftsPhrase("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    }
}
