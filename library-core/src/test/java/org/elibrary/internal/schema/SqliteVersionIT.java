package org.elibrary.internal.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.elibrary.Library;
import org.elibrary.LibrarySettings;
import org.elibrary.testing.ChildJvm;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * The SQLite behind the driver is checked at open: the bundled one passes; an older sqlite-jdbc (Spring Boot
 * 3.5.7's 3.49.1.0, 4.0.7's 3.50.3.0) is refused before anything is written, where its first write used to fail
 * with "no such table: jsonb_each" reported as a schema that was never migrated.
 */
class SqliteVersionIT {
    /** Copied by the build (maven-dependency-plugin, pre-integration-test); Spring Boot 4.0.7's version. */
    private static final Path OLD_DRIVER = Path.of("target", "old-sqlite-jdbc", "sqlite-jdbc-3.50.3.0.jar");

    @Test
    void theBundledDriverPasses() {
        try (Library library = Library.open(LibrarySettings.builder()
                .databaseUrl(TestDatabases.newSqliteUrl()).build())) {
            library.books().create("Война и мир");
            assertThat(library.books().searchByTitle("ВОЙНА", 10)).hasSize(1);
        }
    }

    @Test
    void anOlderDriverIsRefusedAtOpenNamingTheVersionNeeded() throws Exception {
        String output = openWithTheOldDriver(TestDatabases.newSqliteFile());
        assertRefused(output);
        assertThat(output).as("nothing created").containsAnyOf("tables: 0", "tables: no file");
    }

    @Test
    void anOlderDriverIsRefusedOnAFileAlreadyUpToDate() throws Exception {
        // an up-to-date file is checked by reading only (no migration): the check must run there too
        Path file = TestDatabases.newSqliteFile();
        Library.open(LibrarySettings.builder().databaseUrl("jdbc:sqlite:" + file).build()).close();
        assertRefused(openWithTheOldDriver(file));
    }

    private static void assertRefused(String output) {
        assertThat(output).as(output)
                .contains("refused: org.elibrary.ConfigurationException: the SQLite library of ")
                .contains("is 3.50.3 (sqlite-jdbc 3.50.3.0), which lacks the jsonb_each table-valued function")
                .contains("put sqlite-jdbc 3.51.0.0 or later on the classpath")
                .contains("<sqlite-jdbc.version>")
                .doesNotContain("opened and wrote");
    }

    /** Runs OldSqliteApp on {@code file} in a JVM whose sqlite-jdbc is {@link #OLD_DRIVER}; its output. */
    private static String openWithTheOldDriver(Path file) throws Exception {
        assertThat(OLD_DRIVER).exists();
        String[] entries = System.getProperty("java.class.path").split(File.pathSeparator);
        String classpath = Arrays.stream(entries)
                .map(entry -> new File(entry).getName().startsWith("sqlite-jdbc-")
                        ? OLD_DRIVER.toAbsolutePath().toString() : entry)
                .collect(Collectors.joining(File.pathSeparator));
        assertThat(classpath).contains(OLD_DRIVER.toAbsolutePath().toString());
        Process child = ChildJvm.onClasspath(classpath, OldSqliteApp.class, List.of("-Xmx128m"), file.toString())
                .redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return output;
    }
}
