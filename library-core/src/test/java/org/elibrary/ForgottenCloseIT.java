package org.elibrary;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.elibrary.domain.Author;
import org.elibrary.testing.ChildJvm;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A program that returns from main without closing its {@code Library} ({@link ForgottenCloseApp}, in a JVM of its
 * own) exits promptly, as it would with a bare HikariCP pool or {@code CompletableFuture.supplyAsync}, and what it
 * wrote and waited for is in the database afterwards, a write waited for by another thread of the program included.
 */
class ForgottenCloseIT {
    /**
     * How long the child may take from its last line to its exit. A JVM exits within a fraction of a second once
     * main has returned and the program's own threads are done; the async facade's idle platform threads (Java 17)
     * used to hold it for their 10 s keep-alive. 5 s leaves a loaded machine (2 cores, several builds) plenty of
     * room while still telling the two apart.
     */
    private static final Duration EXIT_BOUND = Duration.ofSeconds(5);

    @ParameterizedTest
    @EnumSource(Backend.class)
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aProgramThatForgetsCloseExitsPromptlyWithItsWrites(Backend backend) throws Exception {
        String url = TestDatabases.newDatabaseUrl(backend);
        Process child = ChildJvm.builder(ForgottenCloseApp.class, List.of("-Xmx128m", "-XX:TieredStopAtLevel=1"),
                url, "forgetful").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<String> lines = new ArrayList<>();
        long returned = 0;
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                lines.add(line);
                if (line.equals(ForgottenCloseApp.RETURNING)) {
                    returned = System.nanoTime();
                }
            }
        }
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child exited").isTrue();
        Duration exit = Duration.ofNanos(System.nanoTime() - returned);
        assertThat(child.exitValue()).as("exit code; output %s", lines).isZero();
        assertThat(lines).contains(ForgottenCloseApp.RETURNING, "awaited forgetful-awaited");
        assertThat(exit).as("from main's return to the JVM's exit").isLessThan(EXIT_BOUND);

        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(url).build())) {
            assertThat(List.of("forgetful-sync", "forgetful-async", "forgetful-awaited"))
                    .allSatisfy(name -> assertThat(library.authors().findByName(name)).map(Author::name)
                            .contains(name));
            assertThat(library.authors().count()).isEqualTo(3);
        }
    }
}
