package org.elibrary;

/**
 * The settings are missing, malformed or contradictory (no {@code DATABASE_URL}, an unknown URL scheme, a
 * pool size below 1, a database whose schema the library does not recognise). Fixing the configuration is
 * the only remedy; retrying will fail the same way.
 */
public final class ConfigurationException extends LibraryException {
    private static final long serialVersionUID = 1L;

    /**
     * A configuration error.
     *
     * @param message what is wrong
     */
    public ConfigurationException(String message) {
        super(message);
    }

    /**
     * A configuration error, with the error that revealed it.
     *
     * @param message what is wrong
     * @param cause   the error that revealed it, for diagnosis
     */
    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
