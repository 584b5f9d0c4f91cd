package org.elibrary.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;
import org.elibrary.LibrarySettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Command-line parsing, without a database. */
class MigrationsCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return MigrationsCommand.run(
                () -> LibrarySettings.builder().environment(Map.of()).systemProperties(Map.of()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                args);
    }

    static Stream<Arguments> usageErrors() {
        return Stream.of(
                Arguments.of(new String[] {}, "no command given"),
                Arguments.of(new String[] {"upgrade"}, "unknown command 'upgrade'"),
                Arguments.of(new String[] {"migrate", "--verbose"}, "unknown option --verbose"),
                Arguments.of(new String[] {"migrate", "--url"}, "option --url needs a value"),
                Arguments.of(new String[] {"migrate", "--url", "--env-file", "x"}, "option --url needs a value"),
                Arguments.of(new String[] {"migrate", "--env-file"}, "option --env-file needs a value"),
                Arguments.of(new String[] {"migrate", "info"}, "unexpected argument 'info'"),
                Arguments.of(new String[] {"validate", "--json=yes"}, "option --json takes no value"));
    }

    @ParameterizedTest
    @MethodSource
    void usageErrors(String[] args, String message) {
        assertThat(run(args)).isEqualTo(MigrationsCommand.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(message).contains("Usage:");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    /** A mistyped option or a forgotten {@code --url} must not put the password on stderr (CI logs keep it). */
    static Stream<Arguments> usageErrorsWithAPassword() {
        String url = "postgresql://anna:s3cret@db.example/lib";
        return Stream.of(
                Arguments.of(new String[] {"migrate", "--ur=" + url}, "unknown option --ur"),
                Arguments.of(new String[] {"migrate", "-u=" + url}, "unknown option -u"),
                Arguments.of(new String[] {"migrate", url}, "unexpected argument 'postgresql://anna:***@db.example/lib'"
                        + " after the command migrate (give the database with --url)"),
                Arguments.of(new String[] {"migrate", "jdbc:postgresql://db/lib?user=anna&password=s3cret"},
                        "unexpected argument 'jdbc:postgresql://db/lib?user=anna&password=***'"),
                Arguments.of(new String[] {url, "migrate"},
                        "unexpected argument 'migrate' after the command postgresql://anna:***@db.example/lib"),
                Arguments.of(new String[] {url}, "unknown command 'postgresql://anna:***@db.example/lib'"),
                // a raw '@' in the password with '/' and '#' after it: the library would refuse the URL
                Arguments.of(new String[] {"migrate", "postgresql://anna:p@s3cret/x#1@db.example/lib"},
                        "unexpected argument 'postgresql://anna:***@db.example/lib'"),
                // a user name with a '/' (the password then shows no user info's shape), no scheme, or a JDBC
                // URL with user info after a '?'
                Arguments.of(new String[] {"migrate", "a/b:s3cret@db.example/lib"},
                        "unexpected argument 'a/b:***@db.example/lib'"),
                Arguments.of(new String[] {"migrate", "postgresql+asyncpg://a/b:s3cret@db.example/lib"},
                        "unexpected argument 'postgresql+asyncpg://a/b:***@db.example/lib'"),
                Arguments.of(new String[] {"migrate", "jdbc:postgresql://anna:pa?s3cret@db.example/lib"},
                        "unexpected argument 'jdbc:postgresql://anna:***@db.example/lib'"));
    }

    @ParameterizedTest
    @MethodSource
    void usageErrorsWithAPassword(String[] args, String message) {
        assertThat(run(args)).isEqualTo(MigrationsCommand.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(message).contains("Usage:").doesNotContain("s3cret");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void helpPrintsUsageAndSucceeds() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage:").contains("migrate").contains("baseline");
    }

    @Test
    void missingDatabaseUrlIsAConfigurationError() {
        assertThat(run("info")).isEqualTo(MigrationsCommand.UNAVAILABLE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("DATABASE_URL is not set");
    }

    @Test
    void badUrlIsAConfigurationErrorWithoutThePassword() {
        assertThat(run("migrate", "--url", "mysql://anna:hunter2@h/db")).isEqualTo(MigrationsCommand.UNAVAILABLE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown scheme 'mysql'").doesNotContain("hunter2")
                .contains("DATABASE_URL (from --url)"); // as library-cli.jar names it; was "(set in code)"
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/b:hunter2@h/db", "postgresql://a/b:hunter2@h/db", "postgresql+asyncpg://a/b:hunter2@h/db",
            "jdbc:postgresql://anna:pa?hunter2@h/db", "postgresql://a/b:pa?hunter2@h/db"})
    void aMalformedUrlIsAConfigurationErrorWithoutThePassword(String url) {
        assertThat(run("migrate", "--url", url)).isEqualTo(MigrationsCommand.UNAVAILABLE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("DATABASE_URL").contains(":***@")
                .doesNotContain("hunter2");
    }

    @Test
    void aUrlWhosePasswordEndCannotBeToldIsAConfigurationErrorWithoutThePassword() {
        assertThat(run("migrate", "--url", "postgresql://anna:p@hunter2/x#1@h/db"))
                .isEqualTo(MigrationsCommand.UNAVAILABLE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("'postgresql://anna:***@h/db' is ambiguous")
                .contains("%40").doesNotContain("hunter2");
    }
}
