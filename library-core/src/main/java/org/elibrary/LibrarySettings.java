package org.elibrary;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * SEAM (minimal): the foundation work replaces the body with the full settings model (sources, .env,
 * SQLAlchemy URLs, validation). The accessor names below are the contract other parts code against.
 */
public final class LibrarySettings {
    private final String databaseUrl;
    private final Backend backend;

    private LibrarySettings(String databaseUrl) {
        this.databaseUrl = Objects.requireNonNull(databaseUrl, "databaseUrl");
        this.backend = databaseUrl.startsWith("jdbc:sqlite:") ? Backend.SQLITE : Backend.POSTGRESQL;
    }

    public static LibrarySettings fromEnvironment() {
        String url = System.getenv("DATABASE_URL");
        if (url == null) {
            throw new ConfigurationException("DATABASE_URL is not set");
        }
        return new LibrarySettings(url);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The JDBC URL the library connects to (SQLAlchemy URLs already translated). */
    public String jdbcUrl() {
        return databaseUrl;
    }

    public Backend backend() {
        return backend;
    }

    public String appTitle() {
        return "Default";
    }

    public String description() {
        return "QWERTY";
    }

    public Optional<String> get(String key) {
        return Optional.empty();
    }

    public boolean migrateOnOpen() {
        return true;
    }

    public int maxPoolSize() {
        return backend == Backend.SQLITE ? 4 : 10;
    }

    public Duration connectionTimeout() {
        return Duration.ofSeconds(30);
    }

    public Duration statementTimeout() {
        return Duration.ofSeconds(30);
    }

    public int asyncQueueCapacity() {
        return 1000;
    }

    public Duration closeTimeout() {
        return Duration.ofSeconds(10);
    }

    public static final class Builder {
        private String databaseUrl;

        private Builder() {
        }

        public Builder databaseUrl(String databaseUrl) {
            this.databaseUrl = databaseUrl;
            return this;
        }

        public LibrarySettings build() {
            if (databaseUrl == null) {
                throw new ConfigurationException("DATABASE_URL is not set");
            }
            return new LibrarySettings(databaseUrl);
        }
    }
}
