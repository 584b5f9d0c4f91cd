package org.elibrary.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.elibrary.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DotEnvTest {

    static Stream<Arguments> lines() {
        return Stream.of(
                // text, key, expected value (null: key absent)
                Arguments.of("A=1", "A", "1"),
                Arguments.of("A = 1 ", "A", "1"),
                Arguments.of("  A=1", "A", "1"),
                Arguments.of("export A=1", "A", "1"),
                Arguments.of("export   A=1", "A", "1"),
                Arguments.of("A=", "A", ""),
                Arguments.of("A=''", "A", ""),
                Arguments.of("A=\"\"", "A", ""),
                Arguments.of("A=value # comment", "A", "value"),
                Arguments.of("A=value#not-a-comment", "A", "value#not-a-comment"),
                Arguments.of("A=#", "A", ""),
                Arguments.of("A='value # kept'", "A", "value # kept"),
                Arguments.of("A=\"value # kept\" # dropped", "A", "value # kept"),
                Arguments.of("A='literal \\n $B'", "A", "literal \\n $B"),
                Arguments.of("A=\"line1\\nline2\"", "A", "line1\nline2"),
                Arguments.of("A=\"say \\\"hi\\\" \\\\ done\"", "A", "say \"hi\" \\ done"),
                Arguments.of("A=\"multi\nline\"\nB=2", "A", "multi\nline"),
                Arguments.of("A=\"multi\nline\"\nB=2", "B", "2"),
                Arguments.of("A=x=y", "A", "x=y"),
                Arguments.of("DATABASE_URL=postgresql+asyncpg://u:p%40ss@h:5432/db?sslmode=require", "DATABASE_URL",
                        "postgresql+asyncpg://u:p%40ss@h:5432/db?sslmode=require"),
                Arguments.of("APP_TITLE=Электронная библиотека", "APP_TITLE", "Электронная библиотека"),
                Arguments.of("# A=1", "A", null),
                Arguments.of("   # A=1", "A", null),
                Arguments.of("not a pair", "not a pair", null),
                Arguments.of("A=1\r\nB=2\r\n", "B", "2"),
                Arguments.of("\uFEFFA=1", "A", "1"),
                Arguments.of("A=1\nA=2", "A", "2"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource
    void lines(String text, String key, String expected) {
        Map<String, String> parsed = DotEnv.parse(text);
        assertThat(parsed.get(key)).isEqualTo(expected);
    }

    static Stream<Arguments> interpolation() {
        return Stream.of(
                // text, expected value of the last key
                Arguments.of("USER_NAME=anna\nURL=postgresql://${USER_NAME}@h/db", "postgresql://anna@h/db"),
                Arguments.of("URL=\"${DB_HOST}:5432\"", "db.example:5432"),
                Arguments.of("URL='${DB_HOST}'", "${DB_HOST}"),
                Arguments.of("URL=${MISSING}", ""),
                Arguments.of("URL=${MISSING:-fallback}", "fallback"),
                Arguments.of("DB_HOST=from-file\nURL=${DB_HOST}", "from-file"),
                Arguments.of("URL=$DB_HOST", "$DB_HOST"),
                Arguments.of("URL=a${DB_HOST}b${DB_HOST}c", "adb.exampleb" + "db.examplec"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void interpolation(String text, String expected) {
        Map<String, String> environment = Map.of("DB_HOST", "db.example");
        Map<String, String> parsed = DotEnv.parse(text, environment::get);
        assertThat(parsed.get("URL")).isEqualTo(expected);
    }

    @Test
    void blankLinesAndCommentsAreSkipped() {
        Map<String, String> parsed = DotEnv.parse("\n# .env\n\nAPP_TITLE=X\n\n   \nDATABASE_URL=sqlite:///./library.db\n");
        assertThat(parsed).containsExactly(Map.entry("APP_TITLE", "X"),
                Map.entry("DATABASE_URL", "sqlite:///./library.db"));
    }

    @Test
    void unclosedQuoteNamesTheLineAndKey() {
        assertThatThrownBy(() -> DotEnv.parse("A=1\nB=\"open\nC=3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 2").hasMessageContaining("B");
    }

    @Test
    void readsUtf8File(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(".env");
        Files.write(file, "APP_TITLE=Электронная библиотека\n".getBytes(StandardCharsets.UTF_8));
        assertThat(DotEnv.read(file)).hasValueSatisfying(
                values -> assertThat(values).containsEntry("APP_TITLE", "Электронная библиотека"));
    }

    @Test
    void missingFileIsEmpty(@TempDir Path dir) {
        assertThat(DotEnv.read(dir.resolve(".env"))).isEmpty();
    }

    @Test
    void invalidUtf8IsAConfigurationError(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(".env");
        Files.write(file, new byte[] {'A', '=', (byte) 0xC3, (byte) 0x28});
        assertThatThrownBy(() -> DotEnv.read(file)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("UTF-8").hasMessageContaining(file.toString());
    }
}
