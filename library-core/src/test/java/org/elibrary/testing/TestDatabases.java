package org.elibrary.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.elibrary.Backend;

/**
 * Real databases for tests: a new SQLite file in a temporary folder, or a new, empty database on one
 * PostgreSQL server per JVM. The server is embedded (zonky binaries, started on first use) unless the
 * environment variable {@code ELIBRARY_TEST_PG_URL} names an external one, as a JDBC URL whose user may
 * create databases (for example {@code jdbc:postgresql://localhost:5432/postgres?user=postgres&password=x}).
 */
public final class TestDatabases {
    public static final String EXTERNAL_POSTGRES_ENV = "ELIBRARY_TEST_PG_URL";

    private static final AtomicInteger DATABASE_COUNTER = new AtomicInteger();
    private static volatile EmbeddedPostgres embedded;

    private TestDatabases() {
    }

    /** A JDBC URL of a new, empty database on the given backend. */
    public static String newDatabaseUrl(Backend backend) {
        return backend == Backend.SQLITE ? newSqliteUrl() : newPostgresUrl();
    }

    /** A JDBC URL of a new SQLite file (not yet created) in a new temporary folder. */
    public static String newSqliteUrl() {
        return "jdbc:sqlite:" + newSqliteFile();
    }

    /** The path of a new SQLite file (not yet created) in a new temporary folder. */
    public static Path newSqliteFile() {
        try {
            return Files.createTempDirectory("elibrary-test-").resolve("library.db");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JDBC URL (with credentials) of a new, empty PostgreSQL database. */
    public static String newPostgresUrl() {
        return newPostgresUrl("ENCODING 'UTF8'");
    }

    /**
     * As {@link #newPostgresUrl()}, created with these options of {@code CREATE DATABASE}, for example
     * {@code ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0}.
     */
    public static String newPostgresUrl(String createOptions) {
        String name = "elib_" + ProcessHandle.current().pid() + "_" + DATABASE_COUNTER.incrementAndGet();
        String adminUrl = postgresAdminUrl();
        try (Connection connection = DriverManager.getConnection(adminUrl);
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name + " " + createOptions);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        return withDatabase(adminUrl, name);
    }

    /** The JDBC URL of the server's maintenance database, with credentials. */
    public static synchronized String postgresAdminUrl() {
        String external = System.getenv(EXTERNAL_POSTGRES_ENV);
        if (external != null && !external.isBlank()) {
            return external;
        }
        if (embedded == null) {
            try {
                embedded = embeddedPostgresBuilder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
            }
            EmbeddedPostgres started = embedded;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException ignored) {
                    // the JVM is exiting; the temporary data folder goes with it
                }
            }));
        }
        return embedded.getJdbcUrl("postgres", "postgres");
    }

    /**
     * zonky's builder with the locale pinned to C.UTF-8 on Linux: {@code lower()} folds only the letters the
     * server's LC_CTYPE knows, so under {@code LC_ALL=C} the tests' Cyrillic searches would find nothing.
     */
    public static EmbeddedPostgres.Builder embeddedPostgresBuilder() {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        if (System.getProperty("os.name", "").startsWith("Linux")) {
            builder.setLocaleConfig("locale", "C.UTF-8");
        }
        return builder;
    }

    /** The embedded server, started if needed; null when the suite runs against an external server. */
    public static EmbeddedPostgres embeddedPostgres() {
        postgresAdminUrl();
        return embedded;
    }

    private static String withDatabase(String adminUrl, String database) {
        // jdbc:postgresql://host:port/db?params  ->  same with another db
        int schemeEnd = adminUrl.indexOf("//") + 2;
        int pathStart = adminUrl.indexOf('/', schemeEnd);
        int queryStart = adminUrl.indexOf('?', schemeEnd);
        String hostPart = adminUrl.substring(0, pathStart < 0 ? (queryStart < 0 ? adminUrl.length() : queryStart) : pathStart);
        String query = queryStart < 0 ? "" : adminUrl.substring(queryStart);
        return hostPart + "/" + database + query;
    }
}
