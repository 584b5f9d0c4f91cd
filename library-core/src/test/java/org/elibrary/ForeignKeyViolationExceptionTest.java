package org.elibrary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ForeignKeyViolationExceptionTest {

    @Test
    void namesEachForeignKeyAndCountsRowsPerTable() {
        Map<String, Long> violations = new LinkedHashMap<>();
        violations.put("comment.user_id -> user", 2L);
        violations.put("comment.book_id -> book", 1L);
        ForeignKeyViolationException e = new ForeignKeyViolationException("sqlite:///./library.db", violations);
        assertThat(e.getMessage()).contains("comment: 2 rows with user_id referencing a missing user; "
                + "comment: 1 row with book_id referencing a missing book")
                .endsWith("; they are SELECT * FROM \"comment\" WHERE \"user_id\" NOT IN (SELECT \"id\" FROM "
                        + "\"user\"); SELECT * FROM \"comment\" WHERE \"book_id\" NOT IN (SELECT \"id\" FROM \"book\")");
        assertThat(e.rowsByTable()).containsExactly(Map.entry("comment", 3L));
    }

    @Test
    void refusesKeysOfAnotherForm() {
        for (String key : new String[] {"comment", "comment.user_id", ".x -> user", "comment.user_id -> "}) {
            assertThatThrownBy(() -> new ForeignKeyViolationException("db", Map.of(key, 1L)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("child_table.column -> parent_table");
        }
    }
}
