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
 * The SQLite behind the driver is checked at open: the bundled one passes, and so does Spring Boot's (3.5.7
 * manages sqlite-jdbc 3.49.1.0, 4.0.7 3.50.3.0), whose SQLite lacked the {@code jsonb_each} the bulk statements
 * once used; an older sqlite-jdbc, or one whose SQLite lacks {@code ->>} (3.38.0), is refused before anything is
 * written, where its first bulk write would fail with a syntax error reported as a schema never migrated.
 */
class SqliteVersionIT {
    /** Copied by the build (maven-dependency-plugin, pre-integration-test): Spring Boot 4.0.7's version. */
    private static final Path BOOT_DRIVER = Path.of("target", "old-sqlite-jdbc", "sqlite-jdbc-3.50.3.0.jar");
    /** Copied likewise: too old itself, and its SQLite (3.36.0) lacks {@code ->>}. */
    private static final Path TOO_OLD_DRIVER = Path.of("target", "old-sqlite-jdbc", "sqlite-jdbc-3.36.0.3.jar");

    @Test
    void theBundledDriverPasses() {
        try (Library library = Library.open(LibrarySettings.builder()
                .databaseUrl(TestDatabases.newSqliteUrl()).build())) {
            library.books().create("Война и мир");
            assertThat(library.books().searchByTitle("ВОЙНА", 10)).hasSize(1);
        }
    }

    @Test
    void springBootsDriverOpensAndRunsEveryJsonStatement() throws Exception {
        String output = openWith(BOOT_DRIVER, TestDatabases.newSqliteFile());
        assertThat(output).as(output).contains("opened and wrote")
                .contains("counts: CatalogCounts[author=5, book=5, authorBook=6, user=4, comment=2]")
                .doesNotContain("refused");
    }

    @Test
    void anOlderDriverIsRefusedAtOpenNamingTheVersionNeeded() throws Exception {
        String output = openWith(TOO_OLD_DRIVER, TestDatabases.newSqliteFile());
        assertRefused(output);
        assertThat(output).as("nothing created").containsAnyOf("tables: 0", "tables: no file");
    }

    @Test
    void anOlderDriverIsRefusedOnAFileAlreadyUpToDate() throws Exception {
        // an up-to-date file is checked by reading only (no migration): the check must run there too
        Path file = TestDatabases.newSqliteFile();
        Library.open(LibrarySettings.builder().databaseUrl("jdbc:sqlite:" + file).build()).close();
        assertRefused(openWith(TOO_OLD_DRIVER, file));
    }

    private static void assertRefused(String output) {
        assertThat(output).as(output)
                .contains("refused: org.elibrary.ConfigurationException: the SQLite library of ")
                .contains("is 3.36.0 (sqlite-jdbc 3.36.0.3), which lacks the ->> operator (SQLite 3.38.0 or later")
                .contains("; and sqlite-jdbc before 3.41.2.2 closes a query's result without rows")
                .contains("put sqlite-jdbc 3.41.2.2 or later on the classpath")
                .contains("<sqlite-jdbc.version>")
                .doesNotContain("opened and wrote");
    }

    /** Runs OtherSqliteApp on {@code file} in a JVM whose sqlite-jdbc is {@code driver}; its output. */
    private static String openWith(Path driver, Path file) throws Exception {
        assertThat(driver).exists();
        String[] entries = System.getProperty("java.class.path").split(File.pathSeparator);
        String classpath = Arrays.stream(entries)
                .map(entry -> new File(entry).getName().startsWith("sqlite-jdbc-")
                        ? driver.toAbsolutePath().toString() : entry)
                .collect(Collectors.joining(File.pathSeparator));
        assertThat(classpath).contains(driver.toAbsolutePath().toString());
        Process child = ChildJvm.onClasspath(classpath, OtherSqliteApp.class, List.of("-Xmx128m"), file.toString())
                .redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return output;
    }
}
