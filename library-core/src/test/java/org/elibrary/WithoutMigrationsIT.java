package org.elibrary;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.elibrary.testing.ChildJvm;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * An application with library-core but not library-migrations (whose jar holds the scripts) is refused when its
 * Library would migrate, and told how to open without migrating in its own terms: a caller's DataSource has no
 * DATABASE_MIGRATE_ON_OPEN.
 */
class WithoutMigrationsIT {

    @Test
    void aLibraryThatWouldMigrateWithoutTheScriptsIsToldHowToOpenWithoutMigrating() throws Exception {
        // this module's tests read the scripts from its test classes: the child gets only its own class of them
        Path testClasses = Path.of(WithoutMigrationsApp.class.getProtectionDomain().getCodeSource().getLocation()
                .toURI());
        Path appOnly = Files.createTempDirectory("elibrary-app-");
        Path app = Path.of(WithoutMigrationsApp.class.getName().replace('.', '/') + ".class");
        Files.createDirectories(appOnly.resolve(app).getParent());
        Files.copy(testClasses.resolve(app), appOnly.resolve(app));
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !Path.of(entry).toAbsolutePath().equals(testClasses.toAbsolutePath()))
                .collect(Collectors.joining(File.pathSeparator)) + File.pathSeparator + appOnly;

        Path file = TestDatabases.newSqliteFile();
        Process child = ChildJvm.onClasspath(classpath, WithoutMigrationsApp.class, List.of("-Xmx128m"),
                file.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as(output).isZero();
        String missing = "the schema migrations are not on the classpath (org/elibrary/migrations/sql/sqlite/"
                + "V1__seed_schema.sql is missing): add the dependency org.elibrary:library-migrations, or ";
        assertThat(output.lines()).containsExactly(
                missing + "open the Library without migrating (Library.open(dataSource, false)) and migrate separately",
                missing + "set DATABASE_MIGRATE_ON_OPEN=false and migrate separately");
    }
}
