package org.elibrary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.elibrary.testing.SecretAssertions.assertNoPartOf;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.elibrary.LibrarySettings.Source;
import org.elibrary.LibrarySettings.SqliteSynchronous;
import org.elibrary.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LibrarySettingsTest {
    @TempDir
    Path dir;

    private LibrarySettings.Builder isolated() {
        // No real environment: only what each test hands in.
        return LibrarySettings.builder().workingDirectory(dir);
    }

    @Test
    void defaultsOnSqlite() {
        LibrarySettings settings = isolated().databaseUrl("sqlite:///./library.db").build();
        assertThat(settings.backend()).isEqualTo(Backend.SQLITE);
        assertThat(settings.jdbcUrl()).isEqualTo("jdbc:sqlite:" + dir.resolve("library.db"));
        assertThat(settings.sqliteFile()).contains(dir.resolve("library.db"));
        assertThat(settings.appTitle()).isEqualTo("Default");
        assertThat(settings.description()).isEqualTo("QWERTY");
        assertThat(settings.poolSize()).isEqualTo(4);
        assertThat(settings.connectionTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.statementTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.migrateOnOpen()).isTrue();
        assertThat(settings.readOnly()).isFalse();
        assertThat(settings.source("DATABASE_READ_ONLY")).contains(Source.DEFAULT);
        assertThat(settings.sqliteSynchronous()).isEqualTo(SqliteSynchronous.FULL);
        assertThat(settings.sqliteBusyTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.asyncQueueCapacity()).isEqualTo(1000);
        assertThat(settings.closeTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.databaseUrlSource()).isEqualTo(Source.CODE);
        assertThat(settings.source("app_title")).contains(Source.DEFAULT);
        assertThat(settings.source("NO_SUCH_KEY")).isEmpty();
    }

    @Test
    void defaultPoolOnPostgres() {
        LibrarySettings settings = isolated().databaseUrl("postgresql://anna:pw@h/db").build();
        assertThat(settings.backend()).isEqualTo(Backend.POSTGRESQL);
        assertThat(settings.poolSize()).isEqualTo(10);
        assertThat(settings.databaseUser()).contains("anna");
    }

    @Test
    void everyKeyCanBeSetInCode() {
        LibrarySettings settings = isolated().databaseUrl("sqlite://")
                .appTitle("T").description("D").poolSize(7)
                .connectionTimeout(Duration.ofMillis(500)).statementTimeout(Duration.ZERO)
                .migrateOnOpen(false).readOnly(true).sqliteSynchronous(SqliteSynchronous.NORMAL)
                .sqliteBusyTimeout(Duration.ofMinutes(2)).asyncQueueCapacity(5).closeTimeout(Duration.ofMillis(1500))
                .set("EXTRA_KEY", "x").build();
        assertThat(settings.inMemory()).isTrue();
        assertThat(settings.appTitle()).isEqualTo("T");
        assertThat(settings.description()).isEqualTo("D");
        assertThat(settings.poolSize()).isEqualTo(7);
        assertThat(settings.connectionTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.statementTimeout()).isEqualTo(Duration.ZERO);
        assertThat(settings.migrateOnOpen()).isFalse();
        assertThat(settings.readOnly()).isTrue();
        assertThat(settings.toString()).contains("readOnly=true");
        assertThat(settings.sqliteSynchronous()).isEqualTo(SqliteSynchronous.NORMAL);
        assertThat(settings.sqliteBusyTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(settings.asyncQueueCapacity()).isEqualTo(5);
        assertThat(settings.closeTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(settings.get("extra_key")).contains("x");
    }

    @Test
    @SuppressWarnings("deprecation")
    void thePoolSizesFormerNamesStillSetAndReadIt() {
        LibrarySettings settings = isolated().databaseUrl("sqlite://").maxPoolSize(6).build();
        assertThat(settings.poolSize()).isEqualTo(6);
        assertThat(settings.maxPoolSize()).isEqualTo(6);
        assertThat(settings.source(LibrarySettings.DATABASE_POOL_SIZE)).contains(Source.CODE);
        assertThat(isolated().databaseUrl("sqlite://").build().poolSize())
                .isEqualTo(LibrarySettings.DEFAULT_SQLITE_READERS).isEqualTo(LibrarySettings.DEFAULT_SQLITE_POOL_SIZE);
    }

    @Test
    void precedenceCodeOverSystemPropertiesOverEnvironmentOverEnvFileOverDefaults() throws Exception {
        Path envFile = dir.resolve("custom.env");
        Files.writeString(envFile, "APP_TITLE=from-file\nDESCRIPTION=from-file\nDATABASE_POOL_SIZE=2\n"
                + "SQLITE_BUSY_TIMEOUT=1s\nDATABASE_URL=sqlite:///file.db\n", StandardCharsets.UTF_8);
        LibrarySettings settings = isolated()
                .envFile(envFile)
                .environment(Map.of("APP_TITLE", "from-env", "DESCRIPTION", "from-env", "DATABASE_POOL_SIZE", "3"))
                .systemProperties(Map.of("app_title", "from-property", "Description", "from-property"))
                .appTitle("from-code")
                .build();
        assertThat(settings.appTitle()).isEqualTo("from-code");
        assertThat(settings.source("APP_TITLE")).contains(Source.CODE);
        assertThat(settings.description()).isEqualTo("from-property");
        assertThat(settings.source("description")).contains(Source.SYSTEM_PROPERTY);
        assertThat(settings.poolSize()).isEqualTo(3);
        assertThat(settings.source("DATABASE_POOL_SIZE")).contains(Source.ENVIRONMENT);
        assertThat(settings.sqliteBusyTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.databaseUrlSource()).isEqualTo(Source.ENV_FILE);
        assertThat(settings.sqliteFile()).contains(dir.resolve("file.db"));
        assertThat(settings.closeTimeout()).isEqualTo(LibrarySettings.DEFAULT_ASYNC_CLOSE_TIMEOUT);
    }

    @Test
    void keysAreCaseInsensitiveAndExtraKeysAreReadable() {
        LibrarySettings settings = isolated()
                .environment(Map.of("database_url", "sqlite://", "Feature_Flag", "on"))
                .build();
        assertThat(settings.inMemory()).isTrue();
        assertThat(settings.get("FEATURE_FLAG")).contains("on");
        assertThat(settings.get("feature_flag")).contains("on");
        assertThat(settings.get("missing")).isEmpty();
    }

    @Test
    void envFileRoundTripsUtf8AndDefaultsToWorkingDirectory() throws Exception {
        Files.writeString(dir.resolve(".env"), "# .env\nAPP_TITLE=Электронная библиотека\n"
                + "DATABASE_URL=sqlite+aiosqlite:///./library.db\n", StandardCharsets.UTF_8);
        LibrarySettings settings = isolated().environment(Map.of()).systemProperties(Map.of())
                .withEnvironment().build();
        assertThat(settings.appTitle()).isEqualTo("Электронная библиотека");
        assertThat(settings.sqliteFile()).contains(dir.resolve("library.db"));
        assertThat(settings.lookedIn()).contains(dir.resolve(".env").toString());
    }

    @Test
    void builderAloneReadsNoEnvironment() throws Exception {
        Files.writeString(dir.resolve(".env"), "DATABASE_URL=sqlite:///x.db\n");
        assertThatThrownBy(() -> isolated().build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("DATABASE_URL is not set")
                .hasMessageContaining("values set in code only")
                .hasMessageContaining("withEnvironment()");
    }

    @Test
    void missingUrlNamesEveryPlaceLooked() {
        Path envFile = dir.resolve("nowhere.env");
        assertThatThrownBy(() -> isolated().environment(Map.of()).systemProperties(Map.of()).envFile(envFile).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("DATABASE_URL is not set")
                .hasMessageContaining("Java system properties")
                .hasMessageContaining("environment variables")
                .hasMessageContaining(".env file " + envFile + " (not found)");
    }

    @Test
    void aMisspeltUrlKeyIsNamedWithItsSourceButNotItsValue() throws Exception {
        Files.writeString(dir.resolve(".env"), "DATABSE_URL=postgresql://anna:s3cret@host/db\n");
        assertThatThrownBy(() -> isolated().environment(Map.of("DATABASE_ULR", "x", "DATA_DIR", "y"))
                .systemProperties(Map.of()).withEnvironment().build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("DATABASE_URL is not set (misspelt? set: DATABASE_ULR (environment variable), "
                        + "DATABSE_URL (.env file))")
                .hasMessageNotContaining("DATA_DIR")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> isolated().environment(Map.of("PATH", "/bin")).systemProperties(Map.of()).build())
                .hasMessageNotContaining("misspelt");
    }

    @Test
    void editDistanceCountsTwoEditsAtMost() {
        assertThat(LibrarySettings.editDistanceAtMostTwo("DATABSE_URL", "DATABASE_URL")).isTrue();
        assertThat(LibrarySettings.editDistanceAtMostTwo("DATABASE_ULR", "DATABASE_URL")).isTrue();
        assertThat(LibrarySettings.editDistanceAtMostTwo("DATABASE_URI", "DATABASE_URL")).isTrue();
        assertThat(LibrarySettings.editDistanceAtMostTwo("DB_URL", "DATABASE_URL")).isFalse();
        assertThat(LibrarySettings.editDistanceAtMostTwo("DATABASE_POOL_SIZE", "DATABASE_URL")).isFalse();
    }

    @Test
    void theFallbackUrlIsNotUsedWhileAMisspeltUrlKeyIsSet() throws Exception {
        Files.writeString(dir.resolve(".env"), "DATABSE_URL=postgresql://anna:s3cret@host/db\n");
        assertThatThrownBy(() -> isolated().environment(Map.of()).systemProperties(Map.of()).withEnvironment()
                .defaultDatabaseUrl("sqlite:///library.db").build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("DATABASE_URL is not set (misspelt? set: DATABSE_URL (.env file)); "
                        + "the fallback URL is not used while a key like it is set")
                .hasMessageNotContaining("s3cret");
        assertThat(dir.resolve("library.db")).doesNotExist();
    }

    @Test
    void defaultDatabaseUrlIsUsedOnlyWhenNothingSetsIt() {
        LibrarySettings fallback = isolated().environment(Map.of()).defaultDatabaseUrl("sqlite:///library.db").build();
        assertThat(fallback.databaseUrlSource()).isEqualTo(Source.DEFAULT);
        assertThat(fallback.sqliteFile()).contains(dir.resolve("library.db"));

        LibrarySettings fromEnv = isolated().environment(Map.of("DATABASE_URL", "sqlite:///env.db"))
                .defaultDatabaseUrl("sqlite:///library.db").build();
        assertThat(fromEnv.databaseUrlSource()).isEqualTo(Source.ENVIRONMENT);

        LibrarySettings overridden = isolated().environment(Map.of("DATABASE_URL", "sqlite:///env.db"))
                .databaseUrl("sqlite:///cli.db").build();
        assertThat(overridden.sqliteFile()).contains(dir.resolve("cli.db"));
        assertThat(overridden.databaseUrlSource()).isEqualTo(Source.CODE);
    }

    @Test
    void messagesNameWhereACodeValueCameFromWhenTold() {
        assertThatThrownBy(() -> isolated().databaseUrl("mysql://h/db").build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("DATABASE_URL (set in code) unknown scheme 'mysql'");
        assertThatThrownBy(() -> isolated().databaseUrl("mysql://h/db").codeSourceName("--url").build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("DATABASE_URL (from --url) unknown scheme 'mysql'")
                .hasMessageContaining("settings were looked for in --url");
        assertThat(isolated().databaseUrl("sqlite://").codeSourceName("--url").build().databaseUrlSource())
                .isEqualTo(LibrarySettings.Source.CODE);
    }

    @Test
    void passwordNeverInToStringOrMessages() {
        LibrarySettings settings = isolated().databaseUrl("postgresql+asyncpg://anna:S3cr%21t@h:5432/db").build();
        assertThat(settings.toString()).doesNotContain("S3cr").contains("anna:***@h:5432/db");
        assertThat(settings.displayUrl()).isEqualTo("postgresql+asyncpg://anna:***@h:5432/db");
        assertThat(settings.jdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/db");
        assertThatThrownBy(() -> isolated().databaseUrl("postgresql://anna:S3cr%21t@h:99999/db").build())
                .isInstanceOf(ConfigurationException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("S3cr"));
    }

    /**
     * The reviewer's URL: a password {@code p@ss/w:rd#1} whose raw '@' is followed by '/' and '#'. It used to
     * reach host {@code ss} and show {@code ss/w:rd#1@localhost…} in every message, toString and displayUrl.
     * Refused before any connection (there is no server at localhost:1), from code and from a .env file alike.
     */
    @Test
    void openRefusesAUrlWhosePasswordEndCannotBeToldWithoutShowingAnyOfIt() throws Exception {
        String password = "p@ss/w:rd#1";
        String url = "postgresql://anna:" + password + "@localhost:1/pyapp";
        Files.writeString(dir.resolve(".env"), "DATABASE_URL='" + url + "'\n");
        for (LibrarySettings.Builder builder : List.of(isolated().databaseUrl(url),
                isolated().withEnvironment().environment(Map.of()).systemProperties(Map.of()))) {
            assertThatThrownBy(() -> Library.open(builder.build()))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageStartingWith("DATABASE_URL (")
                    .hasMessageContaining("'postgresql://anna:***@localhost:1/pyapp' is ambiguous")
                    .hasMessageContaining("Write '@' as %40")
                    .satisfies(e -> assertNoPartOf(password, e.getMessage()))
                    .hasNoCause();
        }
        // written as the message says, it parses as meant and shows none of the password either
        LibrarySettings encoded = isolated().databaseUrl("postgresql://anna:p%40ss%2Fw:rd%231@localhost:1/pyapp")
                .build();
        assertThat(encoded.displayUrl()).isEqualTo("postgresql://anna:***@localhost:1/pyapp");
        assertThat(encoded.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:1/pyapp");
        assertNoPartOf(password, encoded.toString());
        assertNoPartOf("p%40ss%2Fw:rd%231", encoded.toString());
    }

    /**
     * An '@' in the query of a URL without user info that reads as well as user info, as SQLAlchemy reads it
     * (user {@code h}, password {@code 5432/lib?x=me}, host {@code work}): refused, not silently sent to
     * {@code work}; written with {@code %40} it is the database {@code lib} at {@code h:5432}.
     */
    @Test
    void anAtInTheQueryThatReadsAsUserInfoIsRefused() {
        assertThatThrownBy(() -> isolated().databaseUrl("postgresql://h:5432/lib?x=me@work").build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("DATABASE_URL (set in code) 'postgresql://h:***@work' is ambiguous")
                .hasMessageContaining("Write '@' as %40 in query values");
        LibrarySettings encoded = isolated().databaseUrl("postgresql://h:5432/lib?application_name=me%40work").build();
        assertThat(encoded.jdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/lib?ApplicationName=me%40work");
        assertThat(encoded.databaseUser()).isEmpty();
    }

    /** The public rule a program uses on text it prints: a driver's message, a command line's stray argument. */
    @Test
    void maskPasswordsTakesEveryFormOfThePasswordOutOfText() {
        String url = "postgresql+asyncpg://anna:p%40ss w/rd@127.0.0.1:1/lib";
        assertThat(LibrarySettings.maskPasswords("login as anna with p@ss w/rd (p%40ss+w%2Frd) failed", url))
                .isEqualTo("login as anna with *** (***) failed");
        assertThat(LibrarySettings.maskPasswords("URL " + url + " refused", url))
                .isEqualTo("URL postgresql+asyncpg://anna:***@127.0.0.1:1/lib refused");
        // without the URL: any URL in the text, however malformed, and password parameters
        assertThat(LibrarySettings.maskPasswords("Unknown options: '--ur', 'a/b:s3cret@h/db', "
                + "'jdbc:postgresql://anna:pa?s3cret@h/db', (postgresql://a/b:s3cret@h/db) "
                + "jdbc:postgresql://h:5432/db?user=a@corp&password=s3cret password%3Ds3cret", null))
                .isEqualTo("Unknown options: '--ur', 'a/b:***@h/db', 'jdbc:postgresql://anna:***@h/db', "
                        + "(postgresql://a/b:***@h/db) jdbc:postgresql://h:5432/db?user=a@corp&password=*** "
                        + "password%3D***");
        assertThat(LibrarySettings.maskPasswords("Connection to 127.0.0.1:1 refused", url))
                .isEqualTo("Connection to 127.0.0.1:1 refused");
        assertThat(LibrarySettings.maskPasswords(null, url)).isNull();
        assertThat(LibrarySettings.maskPasswords("sqlite:////srv/anna:x@corp/a.db", "sqlite:///./library.db"))
                .isEqualTo("sqlite:////srv/anna:x@corp/a.db");
        // the settings' own URL, without reading it back out of them
        LibrarySettings settings = isolated().databaseUrl(url).build();
        assertThat(settings.maskPasswords("login as anna with p@ss w/rd failed"))
                .isEqualTo("login as anna with *** failed");
    }

    static Stream<Arguments> invalidValues() {
        return Stream.of(
                // key, value, fragment of the message
                Arguments.of("DATABASE_URL", "mysql://u:hunter2@h/db", "unknown scheme 'mysql'"),
                Arguments.of("DATABASE_URL", "", "is empty"),
                Arguments.of("DATABASE_URL", "library.db", "not a URL"),
                Arguments.of("DATABASE_POOL_SIZE", "0", "from 1 to 1000"),
                Arguments.of("DATABASE_POOL_SIZE", "ten", "not a whole number"),
                Arguments.of("DATABASE_POOL_SIZE", "1001", "from 1 to 1000"),
                Arguments.of("DATABASE_CONNECTION_TIMEOUT", "30", "has no unit"),
                Arguments.of("DATABASE_CONNECTION_TIMEOUT", "100ms", "at least 250ms"),
                Arguments.of("DATABASE_STATEMENT_TIMEOUT", "soon", "not a duration"),
                Arguments.of("DATABASE_STATEMENT_TIMEOUT", "-PT1S", "is negative"),
                Arguments.of("SQLITE_BUSY_TIMEOUT", "-5s", "is negative"),
                Arguments.of("SQLITE_BUSY_TIMEOUT", "--5s", "not a duration"),
                Arguments.of("SQLITE_BUSY_TIMEOUT", "5", "500ms, 30s, 2m"),
                Arguments.of("ASYNC_CLOSE_TIMEOUT", "10 seconds", "not a duration"),
                Arguments.of("ASYNC_CLOSE_TIMEOUT", "3000000h", "must be at most 2147483647ms"),
                Arguments.of("DATABASE_STATEMENT_TIMEOUT", "3000000h", "must be at most 2147483647ms"),
                Arguments.of("DATABASE_STATEMENT_TIMEOUT", "2147483648ms", "must be at most 2147483647ms"),
                Arguments.of("DATABASE_CONNECTION_TIMEOUT", "PT3000000H", "must be at most 2147483647ms"),
                Arguments.of("SQLITE_BUSY_TIMEOUT", "25d", "not a duration"),
                Arguments.of("SQLITE_BUSY_TIMEOUT", "P25D", "must be at most 2147483647ms"),
                Arguments.of("DATABASE_MIGRATE_ON_OPEN", "maybe", "not a boolean"),
                Arguments.of("DATABASE_READ_ONLY", "ro", "not a boolean"),
                Arguments.of("SQLITE_SYNCHRONOUS", "FAST", "FULL, NORMAL, OFF, EXTRA"),
                Arguments.of("ASYNC_QUEUE_CAPACITY", "0", "whole number"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource
    void invalidValues(String key, String value, String fragment) {
        Map<String, String> env = key.equals("DATABASE_URL") ? Map.of(key, value)
                : Map.of("DATABASE_URL", "sqlite://", key, value);
        assertThatThrownBy(() -> isolated().environment(env).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith(key)
                .hasMessageContaining("environment variable")
                .hasMessageContaining(fragment)
                .hasMessageContaining("settings were looked for in")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
    }

    @Test
    void builderSettersNameTheirNullArgumentAndNegativeDurationsAreSaidToBe() {
        LibrarySettings.Builder builder = isolated().databaseUrl("sqlite://");
        assertThatThrownBy(() -> builder.statementTimeout(null)).hasMessage("timeout");
        assertThatThrownBy(() -> builder.closeTimeout(null)).hasMessage("timeout");
        assertThatThrownBy(() -> builder.sqliteSynchronous(null)).hasMessage("level");
        builder.statementTimeout(Duration.ofMillis(-1));
        assertThatThrownBy(builder::build).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("DATABASE_STATEMENT_TIMEOUT (set in code) '-1ms' is negative");
    }

    @Test
    void hugeDurationsSetInCodeFailAtBuild() {
        Duration huge = Duration.ofSeconds(Long.MAX_VALUE);
        LibrarySettings.Builder builder = isolated().databaseUrl("sqlite://").closeTimeout(huge)
                .statementTimeout(Duration.ofMillis(Integer.MAX_VALUE + 1L));
        assertThatThrownBy(builder::build).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("DATABASE_STATEMENT_TIMEOUT (set in code)")
                .hasMessageContaining("at most 2147483647ms");
        builder.statementTimeout(LibrarySettings.MAX_DURATION);
        assertThatThrownBy(builder::build).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("ASYNC_CLOSE_TIMEOUT (set in code)");
    }

    static Stream<Arguments> durations() {
        return Stream.of(
                Arguments.of("500ms", Duration.ofMillis(500)),
                Arguments.of("30s", Duration.ofSeconds(30)),
                Arguments.of(" 2m ", Duration.ofMinutes(2)),
                Arguments.of("1h", Duration.ofHours(1)),
                Arguments.of("PT30S", Duration.ofSeconds(30)),
                Arguments.of("pt1m30s", Duration.ofSeconds(90)),
                Arguments.of("2147483647ms", Duration.ofMillis(Integer.MAX_VALUE)),
                Arguments.of("0s", Duration.ZERO));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void durations(String text, Duration expected) {
        LibrarySettings settings = isolated().databaseUrl("sqlite://").set("DATABASE_STATEMENT_TIMEOUT", text).build();
        assertThat(settings.statementTimeout()).isEqualTo(expected);
    }

    @Test
    void booleansAcceptPydanticSpellings() {
        assertThat(isolated().databaseUrl("sqlite://").environment(Map.of("database_read_only", "yes")).build()
                .readOnly()).isTrue();
        assertThat(isolated().databaseUrl("sqlite://").set(LibrarySettings.DATABASE_MIGRATE_ON_OPEN, "no").build()
                .migrateOnOpen()).isFalse();
        assertThat(isolated().databaseUrl("sqlite://").set(LibrarySettings.DATABASE_MIGRATE_ON_OPEN, "TRUE").build()
                .migrateOnOpen()).isTrue();
    }

    /**
     * The real sources, read by {@code withEnvironment()} in a JVM started with {@code -D} properties and
     * environment variables of its own, in a working directory with a {@code .env}: each key is set in every
     * source from its level down, so each one shows a level of code, system properties, environment, .env.
     */
    @Test
    void withEnvironmentReadsTheRealSystemPropertiesEnvironmentAndEnvFileInThatOrder() throws Exception {
        Files.writeString(dir.resolve(".env"), "DESCRIPTION=from-file\nAPP_TITLE=from-file\n"
                + "DATABASE_URL=sqlite:///from-file.db\nDATABASE_POOL_SIZE=2\n", StandardCharsets.UTF_8);
        ProcessBuilder child = ChildJvm.builder(PrintRealSettings.class,
                        List.of("-Xmx64m", "-XX:TieredStopAtLevel=1", "-DDESCRIPTION=from-property",
                                "-DAPP_TITLE=from-property", "-DSQLITE_BUSY_TIMEOUT=7s"))
                .directory(dir.toFile()).redirectErrorStream(true);
        // this JVM's own environment must not take part
        child.environment().keySet().removeIf(name -> name.toUpperCase(Locale.ROOT)
                .matches("DATABASE_.*|APP_TITLE|DESCRIPTION|SQLITE_.*|ASYNC_.*"));
        child.environment().put("DESCRIPTION", "from-env");
        child.environment().put("APP_TITLE", "from-env");
        child.environment().put("DATABASE_URL", "sqlite:///from-env.db");
        Process process = child.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(out).isTrue();
        assertThat(out.lines()).as(out).containsExactly(
                "DESCRIPTION=from-code CODE",
                "APP_TITLE=from-property SYSTEM_PROPERTY",
                "SQLITE_BUSY_TIMEOUT=PT7S SYSTEM_PROPERTY",
                "DATABASE_URL=" + dir.resolve("from-env.db") + " ENVIRONMENT",
                "DATABASE_POOL_SIZE=2 ENV_FILE");
    }

    /** Prints where each setting came from, reading the real sources as an application does. */
    public static final class PrintRealSettings {
        public static void main(String[] args) {
            try {
                LibrarySettings settings = LibrarySettings.builder().withEnvironment().description("from-code").build();
                System.out.println("DESCRIPTION=" + settings.description() + " " + source(settings, "DESCRIPTION"));
                System.out.println("APP_TITLE=" + settings.appTitle() + " " + source(settings, "APP_TITLE"));
                System.out.println("SQLITE_BUSY_TIMEOUT=" + settings.sqliteBusyTimeout() + " "
                        + source(settings, "SQLITE_BUSY_TIMEOUT"));
                System.out.println("DATABASE_URL=" + settings.sqliteFile().orElse(null) + " "
                        + settings.databaseUrlSource());
                System.out.println("DATABASE_POOL_SIZE=" + settings.poolSize() + " "
                        + source(settings, "DATABASE_POOL_SIZE"));
            } catch (RuntimeException e) {
                System.out.println("FAILED " + e);
            }
        }

        private static String source(LibrarySettings settings, String key) {
            return settings.source(key).map(Source::name).orElse("none");
        }
    }

    @Test
    void fromEnvironmentWithEnvFilePath() throws Exception {
        Path envFile = dir.resolve("app.env");
        Files.writeString(envFile, "DATABASE_URL=sqlite:////tmp/from-env-file.db\nAPP_TITLE=Env file\n");
        // The real environment may set DATABASE_URL; this only checks the file is layered and reported.
        LibrarySettings settings = LibrarySettings.fromEnvironment(envFile);
        assertThat(settings.lookedIn()).contains(envFile.toString());
        if (System.getenv("APP_TITLE") == null && System.getProperty("APP_TITLE") == null) {
            assertThat(settings.appTitle()).isEqualTo("Env file");
        }
    }
}
