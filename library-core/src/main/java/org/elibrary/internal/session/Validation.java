package org.elibrary.internal.session;

import java.util.Set;
import org.elibrary.InvalidInputException;

/**
 * Argument rules checked before anything reaches the database, identical on both backends. Lengths are
 * counted in code points, as PostgreSQL counts {@code VARCHAR(n)} characters (an emoji is one character);
 * SQLite enforces no length, so these checks are the only ones it gets.
 */
public final class Validation {
    /** Schema limits: {@code author.name}, {@code book.title}, {@code user.username}, {@code comment.text}. */
    public static final int NAME_MAX = 100;
    public static final int TITLE_MAX = 150;
    public static final int USERNAME_MAX = 50;
    public static final int TEXT_MAX = 300;
    /** Largest page or search result one call returns. */
    public static final int LIMIT_MAX = 1000;

    private Validation() {
    }

    /**
     * Required text: not null, no NUL (PostgreSQL rejects it and SQLite would truncate at it), no unpaired
     * surrogate (it cannot be encoded as UTF-8), not blank (white space and invisible characters only), at most
     * {@code max} code points.
     */
    public static String text(String field, String value, int max) {
        if (value == null) {
            throw new InvalidInputException(field, "is required");
        }
        int length = value.length();
        // Plain comparisons, no calls per character: bulk writes validate every row, often before the JIT
        // has compiled this loop.
        int surrogatePairs = 0;
        boolean blank = true;
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c == '\0') {
                throw new InvalidInputException(field, "must not contain the NUL character");
            }
            if (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE) {
                if (c <= Character.MAX_HIGH_SURROGATE && i + 1 < length
                        && value.charAt(i + 1) >= Character.MIN_LOW_SURROGATE
                        && value.charAt(i + 1) <= Character.MAX_LOW_SURROGATE) {
                    if (blank && !invisible(Character.toCodePoint(c, value.charAt(i + 1)))) {
                        blank = false;
                    }
                    i++;
                    surrogatePairs++;
                } else {
                    throw new InvalidInputException(field, "must be valid Unicode (unpaired surrogate)");
                }
            } else if (blank && !invisible(c)) {
                blank = false;
            }
        }
        int codePoints = length - surrogatePairs;
        if (blank) {
            throw new InvalidInputException(field, "must not be blank");
        }
        if (codePoints > max) {
            throw new InvalidInputException(field, "must be at most " + max + " characters");
        }
        return value;
    }

    /**
     * Whether a code point shows nothing by itself: white space, a space separator, a control, a format
     * character (a zero-width space, a byte order mark, a soft hyphen, ...) but for the few that are drawn
     * (Arabic number signs and the like), a mark that only modifies the letter before it (a combining accent,
     * a variation selector), or a blank letter (the Hangul fillers, the blank Braille pattern).
     */
    public static boolean invisible(int codePoint) {
        if (Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint)) {
            return true;
        }
        switch (Character.getType(codePoint)) {
            case Character.CONTROL:
            case Character.NON_SPACING_MARK:
                return true;
            case Character.FORMAT:
                return !PREPENDED_CONCATENATION_MARKS.contains(codePoint);
            case Character.OTHER_LETTER:
            case Character.OTHER_SYMBOL:
                return BLANK_LETTERS.contains(codePoint);
            default:
                return false;
        }
    }

    /** Format characters that are drawn: Unicode's Prepended_Concatenation_Mark property. */
    private static final Set<Integer> PREPENDED_CONCATENATION_MARKS = Set.of(0x0600, 0x0601, 0x0602, 0x0603,
            0x0604, 0x0605, 0x06DD, 0x070F, 0x0890, 0x0891, 0x08E2, 0x110BD, 0x110CD);
    /** Letters and symbols drawn as nothing: the Hangul fillers and the blank Braille pattern. */
    private static final Set<Integer> BLANK_LETTERS = Set.of(0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800);

    /** A database id: positive. */
    public static long id(String field, long id) {
        if (id <= 0) {
            throw new InvalidInputException(field, "must be a positive id");
        }
        return id;
    }

    /** A keyset cursor: the id of the last row seen, or 0 for the first page. */
    public static long afterId(long afterId) {
        if (afterId < 0) {
            throw new InvalidInputException("afterId", "must be 0 (first page) or the id of the last row seen");
        }
        return afterId;
    }

    /** A page size or result limit: 1 to {@value #LIMIT_MAX}. */
    public static int limit(int limit) {
        if (limit < 1 || limit > LIMIT_MAX) {
            throw new InvalidInputException("limit", "must be between 1 and " + LIMIT_MAX);
        }
        return limit;
    }

    /** An offset: 0 or more. */
    public static int offset(int offset) {
        if (offset < 0) {
            throw new InvalidInputException("offset", "must not be negative");
        }
        return offset;
    }

    /**
     * A non-null argument: a value, or a list whose elements the caller checks one by one (so that a null
     * element is named by its index).
     */
    public static <T> T required(String field, T value) {
        if (value == null) {
            throw new InvalidInputException(field, "is required");
        }
        return value;
    }

    /** A non-null list argument without null elements. */
    public static <T> java.util.List<T> list(String field, java.util.List<T> list) {
        required(field, list);
        for (T item : list) {
            if (item == null) {
                throw new InvalidInputException(field, "must not contain null");
            }
        }
        return list;
    }
}
