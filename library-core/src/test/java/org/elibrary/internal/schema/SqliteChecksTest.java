package org.elibrary.internal.schema;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqliteChecksTest {
    @Test
    void springBootsSqliteJdbcVersionsPass() {
        // sqlite-jdbc 3.49.1.0 (Spring Boot 3.5.7's) and 3.50.3.0 (Boot 4.0.7's) bundle these
        assertThat(SqliteChecks.missing("3.49.1", true)).isNull();
        assertThat(SqliteChecks.missing("3.50.3", true)).isNull();
        assertThat(SqliteChecks.missing("3.54.1", true)).isNull();
        assertThat(SqliteChecks.missing("4.0.0", true)).isNull();
    }

    @Test
    void theJsonArrowOperatorCameWithSqlite338() {
        // sqlite-jdbc 3.39.2.0 is the oldest that passes; 3.36.0.3 (SQLite 3.36.0) has RETURNING but not ->>
        assertThat(SqliteChecks.missing("3.38.0", true)).isNull();
        assertThat(SqliteChecks.missing("3.39.2", true)).isNull();
        assertThat(SqliteChecks.missing("3.37.2", true)).isEqualTo(
                "the ->> operator (SQLite 3.38.0 or later; the bulk statements read their rows from JSON with it)");
        assertThat(SqliteChecks.missing("3.36.0", true)).startsWith("the ->> operator");
    }

    @Test
    void returningCameWithSqlite335() {
        assertThat(SqliteChecks.missing("3.34.1", true))
                .startsWith("INSERT ... RETURNING (SQLite 3.35.0 or later").endsWith(", the ->> operator"
                        + " (SQLite 3.38.0 or later; the bulk statements read their rows from JSON with it)");
    }

    @Test
    void theTrigramTokenizerCameWithSqlite334AndNeedsFts5() {
        assertThat(SqliteChecks.missing("3.33.9", true)).startsWith("FTS5's trigram tokenizer").contains("3.34.0")
                .contains("RETURNING").contains("->>");
        assertThat(SqliteChecks.missing("3.54.1", false)).isEqualTo(
                "the FTS5 extension (its trigram tokenizer indexes the search)");
    }

    @Test
    void versionsAreComparedAsNumbers() {
        assertThat(SqliteChecks.missing("3.9.0", true)).isNotNull();
        assertThat(SqliteChecks.missing("3.100.0", true)).isNull();
        assertThat(SqliteChecks.missing("3.38", true)).isNull();
        assertThat(SqliteChecks.missing("3.37", true)).isNotNull();
    }
}
