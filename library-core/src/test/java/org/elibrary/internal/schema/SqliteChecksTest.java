package org.elibrary.internal.schema;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqliteChecksTest {
    @Test
    void jsonbEachCameWithSqlite351() {
        // sqlite-jdbc 3.49.1.0 (Spring Boot 3.5.7's) and 3.50.3.0 (Boot 4.0.7's) bundle these
        assertThat(SqliteChecks.missing("3.49.1", true)).contains("jsonb_each").contains("3.51.0");
        assertThat(SqliteChecks.missing("3.50.3", true)).contains("jsonb_each");
        assertThat(SqliteChecks.missing("3.51.0", true)).isNull();
        assertThat(SqliteChecks.missing("3.54.1", true)).isNull();
        assertThat(SqliteChecks.missing("4.0.0", true)).isNull();
    }

    @Test
    void theTrigramTokenizerCameWithSqlite334AndNeedsFts5() {
        assertThat(SqliteChecks.missing("3.33.9", true)).contains("trigram").contains("3.34.0");
        assertThat(SqliteChecks.missing("3.54.1", false)).contains("FTS5");
    }

    @Test
    void versionsAreComparedAsNumbers() {
        assertThat(SqliteChecks.missing("3.9.0", true)).isNotNull();
        assertThat(SqliteChecks.missing("3.100.0", true)).isNull();
        assertThat(SqliteChecks.missing("3.51", true)).isNull();
    }
}
