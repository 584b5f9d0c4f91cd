package org.elibrary;

/**
 * An id or key the operation depends on does not exist, for example renaming a missing book or commenting
 * on a missing book or as a missing user. The database is unchanged.
 */
public final class NotFoundException extends LibraryException {
    private static final long serialVersionUID = 1L;

    /** What was looked for, as {@link #entity()} returns it. */
    private final String entity;
    /** The key that was looked for, as {@link #key()} returns it. */
    private final String key;

    /**
     * A missing row; the message reads {@code book id=42 not found}.
     *
     * @param entity what was looked for, for example {@code book}
     * @param key    the key that was looked for, for example {@code id=42}
     */
    public NotFoundException(String entity, String key) {
        super(entity + " " + key + " not found");
        this.entity = entity;
        this.key = key;
    }

    /**
     * What was looked for: {@code author}, {@code book}, {@code user} or {@code comment}; or, when a concurrent
     * delete won a race and the failed statement cannot tell which row went missing, {@code book or author}
     * ({@code linkAuthor}) or {@code user or book} ({@code comments().addAll}).
     */
    public String entity() {
        return entity;
    }

    /** {@return the key that was looked for, as given, for example {@code id=42} or {@code username=anna}} */
    public String key() {
        return key;
    }
}
