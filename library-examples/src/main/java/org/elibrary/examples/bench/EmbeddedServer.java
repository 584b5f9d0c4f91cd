package org.elibrary.examples.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * An embedded PostgreSQL server (zonky's binaries and defaults) in a new temporary folder, for benchmark runs
 * that create their databases on it: one {@link Benchmark#run} when it is given no server, or every run of a
 * {@code bench --rounds} set, which the spec asks for ("a new, empty database on the same server for every
 * implementation"). Closing stops it and removes the folder.
 */
public final class EmbeddedServer implements AutoCloseable {
    /**
     * The locale initdb gives the server on Linux, whatever the caller's environment: {@code lower()} folds only
     * the letters the server's {@code LC_CTYPE} knows, and under {@code LC_ALL=C} the spec's upper-case Cyrillic
     * searches would find nothing. glibc and musl know it; elsewhere the environment's locale stays.
     */
    static final String LOCALE = "C.UTF-8";

    private final Path folder;
    private final EmbeddedPostgres server;

    private EmbeddedServer(Path folder, EmbeddedPostgres server) {
        this.folder = folder;
        this.server = server;
    }

    /**
     * Starts a server whose data goes to a new folder in {@code workDir}.
     *
     * @throws IllegalStateException if the folder cannot be made or the server does not start
     */
    public static EmbeddedServer start(Path workDir) {
        Path folder;
        try {
            Files.createDirectories(workDir);
            folder = Files.createTempDirectory(workDir, "elibrary-bench-pg-");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a temporary folder in " + workDir, e);
        }
        boolean pinLocale = System.getProperty("os.name", "").startsWith("Linux");
        try {
            try {
                return new EmbeddedServer(folder, start(folder.resolve("pgdata"), pinLocale));
            } catch (IOException | RuntimeException pinned) {
                if (!pinLocale) {
                    throw pinned;
                }
                // a Linux without the locale: the settings line's lc_ctype then shows what the searches met
                try {
                    return new EmbeddedServer(folder, start(folder.resolve("pgdata-environment-locale"), false));
                } catch (IOException | RuntimeException again) {
                    again.addSuppressed(pinned); // not the locale, then: the first failure tells why
                    throw again;
                }
            }
        } catch (IOException | RuntimeException e) {
            deleteTree(folder);
            throw new IllegalStateException("cannot start embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    private static EmbeddedPostgres start(Path dataDirectory, boolean pinLocale) throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(true);
        if (pinLocale) {
            builder.setLocaleConfig("locale", LOCALE);
        }
        return builder.start();
    }

    /** The JDBC URL of its {@code postgres} database, as the superuser {@code postgres} (no password). */
    public String jdbcUrl() {
        return server.getJdbcUrl("postgres", "postgres");
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop embedded PostgreSQL", e);
        } finally {
            deleteTree(folder);
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException ignored) {
                    // best effort: a temporary folder
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
