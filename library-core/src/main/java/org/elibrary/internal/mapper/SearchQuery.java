package org.elibrary.internal.mapper;

/**
 * A substring query prepared for both backends: an FTS5 trigram phrase (SQLite, 3 or more characters),
 * a case-folded needle for the short-query scan (SQLite, 1-2 characters) and an escaped LIKE pattern
 * (PostgreSQL). {@code %}, {@code _} and {@code \} in the query are literal in all three. The keyset of a page
 * after the first is either {@code afterId} (the id of the last row of the previous page; 0 for none) or
 * {@code afterKey} (that row's sort key, its title or name; null for none).
 */
public record SearchQuery(String phrase, String folded, String pattern, boolean fts, long afterId, String afterKey,
                          int limit) {
    /**
     * Turkish letters Unicode's simple case folding (the trigram index's) leaves as they are, where lower-casing
     * the upper case would make both {@code i}.
     */
    private static final int DOTTED_CAPITAL_I = 0x130;
    private static final int DOTLESS_SMALL_I = 0x131;

    /** FTS5 trigram MATCH needs at least this many characters. */
    public static final int TRIGRAM = 3;

    public static SearchQuery of(String query, long afterId, int limit) {
        return of(query, afterId, null, limit);
    }

    /** The page of {@code query} after the row whose sort key is {@code afterKey}. */
    public static SearchQuery ofKey(String query, String afterKey, int limit) {
        return of(query, 0, afterKey, limit);
    }

    private static SearchQuery of(String query, long afterId, String afterKey, int limit) {
        String phrase = '"' + query.replace("\"", "\"\"") + '"';
        StringBuilder like = new StringBuilder(query.length() + 8).append('%');
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (c == '%' || c == '_' || c == '\\') {
                like.append('\\');
            }
            like.append(c);
        }
        like.append('%');
        boolean fts = query.codePointCount(0, query.length()) >= TRIGRAM;
        return new SearchQuery(phrase, fold(query), like.toString(), fts, afterId, afterKey, limit);
    }

    /**
     * The case folding of the short-query scan (registered on SQLite as {@code elib_fold}): Unicode's simple
     * case folding, each code point on its own, as SQLite's trigram index folds. {@code String.toLowerCase}
     * would not do: it reads context, turning a word-final {@code Σ} into {@code ς}, so {@code σ} missed
     * {@code ΟΔΟΣ} in short queries that longer ones found.
     */
    public static String fold(String text) {
        StringBuilder folded = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); ) {
            int letter = text.codePointAt(i);
            folded.appendCodePoint(letter == DOTTED_CAPITAL_I || letter == DOTLESS_SMALL_I ? letter
                    : Character.toLowerCase(Character.toUpperCase(letter)));
            i += Character.charCount(letter);
        }
        return folded.toString();
    }
}
