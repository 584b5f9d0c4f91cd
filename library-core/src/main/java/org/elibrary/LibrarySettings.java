package org.elibrary;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import org.elibrary.internal.config.DatabaseUrl;
import org.elibrary.internal.config.DotEnv;
import org.elibrary.internal.config.SettingValues;
import org.elibrary.internal.config.SettingsAccess;

/**
 * The settings of a {@code Library}: the Java counterpart of the Python app's pydantic-settings
 * {@code Settings}, reading the same keys from the same places, so one {@code .env} serves both.
 *
 * <h2>Keys</h2>
 * Keys are case-insensitive. {@value #DATABASE_URL} is required; every other key has a default, documented
 * on its {@code DEFAULT_*} constant. Keys the library does not know are kept and readable with {@link #get}.
 * <ul>
 *   <li>{@value #DATABASE_URL}: a JDBC URL ({@code jdbc:sqlite:library.db}, {@code jdbc:postgresql://…}) or the
 *       SQLAlchemy URL of the Python app ({@code sqlite+aiosqlite:///./library.db},
 *       {@code postgresql+asyncpg://user:p%40ss@host:5432/db}). Relative SQLite paths resolve against the
 *       working directory; percent-encoded credentials are decoded.</li>
 *   <li>{@value #APP_TITLE}, {@value #DESCRIPTION}: free text.</li>
 *   <li>{@value #DATABASE_POOL_SIZE}, {@value #DATABASE_CONNECTION_TIMEOUT}, {@value #DATABASE_STATEMENT_TIMEOUT},
 *       {@value #DATABASE_MIGRATE_ON_OPEN}, {@value #DATABASE_READ_ONLY}, {@value #SQLITE_SYNCHRONOUS}, {@value #SQLITE_BUSY_TIMEOUT},
 *       {@value #ASYNC_QUEUE_CAPACITY}, {@value #ASYNC_CLOSE_TIMEOUT}.</li>
 * </ul>
 * Durations need a unit: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, or ISO-8601 {@code PT30S}; a bare
 * number is refused, and so is anything over {@link #MAX_DURATION} (about 24.8 days). Booleans are {@code true/false} (also {@code yes/no}, {@code on/off}, {@code 1/0}).
 *
 * <h2>Where values come from</h2>
 * From highest to lowest precedence: values set in code on the {@link Builder}, Java system properties,
 * environment variables, a {@code .env} file, defaults. {@link #builder()} alone reads nothing but the values
 * set in code (so tests are not affected by the machine they run on); {@link Builder#withEnvironment()} adds
 * the system properties, the environment and {@code ./.env}; {@link #fromEnvironment()} is the short form.
 *
 * <h2>Errors</h2>
 * {@link Builder#build()} validates everything at once and throws {@link ConfigurationException} naming the
 * key, what is wrong and where settings were looked for. The database password never appears in a message,
 * in {@link #toString()} or in {@link #displayUrl()}.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class LibrarySettings {
    /** The database to use (required). */
    public static final String DATABASE_URL = "DATABASE_URL";
    /** The application's title (the Python app shows it in its API docs). */
    public static final String APP_TITLE = "APP_TITLE";
    /** The application's description. */
    public static final String DESCRIPTION = "DESCRIPTION";
    /**
     * The pool size: on PostgreSQL the connections of the one pool; on SQLite those of the reader pool (writes
     * go through one more connection, outside it).
     */
    public static final String DATABASE_POOL_SIZE = "DATABASE_POOL_SIZE";
    /** How long a caller waits for a pooled connection before {@link DatabaseUnavailableException}. */
    public static final String DATABASE_CONNECTION_TIMEOUT = "DATABASE_CONNECTION_TIMEOUT";
    /**
     * The longest a PostgreSQL statement or an asynchronous call (the whole call) may run, and a PostgreSQL
     * migration may wait for a lock; a synchronous SQLite call has no limit. {@code 0s} means no limit.
     */
    public static final String DATABASE_STATEMENT_TIMEOUT = "DATABASE_STATEMENT_TIMEOUT";
    /** Whether opening a Library first brings the schema up to date. */
    public static final String DATABASE_MIGRATE_ON_OPEN = "DATABASE_MIGRATE_ON_OPEN";
    /**
     * Whether a Library only reads: it neither migrates nor writes, on SQLite its connections are read-only (a
     * file it may not write opens), on PostgreSQL its sessions (a hot standby opens), and every write call is
     * refused with {@link ConfigurationException} before it reaches the database.
     */
    public static final String DATABASE_READ_ONLY = "DATABASE_READ_ONLY";
    /** SQLite's {@code PRAGMA synchronous}: {@code FULL}, {@code NORMAL}, {@code OFF} or {@code EXTRA}. */
    public static final String SQLITE_SYNCHRONOUS = "SQLITE_SYNCHRONOUS";
    /** How long a SQLite connection waits for a lock held by another connection or process. */
    public static final String SQLITE_BUSY_TIMEOUT = "SQLITE_BUSY_TIMEOUT";
    /** How many asynchronous operations may wait for a connection before new ones are refused. */
    public static final String ASYNC_QUEUE_CAPACITY = "ASYNC_QUEUE_CAPACITY";
    /**
     * How long closing a Library waits for the calls already accepted (asynchronous ones, synchronous calls and
     * transactions on other threads) before failing what still runs with {@link LibraryClosedException}.
     */
    public static final String ASYNC_CLOSE_TIMEOUT = "ASYNC_CLOSE_TIMEOUT";

    /** The Python app's default title, kept so both show the same. */
    public static final String DEFAULT_APP_TITLE = "Default";
    /** The Python app's default description, kept so both show the same. */
    public static final String DEFAULT_DESCRIPTION = "QWERTY";
    /**
     * PostgreSQL pool size: enough for a small service's concurrency while staying far below the server's
     * default {@code max_connections} of 100 when a few instances run side by side.
     */
    public static final int DEFAULT_POSTGRES_POOL_SIZE = 10;
    /**
     * SQLite pool size (the reader pool): WAL lets readers run in parallel with the single writer, and
     * sqlite-jdbc calls pin a thread each, so a few readers (about the core count of a small machine) serve best.
     */
    public static final int DEFAULT_SQLITE_POOL_SIZE = 4;
    /**
     * The SQLite pool size's default under its former name.
     *
     * @deprecated the same value as {@link #DEFAULT_SQLITE_POOL_SIZE}; use that
     */
    @Deprecated
    public static final int DEFAULT_SQLITE_READERS = DEFAULT_SQLITE_POOL_SIZE;
    /** The largest pool size accepted: a bigger number is almost certainly a typo. */
    public static final int MAX_POOL_SIZE = 1000;
    /** HikariCP's own default wait for a connection; long enough to ride out a burst, short enough to notice. */
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(30);
    /** HikariCP refuses connection timeouts below this. */
    public static final Duration MIN_CONNECTION_TIMEOUT = Duration.ofMillis(250);
    /**
     * The longest any duration setting may be, 2,147,483,647 ms (about 24.8 days): PostgreSQL's
     * {@code statement_timeout} and SQLite's busy timeout are {@code int} milliseconds, and far larger values
     * overflow the arithmetic of the timers that apply them.
     */
    public static final Duration MAX_DURATION = Duration.ofMillis(Integer.MAX_VALUE);
    /** No catalog statement should take this long; a runaway one is stopped instead of holding a connection. */
    public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(30);
    /** Migrating on open keeps a new or older database usable without a separate step. */
    public static final boolean DEFAULT_MIGRATE_ON_OPEN = true;
    /** A Library writes unless told it may only read. */
    public static final boolean DEFAULT_READ_ONLY = false;
    /**
     * {@code FULL}: a committed transaction survives a power loss or an operating-system crash, not only a
     * crash of the application. {@code NORMAL} in WAL mode is faster and still never corrupts the file, but
     * the last transactions before a power loss may roll back.
     */
    public static final SqliteSynchronous DEFAULT_SQLITE_SYNCHRONOUS = SqliteSynchronous.FULL;
    /** Long enough for the one writer to finish a normal transaction, short enough to report a stuck lock. */
    public static final Duration DEFAULT_SQLITE_BUSY_TIMEOUT = Duration.ofSeconds(5);
    /** Enough to absorb bursts; beyond it, callers get an immediate error instead of unbounded memory. */
    public static final int DEFAULT_ASYNC_QUEUE_CAPACITY = 1000;
    /** The smallest {@value #ASYNC_QUEUE_CAPACITY}: a queue that holds no call would refuse every wait. */
    static final int MIN_ASYNC_QUEUE_CAPACITY = 1;
    /** Long enough for running statements to finish, bounded so a shutdown cannot hang. */
    public static final Duration DEFAULT_ASYNC_CLOSE_TIMEOUT = Duration.ofSeconds(10);

    /** The {@code .env} file read by {@link Builder#withEnvironment()} unless another is named. */
    public static final String DEFAULT_ENV_FILE = ".env";

    /** Where a setting's value came from, highest precedence first. */
    public enum Source {
        /** Set on the {@link Builder} in code. */
        CODE("set in code"),
        /** A Java system property ({@code -DKEY=value}). */
        SYSTEM_PROPERTY("Java system property"),
        /** An environment variable. */
        ENVIRONMENT("environment variable"),
        /** A line of the {@code .env} file. */
        ENV_FILE(".env file"),
        /** The library's default (or the {@link Builder#defaultDatabaseUrl(String) fallback URL}). */
        DEFAULT("default");

        private final String description;

        Source(String description) {
            this.description = description;
        }

        /** {@return in words, for messages: {@code environment variable}, {@code .env file}, …} */
        public String description() {
            return description;
        }
    }

    /** SQLite's {@code PRAGMA synchronous} levels. */
    public enum SqliteSynchronous {
        /** No syncs: fastest; a power loss or OS crash can corrupt the database. */
        OFF,
        /** Syncs at WAL checkpoints: never corrupt, but the last commits may be lost on power loss. */
        NORMAL,
        /** Syncs every commit: committed transactions survive a power loss. */
        FULL,
        /** As FULL, and also syncs the directory after deleting journals. */
        EXTRA
    }

    static {
        SettingsAccess.register(settings -> settings.url);
    }

    private final Map<String, String> values;
    private final Map<String, Source> sources;
    private final String lookedIn;
    /** How messages name values set on the builder; null for "set in code". */
    private final String codeSourceName;
    private final DatabaseUrl url;
    private final String appTitle;
    private final String description;
    private final int poolSize;
    private final Duration connectionTimeout;
    private final Duration statementTimeout;
    private final boolean migrateOnOpen;
    private final boolean readOnly;
    private final SqliteSynchronous sqliteSynchronous;
    private final Duration sqliteBusyTimeout;
    private final int asyncQueueCapacity;
    private final Duration closeTimeout;

    private LibrarySettings(Map<String, String> values, Map<String, Source> sources, String lookedIn,
                            String codeSourceName, Path workingDirectory, boolean fallbackRefused) {
        this.values = values;
        this.sources = sources;
        this.lookedIn = lookedIn;
        this.codeSourceName = codeSourceName;
        String rawUrl = values.get(DATABASE_URL);
        if (rawUrl == null) {
            throw new ConfigurationException(DATABASE_URL + " is not set" + misspelling(DATABASE_URL)
                    + (fallbackRefused ? "; the fallback URL is not used while a key like it is set" : "")
                    + "; settings were looked for in " + lookedIn);
        }
        try {
            this.url = DatabaseUrl.parse(rawUrl, workingDirectory);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(DATABASE_URL + " (" + sourceText(DATABASE_URL) + ") " + e.getMessage()
                    + "; settings were looked for in " + lookedIn);
        }
        this.appTitle = values.getOrDefault(APP_TITLE, DEFAULT_APP_TITLE);
        this.description = values.getOrDefault(DESCRIPTION, DEFAULT_DESCRIPTION);
        int defaultPool = url.backend() == Backend.SQLITE ? DEFAULT_SQLITE_POOL_SIZE : DEFAULT_POSTGRES_POOL_SIZE;
        this.poolSize = integer(DATABASE_POOL_SIZE, defaultPool, 1, MAX_POOL_SIZE);
        this.connectionTimeout = duration(DATABASE_CONNECTION_TIMEOUT, DEFAULT_CONNECTION_TIMEOUT);
        if (connectionTimeout.compareTo(MIN_CONNECTION_TIMEOUT) < 0) {
            throw invalid(DATABASE_CONNECTION_TIMEOUT, "must be at least " + MIN_CONNECTION_TIMEOUT.toMillis() + "ms");
        }
        this.statementTimeout = duration(DATABASE_STATEMENT_TIMEOUT, DEFAULT_STATEMENT_TIMEOUT);
        this.migrateOnOpen = bool(DATABASE_MIGRATE_ON_OPEN, DEFAULT_MIGRATE_ON_OPEN);
        this.readOnly = bool(DATABASE_READ_ONLY, DEFAULT_READ_ONLY);
        this.sqliteSynchronous = synchronous();
        this.sqliteBusyTimeout = duration(SQLITE_BUSY_TIMEOUT, DEFAULT_SQLITE_BUSY_TIMEOUT);
        this.asyncQueueCapacity = integer(ASYNC_QUEUE_CAPACITY, DEFAULT_ASYNC_QUEUE_CAPACITY,
                MIN_ASYNC_QUEUE_CAPACITY, Integer.MAX_VALUE);
        this.closeTimeout = duration(ASYNC_CLOSE_TIMEOUT, DEFAULT_ASYNC_CLOSE_TIMEOUT);
    }

    /**
     * Settings from the system properties, the environment and {@code ./.env}, over the defaults.
     *
     * @return the validated settings
     * @throws ConfigurationException when {@value #DATABASE_URL} is missing or a value is invalid
     */
    public static LibrarySettings fromEnvironment() {
        return builder().withEnvironment().build();
    }

    /**
     * Settings from the system properties, the environment and the given {@code .env} file (which need not
     * exist), over the defaults.
     *
     * @param envFile the {@code .env} file; a relative path resolves against the working directory
     * @return the validated settings
     * @throws ConfigurationException when {@value #DATABASE_URL} is missing or a value is invalid
     */
    public static LibrarySettings fromEnvironment(Path envFile) {
        return builder().withEnvironment().envFile(envFile).build();
    }

    /**
     * A builder that reads only what is set on it, until told to add sources with
     * {@link Builder#withEnvironment()}, {@link Builder#environment(Map)}, {@link Builder#systemProperties(Map)}
     * or {@link Builder#envFile(Path)}.
     *
     * @return a new builder, empty
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The JDBC URL the library connects to: a SQLAlchemy URL translated, its user and password left out (they
     * go to the driver apart); a {@code jdbc:} URL as given, with any {@code user=} and {@code password=}
     * parameters it carries. Not for logs: {@link #displayUrl()} is.
     *
     * @return the JDBC URL, which may hold a password
     */
    public String jdbcUrl() {
        return url.jdbcUrl();
    }

    /**
     * As {@link #maskPasswords(String, String)} with these settings' {@value #DATABASE_URL}: takes its password
     * (and any other URL's in the text) out of text a program is about to print or log.
     *
     * @param text the text, or null
     * @return the text with every form of the password replaced by {@code ***}; null for null
     */
    public String maskPasswords(String text) {
        return maskPasswords(text, values.get(DATABASE_URL));
    }

    /**
     * Takes database passwords out of text a program is about to print or log: a driver's, a pool's or a
     * command-line parser's message may repeat the URL it was given, or the password alone. Replaced by
     * {@code ***}: the password of {@code databaseUrl} wherever it appears, as the URL writes it, percent-decoded
     * and percent-encoded; and in any URL the text holds, the password of its user info and its
     * {@code password=} and {@code sslpassword=} parameters, by the rules of {@link #displayUrl()}, also for a
     * URL that would not parse (there, everything from the first {@code :} after the scheme to the last
     * {@code @}).
     *
     * @param text        the text, or null
     * @param databaseUrl a URL in any form {@value #DATABASE_URL} takes (it need not parse) whose password to
     *                    take out, or null to mask only the passwords of the URLs in the text
     * @return the text with every form of the password replaced by {@code ***}; null for null
     */
    public static String maskPasswords(String text, String databaseUrl) {
        return DatabaseUrl.maskIn(text, databaseUrl);
    }

    /**
     * {@return {@value #DATABASE_URL} as given, with any password replaced by {@code ***}} Safe to print or
     * log.
     */
    public String displayUrl() {
        return url.displayUrl();
    }

    /** {@return which database product {@value #DATABASE_URL} names} */
    public Backend backend() {
        return url.backend();
    }

    /** {@return the absolute path of the SQLite file; empty for PostgreSQL and for an in-memory database} */
    public Optional<Path> sqliteFile() {
        return url.sqliteFile();
    }

    /**
     * {@return whether the database is an in-memory SQLite database} Each opened Library has its own, gone when
     * it closes.
     */
    public boolean inMemory() {
        return url.inMemory();
    }

    /** {@return the database user named in a SQLAlchemy URL ({@code postgresql://anna@…}), percent-decoded} */
    public Optional<String> databaseUser() {
        return url.user();
    }

    /** {@return {@value #APP_TITLE}, or {@link #DEFAULT_APP_TITLE} when no source sets it} */
    public String appTitle() {
        return appTitle;
    }

    /** {@return {@value #DESCRIPTION}, or {@link #DEFAULT_DESCRIPTION} when no source sets it} */
    public String description() {
        return description;
    }

    /**
     * Any setting by key, case-insensitively, from the highest-precedence source that has it (keys the
     * library does not know included), or empty.
     *
     * @param key any key, in any case
     * @return the value as given, or empty when no source sets the key (the {@code DEFAULT_*} values are not
     *         returned here)
     */
    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(normalize(key)));
    }

    /**
     * Where the value of a key came from, or empty when no source has it and it has no default.
     *
     * @param key any key, in any case
     * @return the source of its value; {@link Source#DEFAULT} for a key with a default that no source sets
     */
    public Optional<Source> source(String key) {
        String normal = normalize(key);
        Source source = sources.get(normal);
        if (source != null) {
            return Optional.of(source);
        }
        return DEFAULTED_KEYS.contains(normal) ? Optional.of(Source.DEFAULT) : Optional.empty();
    }

    /**
     * Where {@value #DATABASE_URL} came from; {@link Source#DEFAULT} when no source set it and the
     * {@link Builder#defaultDatabaseUrl(String) fallback} was used.
     *
     * @return the source of the URL, never null
     */
    public Source databaseUrlSource() {
        return sources.get(DATABASE_URL);
    }

    /** {@return in words, the places settings were looked for, as error messages quote it} */
    public String lookedIn() {
        return lookedIn;
    }

    /**
     * {@return {@value #DATABASE_MIGRATE_ON_OPEN}: whether {@link Library#open(LibrarySettings)} brings the
     * schema up to date first}
     */
    public boolean migrateOnOpen() {
        return migrateOnOpen;
    }

    /**
     * {@return {@value #DATABASE_READ_ONLY}: whether a Library opened with these settings only reads} Such a
     * Library does not migrate, whatever {@link #migrateOnOpen()} says: it opens a database whose schema is up
     * to date (or ahead), and refuses every write call with {@link ConfigurationException}.
     */
    public boolean readOnly() {
        return readOnly;
    }

    /**
     * The pool size: on PostgreSQL the connections of the one pool; on SQLite those of the reader pool, writes
     * going through one more connection of their own.
     *
     * @return {@value #DATABASE_POOL_SIZE}, 1 to {@value #MAX_POOL_SIZE}
     */
    public int poolSize() {
        return poolSize;
    }

    /**
     * The pool size under its former name.
     *
     * @return {@link #poolSize()}
     * @deprecated the same setting as {@link #poolSize()}, which names it as {@value #DATABASE_POOL_SIZE}
     *             does; use that
     */
    @Deprecated
    public int maxPoolSize() {
        return poolSize;
    }

    /**
     * {@return {@value #DATABASE_CONNECTION_TIMEOUT}: how long a caller waits for a pooled connection before
     * {@link DatabaseUnavailableException}} At least {@link #MIN_CONNECTION_TIMEOUT}.
     */
    public Duration connectionTimeout() {
        return connectionTimeout;
    }

    /**
     * The longest a PostgreSQL statement or an asynchronous call may run, and a PostgreSQL migration may wait
     * for a lock ({@value #DATABASE_STATEMENT_TIMEOUT}); {@link Duration#ZERO} means no limit.
     */
    public Duration statementTimeout() {
        return statementTimeout;
    }

    /** {@return {@value #SQLITE_SYNCHRONOUS}: the durability level of SQLite connections} Unused on PostgreSQL. */
    public SqliteSynchronous sqliteSynchronous() {
        return sqliteSynchronous;
    }

    /**
     * {@return {@value #SQLITE_BUSY_TIMEOUT}: how long a SQLite connection waits for a lock held by another
     * connection or process} Unused on PostgreSQL.
     */
    public Duration sqliteBusyTimeout() {
        return sqliteBusyTimeout;
    }

    /**
     * {@return {@value #ASYNC_QUEUE_CAPACITY}: how many asynchronous calls may wait for a connection before new
     * ones are refused with {@link LibraryOverloadedException}} At least 1.
     */
    public int asyncQueueCapacity() {
        return asyncQueueCapacity;
    }

    /**
     * How long {@link Library#close()} waits for the calls already accepted, asynchronous and synchronous
     * ({@value #ASYNC_CLOSE_TIMEOUT}).
     */
    public Duration closeTimeout() {
        return closeTimeout;
    }

    /** The known settings with any password masked; keys the library does not know are left out. */
    @Override
    public String toString() {
        return "LibrarySettings[databaseUrl=" + displayUrl() + " (" + sourceText(DATABASE_URL) + ")"
                + ", backend=" + backend()
                + ", appTitle=" + appTitle
                + ", description=" + description
                + ", poolSize=" + poolSize
                + ", connectionTimeout=" + SettingValues.format(connectionTimeout)
                + ", statementTimeout=" + SettingValues.format(statementTimeout)
                + ", migrateOnOpen=" + migrateOnOpen
                + (readOnly ? ", readOnly=true" : "")
                + (backend() == Backend.SQLITE ? ", sqliteSynchronous=" + sqliteSynchronous
                        + ", sqliteBusyTimeout=" + SettingValues.format(sqliteBusyTimeout) : "")
                + ", asyncQueueCapacity=" + asyncQueueCapacity
                + ", asyncCloseTimeout=" + SettingValues.format(closeTimeout) + "]";
    }

    private static final List<String> DEFAULTED_KEYS = List.of(APP_TITLE, DESCRIPTION, DATABASE_POOL_SIZE,
            DATABASE_CONNECTION_TIMEOUT, DATABASE_STATEMENT_TIMEOUT, DATABASE_MIGRATE_ON_OPEN, DATABASE_READ_ONLY,
            SQLITE_SYNCHRONOUS, SQLITE_BUSY_TIMEOUT, ASYNC_QUEUE_CAPACITY, ASYNC_CLOSE_TIMEOUT);

    /**
     * For a required key that is not set: the keys set that differ from it by one or two letters
     * ({@code DATABSE_URL}, {@code DATABASE_ULR}), named with where they came from, never with their values; or
     * nothing.
     */
    private String misspelling(String key) {
        StringBuilder found = new StringBuilder();
        for (String candidate : new TreeSet<>(values.keySet())) {
            if (isMisspelling(candidate, key)) {
                found.append(found.length() == 0 ? "" : ", ").append(candidate).append(" (")
                        .append(sourceText(candidate)).append(')');
            }
        }
        return found.length() == 0 ? "" : " (misspelt? set: " + found + ")";
    }

    private static boolean isMisspelling(String candidate, String key) {
        return !candidate.equals(key) && editDistanceAtMostTwo(candidate, key);
    }

    /** Whether {@code a} becomes {@code b} by at most two insertions, deletions, substitutions or swaps. */
    static boolean editDistanceAtMostTwo(String a, String b) {
        if (Math.abs(a.length() - b.length()) > 2) {
            return false;
        }
        // optimal string alignment distance, rows of the dynamic programme
        int[] before = new int[b.length() + 1];
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    current[j] = Math.min(current[j], before[j - 2] + 1);
                }
            }
            int[] oldest = before;
            before = previous;
            previous = current;
            current = oldest;
        }
        return previous[b.length()] <= 2;
    }

    private String sourceText(String key) {
        Source source = sources.get(key);
        if (source == Source.CODE && codeSourceName != null) {
            return "from " + codeSourceName;
        }
        return source == null ? "default" : source.description();
    }

    private ConfigurationException invalid(String key, String problem) {
        return new ConfigurationException(key + " (" + sourceText(key) + ") " + problem
                + "; settings were looked for in " + lookedIn);
    }

    private int integer(String key, int defaultValue, int min, int max) {
        String text = values.get(key);
        if (text == null) {
            return defaultValue;
        }
        try {
            return SettingValues.integer(text, min, max);
        } catch (IllegalArgumentException e) {
            throw invalid(key, e.getMessage());
        }
    }

    private Duration duration(String key, Duration defaultValue) {
        String text = values.get(key);
        if (text == null) {
            return defaultValue;
        }
        try {
            return SettingValues.boundedDuration(text);
        } catch (IllegalArgumentException e) {
            throw invalid(key, e.getMessage());
        }
    }

    private boolean bool(String key, boolean defaultValue) {
        String text = values.get(key);
        if (text == null) {
            return defaultValue;
        }
        try {
            return SettingValues.bool(text);
        } catch (IllegalArgumentException e) {
            throw invalid(key, e.getMessage());
        }
    }

    private SqliteSynchronous synchronous() {
        String text = values.get(SQLITE_SYNCHRONOUS);
        if (text == null) {
            return DEFAULT_SQLITE_SYNCHRONOUS;
        }
        try {
            return SqliteSynchronous.valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalid(SQLITE_SYNCHRONOUS, "'" + text + "' is not one of FULL, NORMAL, OFF, EXTRA");
        }
    }

    private static String normalize(String key) {
        return Objects.requireNonNull(key, "key").strip().toUpperCase(Locale.ROOT);
    }

    /**
     * Collects values and sources, then {@link #build()}s validated, immutable settings. Not thread-safe.
     */
    public static final class Builder {
        private final Map<String, String> code = new LinkedHashMap<>();
        private Map<String, String> systemProperties;
        private Map<String, String> environment;
        private Path envFile;
        private boolean envFileFromWorkingDirectory;
        private Path workingDirectory;
        private String defaultDatabaseUrl;
        private String codeSourceName;

        private Builder() {
        }

        /**
         * Adds the real sources below the values set in code: the JVM's system properties, the process
         * environment and the {@code .env} file in the working directory (unless {@link #envFile(Path)} names
         * another). Sources given explicitly with {@link #environment(Map)} or {@link #systemProperties(Map)}
         * are kept.
         *
         * @return this builder
         */
        public Builder withEnvironment() {
            if (systemProperties == null) {
                Map<String, String> properties = new LinkedHashMap<>();
                Properties system = System.getProperties();
                for (String name : system.stringPropertyNames()) {
                    properties.put(name, system.getProperty(name));
                }
                systemProperties = properties;
            }
            if (environment == null) {
                environment = System.getenv();
            }
            if (envFile == null) {
                envFileFromWorkingDirectory = true;
            }
            return this;
        }

        /**
         * Uses these variables as the environment layer (instead of the process environment).
         *
         * @param variables the variables, copied; no key or value may be null
         * @return this builder
         */
        public Builder environment(Map<String, String> variables) {
            this.environment = Map.copyOf(variables);
            return this;
        }

        /**
         * Uses these properties as the system-property layer (instead of the JVM's).
         *
         * @param properties the properties, copied; no key or value may be null
         * @return this builder
         */
        public Builder systemProperties(Map<String, String> properties) {
            this.systemProperties = Map.copyOf(properties);
            return this;
        }

        /**
         * Reads this {@code .env} file as the lowest layer; a missing file adds nothing.
         *
         * @param file the file; a relative path resolves against the {@link #workingDirectory(Path) working
         *             directory}
         * @return this builder
         */
        public Builder envFile(Path file) {
            this.envFile = Objects.requireNonNull(file, "file");
            this.envFileFromWorkingDirectory = false;
            return this;
        }

        /**
         * What relative SQLite paths and the default {@code .env} resolve against; the process's working
         * directory unless set.
         *
         * @param directory the directory
         * @return this builder
         */
        public Builder workingDirectory(Path directory) {
            this.workingDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * A URL to use when no source sets {@value #DATABASE_URL} (then {@link #databaseUrlSource()} is
         * {@link Source#DEFAULT}); without it, a missing URL is an error. It is an error too, and the fallback
         * not used, while a key one or two letters off {@value #DATABASE_URL} is set ({@code DATABSE_URL}):
         * the message names that key and where it was set, never its value.
         *
         * @param url the fallback URL, in any form {@value #DATABASE_URL} takes; {@code null} for none
         * @return this builder
         */
        public Builder defaultDatabaseUrl(String url) {
            this.defaultDatabaseUrl = url;
            return this;
        }

        /**
         * How messages name the values set on this builder, for a program that takes them from somewhere its
         * users know: a command-line tool passing {@code "--url"} gets {@code DATABASE_URL (from --url) ...}
         * rather than {@code (set in code)}. {@link LibrarySettings#databaseUrlSource()} still answers
         * {@link Source#CODE}.
         *
         * @param name how messages name the values set in code, for example {@code "--url"}
         * @return this builder
         */
        public Builder codeSourceName(String name) {
            this.codeSourceName = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Sets any key in code (the highest precedence); {@code null} removes the code value.
         *
         * @param key   any key, in any case
         * @param value the value as text, checked by {@link #build()}; {@code null} to remove it
         * @return this builder
         */
        public Builder set(String key, String value) {
            String normal = normalize(key);
            if (value == null) {
                code.remove(normal);
            } else {
                code.put(normal, value);
            }
            return this;
        }

        /**
         * {@value #DATABASE_URL}; {@code null} removes the code value so lower sources apply.
         *
         * @param url a JDBC or SQLAlchemy URL, checked by {@link #build()}; {@code null} to remove it
         * @return this builder
         */
        public Builder databaseUrl(String url) {
            return set(DATABASE_URL, url);
        }

        /**
         * {@value #APP_TITLE}: free text, as in the Python app.
         *
         * @param title the title, not null
         * @return this builder
         */
        public Builder appTitle(String title) {
            return set(APP_TITLE, Objects.requireNonNull(title, "title"));
        }

        /**
         * {@value #DESCRIPTION}: free text, as in the Python app.
         *
         * @param text the description, not null
         * @return this builder
         */
        public Builder description(String text) {
            return set(DESCRIPTION, Objects.requireNonNull(text, "text"));
        }

        /**
         * {@value #DATABASE_POOL_SIZE}: the pool size (on SQLite, of the reader pool; see
         * {@link LibrarySettings#poolSize()}).
         *
         * @param size 1 to {@value #MAX_POOL_SIZE}, checked by {@link #build()}
         * @return this builder
         */
        public Builder poolSize(int size) {
            return set(DATABASE_POOL_SIZE, Integer.toString(size));
        }

        /**
         * The pool size under its former name.
         *
         * @param size 1 to {@value #MAX_POOL_SIZE}, checked by {@link #build()}
         * @return this builder
         * @deprecated sets the same setting as {@link #poolSize(int)}; use that
         */
        @Deprecated
        public Builder maxPoolSize(int size) {
            return poolSize(size);
        }

        /**
         * {@value #DATABASE_CONNECTION_TIMEOUT}: the wait for a pooled connection, at least 250 ms.
         *
         * @param timeout from {@link #MIN_CONNECTION_TIMEOUT} to {@link #MAX_DURATION}, checked by {@link #build()}
         * @return this builder
         */
        public Builder connectionTimeout(Duration timeout) {
            return set(DATABASE_CONNECTION_TIMEOUT, SettingValues.format(Objects.requireNonNull(timeout, "timeout")));
        }

        /**
         * {@value #DATABASE_STATEMENT_TIMEOUT}: the longest a PostgreSQL statement or an async call may run, and
         * a PostgreSQL migration may wait for a lock; {@link Duration#ZERO} for no limit.
         */
        public Builder statementTimeout(Duration timeout) {
            return set(DATABASE_STATEMENT_TIMEOUT, SettingValues.format(Objects.requireNonNull(timeout, "timeout")));
        }

        /**
         * {@value #DATABASE_MIGRATE_ON_OPEN}: whether {@link Library#open(LibrarySettings)} migrates first.
         *
         * @param migrate whether to migrate on open
         * @return this builder
         */
        public Builder migrateOnOpen(boolean migrate) {
            return set(DATABASE_MIGRATE_ON_OPEN, Boolean.toString(migrate));
        }

        /**
         * {@value #DATABASE_READ_ONLY}: whether a Library opened with these settings only reads (see
         * {@link LibrarySettings#readOnly()}).
         *
         * @param readOnly whether to open read-only
         * @return this builder
         */
        public Builder readOnly(boolean readOnly) {
            return set(DATABASE_READ_ONLY, Boolean.toString(readOnly));
        }

        /**
         * {@value #SQLITE_SYNCHRONOUS}: SQLite's durability level.
         *
         * @param level the level, not null
         * @return this builder
         */
        public Builder sqliteSynchronous(SqliteSynchronous level) {
            return set(SQLITE_SYNCHRONOUS, Objects.requireNonNull(level, "level").name());
        }

        /**
         * {@value #SQLITE_BUSY_TIMEOUT}: how long a SQLite connection waits for another process's lock.
         *
         * @param timeout from zero to {@link #MAX_DURATION}, checked by {@link #build()}
         * @return this builder
         */
        public Builder sqliteBusyTimeout(Duration timeout) {
            return set(SQLITE_BUSY_TIMEOUT, SettingValues.format(Objects.requireNonNull(timeout, "timeout")));
        }

        /**
         * {@value #ASYNC_QUEUE_CAPACITY}: async calls that may wait for a connection before new ones are refused.
         *
         * @param capacity at least 1, checked by {@link #build()}
         * @return this builder
         */
        public Builder asyncQueueCapacity(int capacity) {
            return set(ASYNC_QUEUE_CAPACITY, Integer.toString(capacity));
        }

        /** {@value #ASYNC_CLOSE_TIMEOUT}: how long {@link Library#close()} waits for the calls already accepted. */
        public Builder closeTimeout(Duration timeout) {
            return set(ASYNC_CLOSE_TIMEOUT, SettingValues.format(Objects.requireNonNull(timeout, "timeout")));
        }

        /**
         * Validates and freezes the settings.
         *
         * @return the settings
         * @throws ConfigurationException naming the key, the problem and where settings were looked for
         */
        public LibrarySettings build() {
            Path directory = workingDirectory != null ? workingDirectory : Path.of("").toAbsolutePath();
            Path file = envFile != null ? directory.resolve(envFile).toAbsolutePath()
                    : envFileFromWorkingDirectory ? directory.resolve(DEFAULT_ENV_FILE).toAbsolutePath() : null;
            Map<String, String> merged = new LinkedHashMap<>();
            Map<String, Source> sources = new LinkedHashMap<>();
            List<String> places = new ArrayList<>();
            places.add(codeSourceName == null ? "values set in code" : codeSourceName);
            if (systemProperties != null) {
                places.add("Java system properties");
            }
            if (environment != null) {
                places.add("environment variables");
            }
            if (file != null) {
                Map<String, String> variables = environment == null ? Map.of() : environment;
                Optional<Map<String, String>> dotEnv = DotEnv.read(file, variables::get);
                places.add(".env file " + file + (dotEnv.isPresent() ? "" : " (not found)"));
                dotEnv.ifPresent(entries -> layer(merged, sources, entries, Source.ENV_FILE));
            }
            if (environment != null) {
                layer(merged, sources, environment, Source.ENVIRONMENT);
            }
            if (systemProperties != null) {
                layer(merged, sources, systemProperties, Source.SYSTEM_PROPERTY);
            }
            layer(merged, sources, code, Source.CODE);
            boolean fallbackRefused = false;
            if (!merged.containsKey(DATABASE_URL) && defaultDatabaseUrl != null) {
                // A DATABSE_URL set beside a fallback is a typo far likelier than a wish for the fallback,
                // which would quietly be a new, empty database.
                fallbackRefused = merged.keySet().stream().anyMatch(key -> isMisspelling(key, DATABASE_URL));
                if (!fallbackRefused) {
                    merged.put(DATABASE_URL, defaultDatabaseUrl);
                    sources.put(DATABASE_URL, Source.DEFAULT);
                }
            }
            String lookedIn = String.join(", ", places);
            if (systemProperties == null && environment == null && file == null) {
                lookedIn += " only (the builder reads the environment and .env only after withEnvironment())";
            }
            return new LibrarySettings(Collections.unmodifiableMap(merged), Collections.unmodifiableMap(sources),
                    lookedIn, codeSourceName, directory, fallbackRefused);
        }

        private static void layer(Map<String, String> merged, Map<String, Source> sources,
                                  Map<String, String> entries, Source source) {
            for (Map.Entry<String, String> entry : entries.entrySet()) {
                if (entry.getKey() == null || entry.getValue() == null) {
                    continue;
                }
                String key = normalize(entry.getKey());
                merged.put(key, entry.getValue());
                sources.put(key, source);
            }
        }
    }
}
