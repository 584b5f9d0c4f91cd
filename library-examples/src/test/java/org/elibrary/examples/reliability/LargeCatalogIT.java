package org.elibrary.examples.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.elibrary.Backend;
import org.elibrary.Library;
import org.elibrary.LibrarySettings;
import org.elibrary.domain.CatalogCounts;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Large catalogs: the workload's data (see docs/workload.md) at scale S is written with plain JDBC batches;
 * the real CLI jar then runs {@code export FILE} in a child JVM with
 * {@code -Xmx64m} (it must stream: at scale 50 the catalog is 100k authors, 500k books, 1.1M links, 50k
 * users, 2.5M comments), and {@code import FILE} into an empty database must reproduce identical counts.
 * At the CI scale the imported database is exported again and must equal the first export except for ids.
 *
 * <p>CI scale: {@value #CI_SCALE}. The opt-in run: {@code -Delibrary.large=50} (see the README's
 * <em>Reliability</em> section).
 */
class LargeCatalogIT {
    static final double CI_SCALE = 0.1;
    private static final Path JAR = Path.of("target", "library-cli.jar").toAbsolutePath();
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final List<String> WORDS = List.of("war", "peace", "мир", "война", "river", "река", "night",
            "ночь", "garden", "сад", "winter", "зима", "road", "дорога", "light", "свет");
    private static final Pattern ID = Pattern.compile("\"id\":\\d+,?");

    @ParameterizedTest
    @EnumSource(Backend.class)
    @Timeout(value = 6, unit = TimeUnit.HOURS)
    void exportStreamsUnder64MiBAndImportReproducesTheCounts(Backend backend) throws Exception {
        assertThat(JAR).as("run at the integration-test phase, after package").isRegularFile();
        String property = System.getProperty("elibrary.large");
        double scale = property == null || property.isBlank() ? CI_SCALE : Double.parseDouble(property);
        boolean ci = property == null || property.isBlank();
        String only = System.getProperty("elibrary.large.backends", "");
        assumeTrue(only.isBlank() || only.toUpperCase(java.util.Locale.ROOT).contains(backend.name()),
                "elibrary.large.backends=" + only);
        Path work = Files.createTempDirectory("elibrary-large-");
        try {
            String source = TestDatabases.newDatabaseUrl(backend);
            long started = System.nanoTime();
            CatalogCounts expected = generate(source, scale);
            log("%s scale %s: generated %s in %.1f s", backend, scale, expected, seconds(started));

            Path export = work.resolve("catalog.jsonl");
            started = System.nanoTime();
            cli(work, List.of("-Xmx64m"), "--url", source, "export", export.toString());
            log("%s: export under -Xmx64m: %d KiB in %.1f s", backend, Files.size(export) >> 10, seconds(started));
            assertThat(lines(export)).as("exported lines").isEqualTo(expected.author() + expected.book()
                    + expected.user() + expected.comment());

            String target = TestDatabases.newDatabaseUrl(backend);
            started = System.nanoTime();
            // import (which migrates the empty database on open) keeps one map entry per user, author and book
            // (documented): its heap is not the point here, export's is
            cli(work, List.of("-Xmx" + Math.max(256, (int) (scale * 40)) + "m"), "--url", target, "import",
                    export.toString());
            log("%s: import in %.1f s", backend, seconds(started));
            try (Library library = Library.open(LibrarySettings.builder().databaseUrl(target).build())) {
                assertThat(library.counts()).as("counts after import").isEqualTo(expected);
            }

            if (ci) {
                Path again = work.resolve("again.jsonl");
                cli(work, List.of("-Xmx64m"), "--url", target, "export", again.toString());
                assertSameExceptIds(export, again);
            }
        } finally {
            deleteRecursively(work);
        }
    }

    /** Writes the workload's rows at this scale with JDBC batches on a freshly migrated database. */
    static CatalogCounts generate(String url, double scale) throws Exception {
        int authors = (int) Math.round(2000 * scale);
        int books = (int) Math.round(10000 * scale);
        int users = (int) Math.round(1000 * scale);
        int comments = (int) Math.round(50000 * scale);
        Library.open(LibrarySettings.builder().databaseUrl(url).build()).close(); // migrate
        long links = 0;
        try (Connection connection = DriverManager.getConnection(url)) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO author (name) VALUES (?)")) {
                for (int i = 0; i < authors; i++) {
                    insert.setString(1, String.format(i % 2 == 0 ? "Author %06d" : "Автор %06d", i));
                    batch(insert, i);
                }
                insert.executeBatch();
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO book (title) VALUES (?)")) {
                for (int i = 0; i < books; i++) {
                    insert.setString(1, String.format("Book %07d ", i) + WORDS.get(i % 16));
                    batch(insert, i);
                }
                insert.executeBatch();
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO author_book (author_id, book_id) VALUES (?, ?)")) {
                int n = 0;
                for (int i = 0; i < books; i++) {
                    Set<Integer> rows = new LinkedHashSet<>(List.of(i % authors, (i * 7 + 3) % authors));
                    if (i % 5 == 0) {
                        rows.add((i * 13 + 5) % authors);
                    }
                    for (int a : rows) {
                        insert.setLong(1, a + 1L);
                        insert.setLong(2, i + 1L);
                        batch(insert, n++);
                    }
                }
                insert.executeBatch();
                links = n;
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO \"user\" (username) VALUES (?)")) {
                for (int i = 0; i < users; i++) {
                    insert.setString(1, String.format("user%05d", i));
                    batch(insert, i);
                }
                insert.executeBatch();
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO comment (text, user_id, book_id) VALUES (?, ?, ?)")) {
                for (int j = 0; j < comments; j++) {
                    insert.setString(1, "Comment " + j + " on book");
                    insert.setLong(2, j % users + 1L);
                    insert.setLong(3, (j * 31L) % books + 1);
                    batch(insert, j);
                }
                insert.executeBatch();
            }
            connection.commit();
        }
        CatalogCounts expected = new CatalogCounts(authors, books, links, users, comments);
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(url).build())) {
            assertThat(library.counts()).as("generated rows").isEqualTo(expected);
        }
        return expected;
    }

    private static void batch(PreparedStatement insert, int n) throws Exception {
        insert.addBatch();
        if (n % 5000 == 4999) {
            insert.executeBatch();
        }
    }

    /** Runs the CLI jar; it must exit 0 without running out of memory. */
    private static void cli(Path work, List<String> jvm, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(JAVA);
        command.addAll(jvm);
        command.add("-XX:+ExitOnOutOfMemoryError");
        command.add("-jar");
        command.add(JAR.toString());
        command.addAll(List.of(args));
        Path err = Files.createTempFile(work, "cli-", ".err");
        Path out = Files.createTempFile(work, "cli-", ".out");
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
                .redirectError(err.toFile()).redirectOutput(out.toFile());
        builder.environment().remove("DATABASE_URL");
        Process process = builder.start();
        assertThat(process.waitFor(6, TimeUnit.HOURS)).as("CLI %s finished", List.of(args)).isTrue();
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(stderr).as("stderr of %s", List.of(args)).doesNotContain("OutOfMemoryError");
        assertThat(process.exitValue()).as("exit code of %s; stderr: %s", List.of(args), stderr).isZero();
    }

    private static long lines(Path file) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return reader.lines().count();
        }
    }

    private static void assertSameExceptIds(Path first, Path second) throws IOException {
        try (BufferedReader a = Files.newBufferedReader(first, StandardCharsets.UTF_8);
             BufferedReader b = Files.newBufferedReader(second, StandardCharsets.UTF_8)) {
            long line = 0;
            while (true) {
                String x = a.readLine();
                String y = b.readLine();
                line++;
                if (x == null || y == null) {
                    assertThat(y).as("line %d: both exports end together", line).isEqualTo(x);
                    return;
                }
                assertThat(ID.matcher(y).replaceAll("")).as("line %d of the re-export", line)
                        .isEqualTo(ID.matcher(x).replaceAll(""));
            }
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    private static void log(String format, Object... args) {
        System.out.println("LargeCatalogIT " + String.format(format, args));
    }
}
