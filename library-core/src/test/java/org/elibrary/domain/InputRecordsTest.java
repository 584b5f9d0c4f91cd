package org.elibrary.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.elibrary.InvalidInputException;
import org.junit.jupiter.api.Test;

/** The records callers build as input refuse nulls as the repositories do: naming the field and the rule. */
class InputRecordsTest {

    @Test
    void newBookNamesTheMissingField() {
        assertRefused(() -> new NewBook(null, List.of()), "book.title", "is required");
        assertRefused(() -> new NewBook("Нос", null), "authorIds", "is required");
        assertRefused(() -> new NewBook("Нос", Arrays.asList(1L, null)), "authorIds", "must not contain null");
    }

    @Test
    void newBookKeepsItsOwnCopyOfTheIds() {
        List<Long> ids = new ArrayList<>(List.of(1L, 2L));
        NewBook book = new NewBook("Нос", ids);
        ids.clear();
        assertThat(book.authorIds()).containsExactly(1L, 2L);
        assertThatThrownBy(() -> book.authorIds().add(3L)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void newCommentNamesTheMissingText() {
        assertRefused(() -> new NewComment(1, 1, null), "comment.text", "is required");
    }

    @Test
    void aPageHoldsAtMostItsLimit() {
        Author author = new Author(1, "Гоголь");
        assertThat(new Page<>(List.of(author), 1, 0, 1).hasNext()).isFalse();
        assertThatThrownBy(() -> new Page<>(List.of(author, author), 2, 0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most limit (1)");
        assertThatThrownBy(() -> new Page<Author>(null, 0, 0, 1)).hasMessage("items");
    }

    private static void assertRefused(Runnable construction, String field, String rule) {
        assertThatThrownBy(construction::run).isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.field()).isEqualTo(field);
            assertThat(e.getMessage()).contains(rule);
        });
    }
}
