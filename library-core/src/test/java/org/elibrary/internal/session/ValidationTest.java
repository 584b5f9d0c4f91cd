package org.elibrary.internal.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.elibrary.InvalidInputException;
import org.junit.jupiter.api.Test;

class ValidationTest {

    @Test
    void lengthIsCountedInCodePoints() {
        assertThat(Validation.text("f", "😀".repeat(150), 150)).hasSize(300);
        assertThatThrownBy(() -> Validation.text("f", "😀".repeat(151), 150))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.field()).isEqualTo("f");
                    assertThat(e.rule()).isEqualTo("must be at most 150 characters");
                });
        assertThat(Validation.text("f", "é".repeat(3), 3)).isEqualTo("ééé");
    }

    @Test
    void rejectsNullBlankNulAndUnpairedSurrogates() {
        assertThatThrownBy(() -> Validation.text("book.title", null, 10)).hasMessage("book.title: is required");
        assertThatThrownBy(() -> Validation.text("f", "", 10)).hasMessageContaining("blank");
        assertThatThrownBy(() -> Validation.text("f", " \t\n\u00A0\u3000", 10)).hasMessageContaining("blank");
        assertThatThrownBy(() -> Validation.text("f", "a\0", 10)).hasMessageContaining("NUL");
        assertThatThrownBy(() -> Validation.text("f", "\uD83D", 10)).hasMessageContaining("surrogate");
        assertThatThrownBy(() -> Validation.text("f", "\uDE00x", 10)).hasMessageContaining("surrogate");
        assertThatThrownBy(() -> Validation.text("f", "\uD83D\uD83D\uDE00", 10)).hasMessageContaining("surrogate");
        assertThatThrownBy(() -> Validation.text("f", "😀\uDE00", 10)).hasMessageContaining("surrogate");
        assertThatThrownBy(() -> Validation.text("f", "x\uD83D", 10)).hasMessageContaining("surrogate");
        assertThat(Validation.text("f", " x ", 10)).isEqualTo(" x ");
        assertThat(Validation.text("f", "a\u0001", 10)).isEqualTo("a\u0001");
        assertThat(Validation.text("f", "\u200Bx\uFEFF", 10)).isEqualTo("\u200Bx\uFEFF");
        assertThat(Validation.text("f", "\u200D😀", 10)).isEqualTo("\u200D😀");
        // text that shows: an Arabic end-of-ayah sign (a format character that is drawn), a combining
        // enclosing circle, pointed Hebrew, an emoji family, a flag, a heart with its variation selector
        for (String shown : List.of("\u06DD", "\u20DD", "שָׁלוֹם", "👩\u200D👩\u200D👧", "🇺🇦", "❤\uFE0F",
                "\u200Fעברית\u200F")) {
            assertThat(Validation.text("f", shown, 10)).isEqualTo(shown);
        }
        assertThat(Validation.text("f", " 😀", 2)).isEqualTo(" 😀");
        assertThat(Validation.text("f", "😀", 1)).isEqualTo("😀");
    }

    @Test
    void textOfInvisibleCharactersOnlyIsBlank() {
        // zero-width space, byte order mark, soft hyphen, word joiner, a control, a tag space (U+E0020), a lone
        // combining accent, a variation selector, the combining grapheme joiner, Hangul fillers, blank Braille
        for (String invisible : List.of("\u200B", "\uFEFF", " \u00AD ", "\u2060\u200B", "\u0001",
                "\uDB40\uDC20", "\u0301", "\uFE0F", "\u034F", "\u3164\u115F\u1160\uFFA0", "\u2800")) {
            assertThatThrownBy(() -> Validation.text("book.title", invisible, 10))
                    .isInstanceOfSatisfying(InvalidInputException.class,
                            e -> assertThat(e.rule()).isEqualTo("must not be blank"));
        }
    }

    @Test
    void idsLimitsOffsetsAndLists() {
        assertThat(Validation.id("f", 1)).isEqualTo(1);
        assertThatThrownBy(() -> Validation.id("book.id", 0)).hasMessage("book.id: must be a positive id");
        assertThatThrownBy(() -> Validation.id("book.id", -5)).isInstanceOf(InvalidInputException.class);
        assertThat(Validation.limit(1)).isEqualTo(1);
        assertThat(Validation.limit(1000)).isEqualTo(1000);
        assertThatThrownBy(() -> Validation.limit(0)).hasMessage("limit: must be between 1 and 1000");
        assertThatThrownBy(() -> Validation.limit(1001)).isInstanceOf(InvalidInputException.class);
        assertThat(Validation.offset(0)).isZero();
        assertThatThrownBy(() -> Validation.offset(-1)).isInstanceOf(InvalidInputException.class);
        assertThat(Validation.afterId(0)).isZero();
        assertThatThrownBy(() -> Validation.afterId(-1)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> Validation.list("names", null)).hasMessage("names: is required");
        assertThatThrownBy(() -> Validation.list("names", Arrays.asList("a", null)))
                .hasMessage("names: must not contain null");
        assertThat(Validation.list("names", List.of("a"))).containsExactly("a");
    }
}
