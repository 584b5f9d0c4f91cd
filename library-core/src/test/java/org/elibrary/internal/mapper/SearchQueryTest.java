package org.elibrary.internal.mapper;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SearchQueryTest {

    @Test
    void likePatternEscapesWildcardsAndBackslash() {
        assertThat(SearchQuery.of("50%_off\\", 0, 10).pattern()).isEqualTo("%50\\%\\_off\\\\%");
        assertThat(SearchQuery.of("мир", 0, 10).pattern()).isEqualTo("%мир%");
    }

    @Test
    void ftsPhraseQuotesDoubleQuotes() {
        assertThat(SearchQuery.of("a \"b\" OR c", 0, 10).phrase()).isEqualTo("\"a \"\"b\"\" OR c\"");
    }

    @Test
    void trigramIndexOnlyFromThreeCodePoints() {
        assertThat(SearchQuery.of("ab", 0, 10).fts()).isFalse();
        assertThat(SearchQuery.of("abc", 0, 10).fts()).isTrue();
        assertThat(SearchQuery.of("😀😀", 0, 10).fts()).isFalse();
        assertThat(SearchQuery.of("😀😀😀", 0, 10).fts()).isTrue();
    }

    @Test
    void foldingCoversCyrillic() {
        assertThat(SearchQuery.of("ВОЙНА Ё", 0, 10).folded()).isEqualTo("война ё");
    }

    @Test
    void foldingTakesEachLetterAlone() {
        // not String.toLowerCase, which turns a word-final capital sigma into the final form
        assertThat(SearchQuery.fold("ΟΔΟΣ")).isEqualTo("οδοσ");
        assertThat(SearchQuery.fold("οδος")).isEqualTo("οδοσ");
        assertThat(SearchQuery.fold("Emoji 😀 ſ")).isEqualTo("emoji 😀 s");
        // the trigram index leaves the Turkish dotted capital and dotless small i as they are
        assertThat(SearchQuery.fold("İstanbul Kırmızı")).isEqualTo("İstanbul kırmızı");
    }

    @Test
    void theKeysetAndTheLimitAreCarriedForTheStatements() {
        SearchQuery page = SearchQuery.of("мир", 42, 20);
        assertThat(page.afterId()).isEqualTo(42);
        assertThat(page.afterKey()).isNull();
        assertThat(page.limit()).isEqualTo(20);
        SearchQuery byKey = SearchQuery.ofKey("мир", "Война и мир", 20);
        assertThat(byKey.afterKey()).isEqualTo("Война и мир");
        assertThat(byKey.afterId()).isZero();
        assertThat(byKey.pattern()).isEqualTo(page.pattern());
        assertThat(byKey.limit()).isEqualTo(20);
    }
}
