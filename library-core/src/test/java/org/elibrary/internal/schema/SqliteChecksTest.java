package org.elibrary.internal.schema;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqliteChecksTest {
    private static final String ARROW =
            "the ->> operator (SQLite 3.38.0 or later; the bulk statements read their rows from JSON with it)";
    private static final String OLD_DRIVER =
            "sqlite-jdbc before 3.41.2.2 closes a query's result without rows before its columns can be read";

    @Test
    void springBootsSqliteJdbcVersionsPass() {
        // sqlite-jdbc 3.49.1.0 (Spring Boot 3.5.7's) and 3.50.3.0 (Boot 4.0.7's)
        assertThat(SqliteChecks.missing("3.49.1", true, "3.49.1.0")).isNull();
        assertThat(SqliteChecks.missing("3.50.3", true, "3.50.3.0")).isNull();
        assertThat(SqliteChecks.missing("3.54.1", true, "3.54.1.0")).isNull();
        assertThat(SqliteChecks.missing("4.0.0", true, "4.0.0.0")).isNull();
    }

    @Test
    void theOldestDriverThatWorksIs34122() {
        assertThat(SqliteChecks.missing("3.41.2", true, "3.41.2.2")).isNull();
        assertThat(SqliteChecks.missing("3.41.2", true, "3.41.2.1")).isEqualTo(OLD_DRIVER);
        assertThat(SqliteChecks.missing("3.39.2", true, "3.39.2.0")).isEqualTo(OLD_DRIVER);
        // a driver version that does not read as one is not judged
        assertThat(SqliteChecks.missing("3.49.1", true, "unknown")).isNull();
        assertThat(SqliteChecks.missing("3.49.1", true, null)).isNull();
    }

    @Test
    void theJsonArrowOperatorCameWithSqlite338() {
        // a newer driver on an older SQLite library of the system (org.sqlite.lib.path)
        assertThat(SqliteChecks.missing("3.38.0", true, "3.49.1.0")).isNull();
        assertThat(SqliteChecks.missing("3.37.2", true, "3.49.1.0")).isEqualTo("which lacks " + ARROW);
        // sqlite-jdbc 3.36.0.3 (SQLite 3.36.0) has RETURNING but not ->>, and is too old itself
        assertThat(SqliteChecks.missing("3.36.0", true, "3.36.0.3")).isEqualTo("which lacks " + ARROW + "; and "
                + OLD_DRIVER);
    }

    @Test
    void returningCameWithSqlite335() {
        assertThat(SqliteChecks.missing("3.34.1", true, "3.49.1.0")).isEqualTo(
                "which lacks INSERT ... RETURNING (SQLite 3.35.0 or later; inserts return the new ids), " + ARROW);
    }

    @Test
    void theTrigramTokenizerCameWithSqlite334AndNeedsFts5() {
        assertThat(SqliteChecks.missing("3.33.9", true, "3.49.1.0")).startsWith("which lacks FTS5's trigram tokenizer")
                .contains("3.34.0").contains("RETURNING").contains("->>");
        assertThat(SqliteChecks.missing("3.54.1", false, "3.54.1.0")).isEqualTo(
                "which lacks the FTS5 extension (its trigram tokenizer indexes the search)");
    }

    @Test
    void versionsAreComparedAsNumbers() {
        assertThat(SqliteChecks.missing("3.9.0", true, "3.49.1.0")).isNotNull();
        assertThat(SqliteChecks.missing("3.100.0", true, "3.100.0.0")).isNull();
        assertThat(SqliteChecks.missing("3.38", true, "3.49.1.0")).isNull();
        assertThat(SqliteChecks.missing("3.37", true, "3.49.1.0")).isNotNull();
        assertThat(SqliteChecks.missing("3.49.1", true, "3.41.10.0")).isNull();
        assertThat(SqliteChecks.missing("3.49.1", true, "3.41.2")).isEqualTo(OLD_DRIVER);
    }
}
