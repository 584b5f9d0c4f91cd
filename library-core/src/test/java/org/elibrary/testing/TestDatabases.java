package org.elibrary.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.elibrary.Backend;
import org.postgresql.ds.PGSimpleDataSource;
import org.sqlite.SQLiteDataSource;

/**
 * Real databases for tests: a new SQLite file in a temporary folder, or a new, empty database on one
 * PostgreSQL server per JVM. The server is embedded (zonky binaries, started on first use) unless the
 * environment variable {@code ELIBRARY_TEST_PG_URL} names an external one, as a JDBC URL whose user may
 * create databases (for example {@code jdbc:postgresql://localhost:5432/postgres?user=postgres&password=x}).
 *
 * <p>The embedded server keeps its data in RAM ({@code /dev/shm}) when there is room, and is stopped when the test
 * run ends ({@link EmbeddedPostgresStop}), before surefire or failsafe ends the JVM. A full IT run makes some 160
 * databases (1.3 GB, some 50,000 files). On disk, on a busy 2-core machine, creating 150 took 36 to 45 s and
 * deleting their files when the server stopped 20 to 57 s; done in the shutdown hook, the deletion could outlast the
 * 30 s surefire grants a JVM's exit, and surefire then killed the JVM ("going to kill self fork JVM"), leaving the
 * data folder half deleted. In RAM: 6 to 14 s, and about 5 s.
 */
public final class TestDatabases {
    public static final String EXTERNAL_POSTGRES_ENV = "ELIBRARY_TEST_PG_URL";

    /** Linux's RAM file system, where the embedded server's data goes when it has {@link #RAM_MIN_FREE} free. */
    private static final Path RAM_FOLDER = Path.of("/dev/shm");
    /** A full run needs about 1.3 GB; with less than this free (a container's small /dev/shm), the disk it is. */
    private static final long RAM_MIN_FREE = 4L << 30;
    private static final String RAM_DATA_PREFIX = "elibrary-test-pg-";
    /** zonky's lock file in a data folder, held by the JVM whose server uses the folder. */
    private static final String ZONKY_LOCK = "epg-lock";
    /** A data folder without a lock file that is older than this was abandoned before its server started. */
    private static final Duration UNLOCKED_GRACE = Duration.ofMinutes(10);

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

    /**
     * A caller's own HikariCP pool of {@code size} connections on {@code url}, as an application (Spring Boot's
     * {@code DataSource}) hands it to {@code Library.open(dataSource)}; the caller closes it.
     */
    public static HikariDataSource pool(String url, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(size);
        return new HikariDataSource(config);
    }

    /**
     * A caller's plain DataSource on {@code url} (sqlite-jdbc's or pgjdbc's own, unpooled), as an application hands
     * it to {@code Library.open(dataSource)}.
     */
    public static DataSource dataSource(Backend backend, String url) {
        if (backend == Backend.SQLITE) {
            SQLiteDataSource sqlite = new SQLiteDataSource();
            sqlite.setUrl(url);
            return sqlite;
        }
        PGSimpleDataSource postgres = new PGSimpleDataSource();
        postgres.setURL(url);
        return postgres;
    }

    /** The PostgreSQL URL with {@code role} as its user (the embedded server's new roles need no password). */
    public static String asUser(String url, String role) {
        return url.replaceFirst("([?&])user=[^&]*", "$1user=" + role);
    }

    /** Runs the statements, in order, on one connection to {@code url} (as its user: the superuser's, say). */
    public static void execute(String url, String... statements) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url);
             Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    /** The JDBC URL of the server's maintenance database, with credentials. */
    public static synchronized String postgresAdminUrl() {
        String external = System.getenv(EXTERNAL_POSTGRES_ENV);
        if (external != null && !external.isBlank()) {
            return external;
        }
        if (embedded == null) {
            try {
                EmbeddedPostgres.Builder builder = embeddedPostgresBuilder();
                ramDataDirectory().ifPresent(builder::setDataDirectory);
                embedded = builder.start();
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

    /**
     * Stops the embedded server, if one was started, and deletes its data (zonky's fast shutdown); a later
     * {@link #postgresAdminUrl()} would start a new one.
     */
    public static synchronized void stopEmbeddedPostgres() {
        EmbeddedPostgres server = embedded;
        embedded = null;
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot stop embedded PostgreSQL", e);
            }
        }
    }

    /**
     * A new data folder in {@link #RAM_FOLDER} when it exists and has room, after removing the folders that runs
     * killed before their shutdown hook left there; empty for zonky's default, a folder on disk.
     */
    private static Optional<Path> ramDataDirectory() {
        try {
            if (!Files.isDirectory(RAM_FOLDER) || Files.getFileStore(RAM_FOLDER).getUsableSpace() < RAM_MIN_FREE) {
                return Optional.empty();
            }
            removeAbandonedDataDirectories();
            return Optional.of(Files.createTempDirectory(RAM_FOLDER, RAM_DATA_PREFIX));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // a RAM folder is a speed-up, not a need
        }
    }

    /**
     * Deletes the data folders in RAM that no live JVM holds (zonky locks a file in each): a JVM killed with SIGKILL
     * runs no shutdown hook, and its folder would hold memory until the machine restarts. The server it left
     * running (pg_ctl detaches it) is stopped first; a folder whose server does not stop is left alone.
     */
    private static void removeAbandonedDataDirectories() throws IOException {
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(RAM_FOLDER, RAM_DATA_PREFIX + "*")) {
            for (Path folder : folders) {
                try {
                    if (abandoned(folder) && stopServerOn(folder)) {
                        deleteRecursively(folder);
                    }
                } catch (IOException | RuntimeException e) {
                    // another JVM starting at the same moment may be removing it too
                }
            }
        }
    }

    private static boolean abandoned(Path folder) throws IOException {
        Path lockFile = folder.resolve(ZONKY_LOCK);
        if (!Files.exists(lockFile)) {
            // made by a JVM that has not started its server yet, or one killed before it did
            FileTime modified = Files.getLastModifiedTime(folder);
            return modified.toInstant().isBefore(Instant.now().minus(UNLOCKED_GRACE));
        }
        try (FileOutputStream stream = new FileOutputStream(lockFile.toFile(), true);
             FileLock lock = stream.getChannel().tryLock()) {
            return lock != null;
        } catch (OverlappingFileLockException e) {
            return false; // this JVM's own
        }
    }

    /** Whether no server runs on {@code folder} any more: none did, or the one its pid file names has stopped. */
    private static boolean stopServerOn(Path folder) throws IOException {
        Path pidFile = folder.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return true;
        }
        String firstLine = Files.readAllLines(pidFile).stream().findFirst().orElse("").trim();
        Optional<ProcessHandle> server;
        try {
            server = ProcessHandle.of(Long.parseLong(firstLine));
        } catch (NumberFormatException e) {
            return true;
        }
        // a live pid that is not a postgres is another process that got the number: the server is gone
        if (server.isEmpty() || !server.get().info().command().orElse("").endsWith("postgres")) {
            return true;
        }
        server.get().destroy(); // SIGTERM: a smart shutdown, quick once its clients have died with their JVM
        try {
            server.get().onExit().get(10, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static void deleteRecursively(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        }
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
