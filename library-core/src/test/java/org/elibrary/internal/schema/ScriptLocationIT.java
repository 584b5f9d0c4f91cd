package org.elibrary.internal.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.elibrary.Backend;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The scripts moved from {@code db/migration/<backend>} (where Spring Boot's own Flyway found them and failed
 * with "Found more than one migration with version 1") to {@link SchemaMigrator#scripts}. Flyway's history
 * records a script's name and checksum, not its folder, so a database the earlier jars migrated is up to date.
 */
class ScriptLocationIT {
    private static final List<String> SCRIPTS =
            List.of("V1__seed_schema.sql", "V2__foreign_key_indexes.sql", "V3__unicode_search.sql");

    @Test
    void nothingOfTheLibraryIsUnderTheFolderFrameworksScan() {
        assertThat(ScriptLocationIT.class.getClassLoader().getResource("db/migration")).isNull();
        for (Backend backend : Backend.values()) {
            assertThat(ScriptLocationIT.class.getClassLoader()
                    .getResource(SchemaMigrator.scripts(backend) + "/V1__seed_schema.sql")).isNotNull();
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aDatabaseMigratedFromTheOldFolderValidatesAndIsUpToDate(Backend backend) throws Exception {
        DataSource dataSource = SchemaMigratorIT.dataSource(backend);
        // the earlier layout, on a class loader of its own: as the earlier jars left the history
        Path old = Files.createTempDirectory("elibrary-old-layout-");
        Path folder = old.resolve("db/migration/" + backend.name().toLowerCase(Locale.ROOT));
        Files.createDirectories(folder);
        for (String script : SCRIPTS) {
            try (InputStream in = ScriptLocationIT.class.getClassLoader()
                    .getResourceAsStream(SchemaMigrator.scripts(backend) + "/" + script)) {
                Files.copy(in, folder.resolve(script));
            }
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {old.toUri().toURL()},
                ScriptLocationIT.class.getClassLoader())) {
            Flyway.configure(loader).dataSource(dataSource)
                    .locations("classpath:db/migration/" + backend.name().toLowerCase(Locale.ROOT))
                    .table(SchemaMigrator.HISTORY_TABLE).load().migrate();
        }
        List<String> before = history(dataSource);
        assertThat(before).hasSize(3).allSatisfy(row -> assertThat(row).doesNotContain("/"));

        ValidationOutcome validation = SchemaMigrator.validate(dataSource, backend);
        MigrationOutcome outcome = SchemaMigrator.migrate(dataSource, backend);

        assertThat(validation.valid()).as(validation.details().toString()).isTrue();
        assertThat(outcome.applied()).isEmpty();
        assertThat(outcome.versionAfter()).isEqualTo("3");
        assertThat(SchemaMigrator.isUpToDate(dataSource, backend, null)).isTrue();
        assertThat(history(dataSource)).isEqualTo(before);
    }

    private static List<String> history(DataSource dataSource) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT version, script, checksum FROM "
                     + SchemaMigrator.HISTORY_TABLE + " ORDER BY installed_rank")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3));
            }
        }
        return rows;
    }
}
