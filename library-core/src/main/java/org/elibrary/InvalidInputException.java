package org.elibrary;

import java.util.OptionalInt;

/**
 * An argument broke a rule before anything reached the database (blank text, too long, contains NUL,
 * a non-positive id or limit, ...). The database is unchanged.
 *
 * <p>In a bulk call ({@code createAll}, {@code addAll}) the exception also says which element of the list
 * broke the rule: {@link #index()}, and the message names it ({@code book.title of books[3]: must not be
 * blank}).
 */
public final class InvalidInputException extends LibraryException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String rule;
    private final int index;

    /**
     * An argument broke a rule.
     *
     * @param field the offending field or parameter, for example {@code book.title}
     * @param rule  the rule it broke, in words, for example {@code must not be blank}
     */
    public InvalidInputException(String field, String rule) {
        super(field + ": " + rule);
        this.field = field;
        this.rule = rule;
        this.index = -1;
    }

    /** The same broken rule, found in element {@code index} of the bulk call's list {@code list}. */
    InvalidInputException(InvalidInputException broken, String list, int index) {
        super(broken.field + " of " + list + "[" + index + "]: " + broken.rule);
        this.field = broken.field;
        this.rule = broken.rule;
        this.index = index;
    }

    /** The name of the offending field or parameter, for example {@code book.title}. */
    public String field() {
        return field;
    }

    /** The rule that was broken, in words, for example {@code must be at most 150 characters}. */
    public String rule() {
        return rule;
    }

    /**
     * In a bulk call, the position (from 0) of the offending element in the list given; empty for a call
     * on one value.
     */
    public OptionalInt index() {
        return index < 0 ? OptionalInt.empty() : OptionalInt.of(index);
    }
}
