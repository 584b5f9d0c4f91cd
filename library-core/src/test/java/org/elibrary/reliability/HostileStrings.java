package org.elibrary.reliability;

import java.util.List;
import org.elibrary.internal.session.Validation;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generators of hostile text for the property tests, and the oracle that says which texts the library's
 * documented rules accept (not blank, at most {@code max} code points, no NUL, no unpaired surrogate).
 */
final class HostileStrings {
    /** Text that tries to break out of a SQL literal or a LIKE / FTS pattern; it must be stored as text. */
    static final List<String> INJECTIONS = List.of(
            "'; DROP TABLE \"user\"; --",
            "Robert'); DROP TABLE book;--",
            "' OR '1'='1",
            "\" OR \"\"=\"",
            "1; DELETE FROM comment",
            "'||(SELECT password FROM pg_shadow)||'",
            "$$; DROP TABLE author; $$",
            "E'\\x27'",
            "\\'; --",
            "%_\\%\\_",
            "*",
            "NEAR(a b)",
            "title:\"x\" OR y",
            "/* */",
            "${jndi:ldap://x}",
            "#{id}",
            "'); PRAGMA writable_schema=1; --",
            "ATTACH DATABASE '/tmp/x.db' AS x; --");

    private HostileStrings() {
    }

    /** Arbitrary text: mostly short mixes of scripts and hostile pieces, some long, a few huge, some at the limit. */
    static Arbitrary<String> any(int max) {
        Arbitrary<String> piece = piece();
        Arbitrary<String> shortMix = piece.list().ofMinSize(0).ofMaxSize(8).map(HostileStrings::join);
        Arbitrary<String> longMix = piece.list().ofMinSize(30).ofMaxSize(160).map(HostileStrings::join);
        Arbitrary<String> huge = Combinators.combine(Arbitraries.integers().between(1_000, 200_000), piece)
                .as((n, p) -> "ы".repeat(n) + p);
        return Arbitraries.frequencyOf(
                Tuple.of(12, shortMix),
                Tuple.of(2, longMix),
                Tuple.of(1, huge),
                Tuple.of(3, atLimit(max)),
                Tuple.of(1, Arbitraries.of(INJECTIONS))).injectNull(0.01);
    }

    /** Texts of exactly max-1, max or max+1 code points, built from one- and two-unit characters. */
    static Arbitrary<String> atLimit(int max) {
        Arbitrary<String> unit = Arbitraries.of("a", "я", "😀", "𠀀", "\u05D0", "e\u0301".substring(1), "'");
        return Combinators.combine(unit, Arbitraries.of(-1, 0, 1), Arbitraries.of("x", "😀"))
                .as((u, delta, first) -> first + u.repeat(max + delta - 1));
    }

    private static Arbitrary<String> piece() {
        return Arbitraries.frequencyOf(
                Tuple.of(10, Arbitraries.strings().withCharRange(' ', '~').ofMinLength(1).ofMaxLength(8)),
                Tuple.of(6, Arbitraries.strings().withCharRange('\u0400', '\u04FF').ofMinLength(1).ofMaxLength(8)),
                // combining marks, alone or stacked
                Tuple.of(3, codePoints(0x0300, 0x036F, 1, 6)),
                // right-to-left scripts and bidi controls
                Tuple.of(3, codePoints(0x05D0, 0x05EA, 1, 6)),
                Tuple.of(2, codePoints(0x0620, 0x064A, 1, 6)),
                Tuple.of(2, Arbitraries.of("\u202E", "\u202D", "\u200F", "\u200E", "\u2066", "\u2069", "\u061C")),
                // every plane above the BMP: emoji, CJK extension B, tags, private use, the last code point
                Tuple.of(4, codePoints(0x10000, 0x10FFFF, 1, 4)),
                Tuple.of(2, Arbitraries.of("😀", "👩‍👩‍👧‍👦", "🇷🇺", "\uDB40\uDC41", "\uDBFF\uDFFF")),
                // things the rules reject: NUL and unpaired surrogates (high or low, anywhere)
                Tuple.of(1, Arbitraries.of("\0", "a\0b", "\0\0")),
                Tuple.of(1, Arbitraries.chars().range('\uD800', '\uDFFF').map(String::valueOf)),
                // whitespace and invisible characters
                Tuple.of(3, Arbitraries.of(" ", "  ", "\t", "\n", "\r\n", "\u00A0", "\u2028", "\u3000", "\u200B",
                        "\uFEFF", "\u200D", "\u00AD")),
                // special BMP code points
                Tuple.of(1, Arbitraries.of("\uFFFE", "\uFFFF", "\uFFFD", "\u0001", "\u007F", "\u0085", "\u001B[31m")),
                // any UTF-16 code unit at all
                Tuple.of(1, Arbitraries.strings().all().ofMinLength(1).ofMaxLength(3)),
                Tuple.of(2, Arbitraries.of(INJECTIONS)));
    }

    private static Arbitrary<String> codePoints(int from, int to, int min, int max) {
        return Arbitraries.integers().between(from, to)
                .filter(cp -> cp < 0xD800 || cp > 0xDFFF)
                .list().ofMinSize(min).ofMaxSize(max)
                .map(cps -> {
                    StringBuilder sb = new StringBuilder();
                    cps.forEach(sb::appendCodePoint);
                    return sb.toString();
                });
    }

    private static String join(List<String> pieces) {
        return String.join("", pieces);
    }

    /** Whether the documented rules accept {@code text} for a field of at most {@code max} code points. */
    static boolean valid(String text, int max) {
        return text != null && invalidUnicode(text) == null && !blank(text)
                && text.codePointCount(0, text.length()) <= max;
    }

    /** Why the text is not storable Unicode text (NUL, unpaired surrogate), or null. */
    static String invalidUnicode(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\0') {
                return "NUL at " + i;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return "unpaired high surrogate at " + i;
                }
            } else if (Character.isLowSurrogate(c)) {
                return "unpaired low surrogate at " + i;
            }
        }
        return null;
    }

    /** Blank as documented: only white space and characters that show nothing by themselves. */
    static boolean blank(String text) {
        return text.codePoints().allMatch(Validation::invisible);
    }

    /** A readable rendering for failure messages: the first code points as U+XXXX, and the length. */
    static String describe(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder("[").append(text.length()).append(" chars:");
        text.chars().limit(40).forEach(c -> sb.append(String.format(" %04X", c)));
        if (text.length() > 40) {
            sb.append(" ...");
        }
        return sb.append(']').toString();
    }
}
