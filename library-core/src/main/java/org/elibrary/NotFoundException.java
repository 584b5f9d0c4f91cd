package org.elibrary;

/**
 * An id or key the operation depends on does not exist, for example renaming a missing book or commenting
 * on a missing book or as a missing user. The database is unchanged.
 */
public final class NotFoundException extends LibraryException {
    private static final long serialVersionUID = 1L;

    private final String entity;
    private final String key;

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

    /** The key that was looked for, as given, for example {@code id=42} or {@code username=anna}. */
    public String key() {
        return key;
    }
}
