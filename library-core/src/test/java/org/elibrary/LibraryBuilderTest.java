package org.elibrary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * {@link Library.Builder}'s checks, which need no database: a value out of its key's range is refused by the
 * method that sets it, in the words the settings use for the same key, and contradicting options are refused by
 * {@code open()} before the data source is asked for anything.
 */
class LibraryBuilderTest {
    /** A data source that fails the test if the library asks it for anything. */
    private static final DataSource UNTOUCHABLE = (DataSource) Proxy.newProxyInstance(
            DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                throw new AssertionError("the data source was used: " + method.getName());
            });

    static Stream<Arguments> valuesOutOfRange() {
        Duration tooLong = LibrarySettings.MAX_DURATION.plusMillis(1);
        return Stream.of(
                Arguments.of("statementTimeout", LibrarySettings.DATABASE_STATEMENT_TIMEOUT, "'-1s' is negative",
                        (Consumer<Library.Builder>) b -> b.statementTimeout(Duration.ofSeconds(-1)),
                        (Consumer<LibrarySettings.Builder>) s -> s.statementTimeout(Duration.ofSeconds(-1))),
                Arguments.of("statementTimeout", LibrarySettings.DATABASE_STATEMENT_TIMEOUT,
                        "must be at most 2147483647ms",
                        (Consumer<Library.Builder>) b -> b.statementTimeout(tooLong),
                        (Consumer<LibrarySettings.Builder>) s -> s.statementTimeout(tooLong)),
                Arguments.of("asyncCloseTimeout", LibrarySettings.ASYNC_CLOSE_TIMEOUT, "'-500ms' is negative",
                        (Consumer<Library.Builder>) b -> b.asyncCloseTimeout(Duration.ofMillis(-500)),
                        (Consumer<LibrarySettings.Builder>) s -> s.closeTimeout(Duration.ofMillis(-500))),
                Arguments.of("asyncCloseTimeout", LibrarySettings.ASYNC_CLOSE_TIMEOUT, "must be at most 2147483647ms",
                        (Consumer<Library.Builder>) b -> b.asyncCloseTimeout(tooLong),
                        (Consumer<LibrarySettings.Builder>) s -> s.closeTimeout(tooLong)),
                Arguments.of("asyncQueueCapacity", LibrarySettings.ASYNC_QUEUE_CAPACITY,
                        "'0' is not a whole number from 1 to 2147483647",
                        (Consumer<Library.Builder>) b -> b.asyncQueueCapacity(0),
                        (Consumer<LibrarySettings.Builder>) s -> s.asyncQueueCapacity(0)),
                Arguments.of("asyncQueueCapacity", LibrarySettings.ASYNC_QUEUE_CAPACITY,
                        "'-5' is not a whole number from 1 to 2147483647",
                        (Consumer<Library.Builder>) b -> b.asyncQueueCapacity(-5),
                        (Consumer<LibrarySettings.Builder>) s -> s.asyncQueueCapacity(-5)));
    }

    /** Refused by the method itself (open() is never reached), naming it, its key and the key's own rule. */
    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("valuesOutOfRange")
    void aValueOutOfItsKeysRangeIsRefusedByTheMethodInTheSettingsWords(String method, String key, String rule,
            Consumer<Library.Builder> set, Consumer<LibrarySettings.Builder> setting) {
        Library.Builder builder = Library.builder(UNTOUCHABLE);
        ConfigurationException refused = catchThrowableOfType(ConfigurationException.class, () -> set.accept(builder));
        assertThat(refused).as("refused by " + method).isNotNull();
        assertThat(refused.getMessage()).startsWith(method + " (as " + key + ") ").contains(rule);

        // the same rule, in the same words, as the settings give for the same value of the key
        LibrarySettings.Builder settings = LibrarySettings.builder().databaseUrl("sqlite://");
        setting.accept(settings);
        String byKey = catchThrowableOfType(ConfigurationException.class, settings::build).getMessage();
        String problem = byKey.substring((key + " (set in code) ").length(), byKey.indexOf("; settings were looked"));
        assertThat(refused).hasMessage(method + " (as " + key + ") " + problem);
    }

    @Test
    void theEdgesOfEachRangeAreTakenAndNullsAreNamed() {
        Library.Builder builder = Library.builder(UNTOUCHABLE)
                .statementTimeout(Duration.ZERO).statementTimeout(LibrarySettings.MAX_DURATION)
                .asyncCloseTimeout(Duration.ZERO).asyncCloseTimeout(LibrarySettings.MAX_DURATION)
                .asyncQueueCapacity(1).asyncQueueCapacity(Integer.MAX_VALUE);
        assertThat(builder.toString()).contains("statementTimeout=2147483647ms", "asyncQueueCapacity=2147483647");
        assertThatThrownBy(() -> builder.statementTimeout(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("timeout");
        assertThatThrownBy(() -> builder.asyncCloseTimeout(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("timeout");
        assertThatThrownBy(() -> Library.builder(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("dataSource");
    }

    /** readOnly(true) never migrates: an explicit migrate(true) beside it is a contradiction, said at once. */
    @Test
    void readOnlyWithAnExplicitMigrateIsRefusedBeforeTheDataSourceIsAsked() {
        assertThatThrownBy(() -> Library.builder(UNTOUCHABLE).readOnly(true).migrate(true).open())
                .isExactlyInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("readOnly(true) and migrate(true) contradict each other: a library open "
                        + "read-only never migrates");
        assertThatThrownBy(() -> Library.builder(UNTOUCHABLE).migrate(true).readOnly(true).open())
                .isExactlyInstanceOf(ConfigurationException.class)
                .hasMessageContaining("readOnly(true) and migrate(true)");
    }

    @Test
    void toStringShowsTheOptionsAndNotTheDataSourcesText() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL("jdbc:postgresql://db.example/library?user=anna&password=hunter2");
        dataSource.setPassword("hunter2");
        String text = Library.builder(dataSource).statementTimeout(Duration.ofMillis(1500)).readOnly(true).toString();
        assertThat(text).isEqualTo("Library.Builder[dataSource=org.postgresql.ds.PGSimpleDataSource, migrate=false, "
                + "statementTimeout=1500ms, asyncQueueCapacity=1000, asyncCloseTimeout=10s, readOnly=true]");
    }
}
