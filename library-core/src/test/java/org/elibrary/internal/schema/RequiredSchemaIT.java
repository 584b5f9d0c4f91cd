package org.elibrary.internal.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.elibrary.internal.schema.SchemaMigratorIT.dataSource;
import static org.elibrary.internal.schema.SchemaMigratorIT.execute;
import static org.elibrary.internal.schema.SchemaMigratorIT.seedDdl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.sql.DataSource;
import org.elibrary.Backend;
import org.elibrary.ConfigurationException;
import org.elibrary.Library;
import org.elibrary.LibrarySettings;
import org.elibrary.testing.Stderr;
import org.elibrary.testing.TestDatabases;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** DATABASE_MIGRATE_ON_OPEN=false: a schema behind the library's is refused at open, not at the first search. */
class RequiredSchemaIT {

    @ParameterizedTest
    @EnumSource(Backend.class)
    void theRequiredVersionIsTheLatestMigration(Backend backend) {
        assertThat(SchemaMigrator.status(dataSource(backend, newDatabase(backend)), backend).latestVersion())
                .isEqualTo(RequiredSchema.VERSION);
    }

    @Test
    void versionsCompareAsFlywaysDo() {
        assertThat(RequiredSchema.compare("2", "3")).isNegative();
        assertThat(RequiredSchema.compare("1.10", "1.9")).isPositive();
        assertThat(RequiredSchema.compare("3.0", "3")).isZero();
        assertThat(RequiredSchema.compare("10", "3")).isPositive();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void anEmptyDatabaseIsRefusedAtOpen(Backend backend) {
        String url = newDatabase(backend);
        assertThatThrownBy(() -> openWithoutMigrating(url))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("has no migration history (flyway_schema_history): it is empty, or the Python "
                        + "app's and not yet adopted, and this library needs schema version 3; run the migrations")
                .hasMessageContaining("DATABASE_MIGRATE_ON_OPEN=true");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aPythonAppDatabaseNeverAdoptedIsRefusedAtOpen(Backend backend) throws Exception {
        String url = newDatabase(backend);
        execute(dataSource(backend, url), seedDdl(backend));
        assertThatThrownBy(() -> openWithoutMigrating(url))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("has no migration history");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aSchemaBehindTheLibrarysIsRefusedAtOpenNamingBothVersions(Backend backend) {
        String url = newDatabase(backend);
        flyway(backend, url).target("2").load().migrate();
        assertThatThrownBy(() -> openWithoutMigrating(url))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("is at version 2 and this library needs version 3; run the migrations "
                        + "(Migrations.from(settings).migrate(), or the CLI's migrate), or set "
                        + "DATABASE_MIGRATE_ON_OPEN=true");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aSchemaAtOrAheadOfTheLibrarysOpens(Backend backend) throws Exception {
        String url = newDatabase(backend);
        DataSource dataSource = dataSource(backend, url);
        SchemaMigrator.migrate(dataSource, backend);
        try (Library library = openWithoutMigrating(url)) {
            assertThat(library.books().searchByTitle("мир", 10)).isEmpty();
        }
        // as a newer library version would leave it: opened with a warning
        execute(dataSource, "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, "
                + "checksum, installed_by, execution_time, success) VALUES (99, '10', 'later', 'SQL', "
                + "'V10__later.sql', 0, 'test', 0, " + (backend == Backend.SQLITE ? "1" : "true") + ")");
        String warning = "newer than this library's " + RequiredSchema.VERSION + " (a newer library version migrated it)";
        assertThat(Stderr.of(() -> {
            try (Library library = openWithoutMigrating(url)) {
                assertThat(library.books().searchByTitle("мир", 10)).isEmpty();
            }
        })).contains(warning);
        // opened migrating (the default) too: it once said nothing there; the database named as everywhere else
        // (an up-to-date SQLite file is checked by reading, which named it by its jdbc:sqlite: URL)
        LibrarySettings settings = LibrarySettings.builder().databaseUrl(backend == Backend.SQLITE
                ? "sqlite:///" + url.substring("jdbc:sqlite:".length()) : url).build();
        assertThat(Stderr.of(() -> {
            try (Library library = Library.open(settings)) {
                assertThat(library.books().searchByTitle("мир", 10)).isEmpty();
            }
        })).contains(warning).contains("the schema of " + settings.displayUrl() + " is at version 10");
        assertThat(Stderr.of(() -> SchemaMigrator.migrate(dataSource, backend))).contains(warning);
    }

    // A caller's DataSource opened with migrate false: the same check, advice in the DataSource's terms.

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aCallersDataSourceOverANeverMigratedDatabaseIsRefusedAtOpen(Backend backend) {
        DataSource dataSource = dataSource(backend, newDatabase(backend));
        assertThatThrownBy(() -> Library.open(dataSource, false))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("has no migration history (flyway_schema_history): it is empty, or the Python "
                        + "app's and not yet adopted, and this library needs schema version 3; run the migrations "
                        + "(Migrations.from(dataSource).migrate(), or the CLI's migrate), or open it with "
                        + "Library.open(dataSource), which migrates");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aCallersDataSourceOverAV1OnlySchemaIsRefusedAtOpenNamingBothVersions(Backend backend) {
        String url = newDatabase(backend);
        flyway(backend, url).target("1").load().migrate();
        assertThatThrownBy(() -> Library.open(dataSource(backend, url), false))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("the schema of jdbc:" + backend.name().toLowerCase(Locale.ROOT) + ":")
                .hasMessageContaining("is at version 1 and this library needs version 3; run the migrations "
                        + "(Migrations.from(dataSource).migrate(), or the CLI's migrate), or open it with "
                        + "Library.open(dataSource), which migrates");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aCallersDataSourceOverACurrentSchemaOpens(Backend backend) throws Exception {
        DataSource dataSource = dataSource(backend, newDatabase(backend));
        SchemaMigrator.migrate(dataSource, backend);
        try (Library library = Library.open(dataSource, false)) {
            assertThat(library.books().searchByTitle("мир", 10)).isEmpty();
        }
    }

    private static String newDatabase(Backend backend) {
        if (backend == Backend.SQLITE) {
            Path file = TestDatabases.newSqliteFile();
            try {
                Files.createFile(file); // an empty file is an empty SQLite database
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return "jdbc:sqlite:" + file;
        }
        return TestDatabases.newPostgresUrl();
    }

    private static Library openWithoutMigrating(String url) {
        return Library.open(LibrarySettings.builder().databaseUrl(url).migrateOnOpen(false).build());
    }

    private static FluentConfiguration flyway(Backend backend, String url) {
        return Flyway.configure().dataSource(dataSource(backend, url))
                .locations("classpath:db/migration/" + backend.name().toLowerCase(Locale.ROOT))
                .table(SchemaMigrator.HISTORY_TABLE);
    }
}
