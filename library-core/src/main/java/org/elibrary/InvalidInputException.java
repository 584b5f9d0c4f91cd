package org.elibrary;

/**
 * An argument broke a rule before anything reached the database (blank text, too long, contains NUL,
 * a non-positive id or limit, ...). The database is unchanged.
 */
public final class InvalidInputException extends LibraryException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String rule;

    public InvalidInputException(String field, String rule) {
        super(field + ": " + rule);
        this.field = field;
        this.rule = rule;
    }

    /** The name of the offending field or parameter, for example {@code book.title}. */
    public String field() {
        return field;
    }

    /** The rule that was broken, in words, for example {@code must be at most 150 characters}. */
    public String rule() {
        return rule;
    }
}
