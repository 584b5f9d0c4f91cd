package org.elibrary.examples.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.elibrary.Backend;
import org.elibrary.examples.common.Passwords;

/**
 * Where the implementations' fresh databases come from: new SQLite files in a temporary folder, or new
 * databases on one PostgreSQL server (embedded for the run, or the one the caller names). Closing removes
 * the folder and stops an embedded server started here.
 */
final class BenchDatabases implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    /** Linux's USER_HZ: /proc reports CPU times in these ticks (100 on every mainstream kernel build). */
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    private final Backend backend;
    private final Path folder;
    /** The server started for this run; null for SQLite or a given server. */
    private final EmbeddedServer embedded;
    private final String adminUrl;
    private final String serverLabel;
    /** The server's {@code postmaster.pid}, when it runs on this machine and this process may read it; else null. */
    private final Path postmasterPid;

    private BenchDatabases(Backend backend, Path folder, EmbeddedServer embedded, String adminUrl, String serverLabel) {
        this.backend = backend;
        this.folder = folder;
        this.embedded = embedded;
        this.adminUrl = adminUrl;
        this.serverLabel = serverLabel;
        this.postmasterPid = adminUrl == null ? null : postmasterPid(adminUrl);
    }

    static BenchDatabases open(BenchOptions options) {
        // before the folder: a URL pgjdbc cannot parse leaves nothing behind (BenchOptions has checked it too)
        String givenServer = options.pgUrl() == null ? null : PgServerUrl.toJdbcUrl(options.pgUrl());
        Path folder;
        try {
            Files.createDirectories(options.workDir());
            folder = Files.createTempDirectory(options.workDir(), "elibrary-bench-");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a temporary folder in " + options.workDir(), e);
        }
        if (options.backend() == Backend.SQLITE) {
            return new BenchDatabases(Backend.SQLITE, folder, null, null, null);
        }
        if (options.pgUrl() != null) {
            return new BenchDatabases(Backend.POSTGRESQL, folder, null, givenServer,
                    options.pgEmbedded() ? "embedded (zonky), one for every run of the set" : "external");
        }
        EmbeddedServer server;
        try {
            server = EmbeddedServer.start(folder);
        } catch (RuntimeException e) {
            EmbeddedServer.deleteTree(folder);
            throw e;
        }
        return new BenchDatabases(Backend.POSTGRESQL, folder, server, server.jdbcUrl(), "embedded (zonky)");
    }

    /**
     * CPU time the PostgreSQL server has used so far (its postmaster, its live processes, and the ones that
     * have exited), in nanoseconds; -1 when not known (SQLite, a server on another machine or whose data
     * directory this process may not read, or no Linux /proc).
     */
    long serverCpuNanos() {
        if (postmasterPid == null) {
            return -1;
        }
        try {
            long postmaster = Long.parseLong(Files.readAllLines(postmasterPid).get(0).trim());
            long ticks = 0;
            try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
                for (Path process : (Iterable<Path>) processes::iterator) {
                    String name = process.getFileName().toString();
                    if (!name.chars().allMatch(Character::isDigit)) {
                        continue;
                    }
                    long[] stat = procStat(process);
                    if (stat == null) {
                        continue;
                    }
                    if (Long.parseLong(name) == postmaster) {
                        ticks += stat[1] + stat[2] + stat[3] + stat[4]; // own + reaped children
                    } else if (stat[0] == postmaster) {
                        ticks += stat[1] + stat[2];
                    }
                }
            }
            return ticks * 1_000_000_000L / CLOCK_TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * The {@code postmaster.pid} of the server at {@code jdbcUrl} when it runs on this machine (a loopback
     * host) and this process may read it (the server tells its data directory to a superuser); else null.
     */
    private static Path postmasterPid(String jdbcUrl) {
        String host = host(jdbcUrl);
        if (!host.equals("localhost") && !host.startsWith("127.") && !host.equals("[::1]")) {
            return null;
        }
        try (Connection connection = DriverManager.getConnection(jdbcUrl);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT current_setting('data_directory')")) {
            Path pid = rs.next() ? Path.of(rs.getString(1), "postmaster.pid") : null;
            return pid != null && Files.isReadable(pid) ? pid : null;
        } catch (SQLException | RuntimeException e) {
            return null; // not a superuser, say: the phases then carry no server_cpu_s
        }
    }

    /** The host of a {@code jdbc:postgresql://host[:port]/…} URL, lower case; empty when none is named. */
    static String host(String jdbcUrl) {
        int start = jdbcUrl.indexOf("//") + 2;
        int end = start;
        while (end < jdbcUrl.length() && "/?,".indexOf(jdbcUrl.charAt(end)) < 0) {
            end++;
        }
        String authority = jdbcUrl.substring(start, end);
        int colon = authority.startsWith("[") ? authority.indexOf(':', authority.indexOf(']')) : authority.indexOf(':');
        return (colon >= 0 ? authority.substring(0, colon) : authority).toLowerCase(Locale.ROOT);
    }

    /** {ppid, utime, stime, cutime, cstime} from /proc/<pid>/stat, or null if the process is gone. */
    private static long[] procStat(Path process) {
        String stat;
        try {
            stat = Files.readString(process.resolve("stat"));
        } catch (IOException e) {
            return null;
        }
        // fields after the command name, which is in parentheses and may contain spaces
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields[0] is field 3 (state): ppid is field 4, utime..cstime are fields 14..17
        return new long[] {Long.parseLong(fields[1]), Long.parseLong(fields[11]), Long.parseLong(fields[12]),
                Long.parseLong(fields[13]), Long.parseLong(fields[14])};
    }

    /** What the runs' settings line says of the PostgreSQL server: embedded (and for whom) or external. */
    String serverLabel() {
        return serverLabel;
    }

    /** A new, empty database for one implementation; {@link Fresh#drop()} removes it. */
    Fresh newDatabase(String impl) {
        String name = "elibrary_bench_" + impl + "_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        if (backend == Backend.SQLITE) {
            Path file = folder.resolve(name + ".db");
            return new Fresh("jdbc:sqlite:" + file, Map.of(), () -> {
                for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) {
                    try {
                        Files.deleteIfExists(Path.of(file + suffix));
                    } catch (IOException ignored) {
                        // the folder goes at close anyway
                    }
                }
            });
        }
        execute(adminUrl, "CREATE DATABASE " + name + " ENCODING 'UTF8'");
        Runnable dropper = () -> execute(adminUrl, "DROP DATABASE IF EXISTS " + name);
        try {
            return new Fresh(withDatabase(adminUrl, name), locale(name), dropper);
        } catch (RuntimeException e) {
            try {
                dropper.run();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * The database's {@code lc_collate} and {@code lc_ctype}, for the settings line: the server's locale decides
     * what {@code lower()} folds, and in the C locale it folds no Cyrillic, so the spec's upper-case searches
     * would find nothing.
     */
    private Map<String, Object> locale(String database) {
        try (Connection connection = DriverManager.getConnection(adminUrl);
             PreparedStatement select = connection.prepareStatement(
                     "SELECT datcollate, datctype FROM pg_database WHERE datname = ?")) {
            select.setString(1, database);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("PostgreSQL: the new database " + database + " is not listed");
                }
                Map<String, Object> locale = new LinkedHashMap<>();
                locale.put("lc_collate", rs.getString(1));
                locale.put("lc_ctype", rs.getString(2));
                return locale;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL: cannot read the locale of " + database + ": "
                    + Passwords.mask(e.getMessage(), adminUrl), e);
        }
    }

    @Override
    public void close() {
        try {
            if (embedded != null) {
                embedded.close();
            }
        } finally {
            EmbeddedServer.deleteTree(folder);
        }
    }

    /**
     * A fresh database: its JDBC URL (with credentials), what the settings line says of it (on PostgreSQL its
     * locale), and how to remove it.
     */
    record Fresh(String jdbcUrl, Map<String, Object> settings, Runnable dropper) {
        void drop() {
            dropper.run();
        }

        @Override
        public String toString() {
            return "Fresh[<url hidden>]";
        }
    }

    /** The same server URL with another database. */
    static String withDatabase(String jdbcUrl, String database) {
        int schemeEnd = jdbcUrl.indexOf("//") + 2;
        int pathStart = jdbcUrl.indexOf('/', schemeEnd);
        int queryStart = jdbcUrl.indexOf('?', schemeEnd);
        if (pathStart > queryStart && queryStart >= 0) {
            pathStart = -1;
        }
        int hostEnd = pathStart >= 0 ? pathStart : (queryStart >= 0 ? queryStart : jdbcUrl.length());
        String query = queryStart < 0 ? "" : jdbcUrl.substring(queryStart);
        return jdbcUrl.substring(0, hostEnd) + "/" + database + query;
    }

    private static void execute(String url, String sql) {
        try (Connection connection = DriverManager.getConnection(url);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            // masked although the URL parsed when the options were made: pgjdbc repeats a URL it cannot parse
            throw new IllegalStateException("PostgreSQL: " + sql + " failed: " + Passwords.mask(e.getMessage(), url), e);
        }
    }
}
