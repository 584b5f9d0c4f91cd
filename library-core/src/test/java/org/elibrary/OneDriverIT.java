package org.elibrary;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.elibrary.testing.ChildJvm;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An application that uses one database may leave the other database's driver off its classpath (a Maven
 * exclusion): the library then works, failures included, without ever loading the missing driver's classes.
 */
class OneDriverIT {

    @ParameterizedTest
    @EnumSource(Backend.class)
    void theOtherDatabasesDriverMayBeLeftOut(Backend backend) throws Exception {
        // the other driver's jar (and, without pgjdbc, Flyway's PostgreSQL support, which needs it)
        List<String> left = backend == Backend.POSTGRESQL ? List.of("sqlite-jdbc")
                : List.of("postgresql-", "flyway-database-postgresql");
        String[] entries = System.getProperty("java.class.path").split(File.pathSeparator);
        String classpath = Arrays.stream(entries)
                .filter(entry -> left.stream().noneMatch(name -> new File(entry).getName().startsWith(name)))
                .collect(Collectors.joining(File.pathSeparator));
        assertThat(classpath.split(File.pathSeparator)).hasSizeLessThan(entries.length);

        Process child = ChildJvm.onClasspath(classpath, OneDriverApp.class, List.of("-Xmx128m"),
                TestDatabases.newDatabaseUrl(backend)).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as(output).isZero();
        assertThat(output).contains("all checks passed").doesNotContain("NoClassDefFoundError");
    }
}
