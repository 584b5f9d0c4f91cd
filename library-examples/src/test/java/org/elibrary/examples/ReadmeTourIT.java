package org.elibrary.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.elibrary.Library;
import org.elibrary.LibrarySettings;
import org.elibrary.domain.CatalogCounts;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The README's API tour, compiled and run as a reader would paste it: its Java blocks in order, the later ones
 * inside the first one's {@code try} (the third says it runs "after the two blocks above"), on a new database.
 * The blocks are read from README.md itself, so an edit that breaks them fails here.
 */
class ReadmeTourIT {
    private static final Path README = Path.of("..", "README.md");

    @TempDir
    Path work;

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void theTourCompilesAndRunsOnANewDatabase(String backend) throws Exception {
        String url = backend.equals("sqlite") ? TestDatabases.newSqliteUrl() : TestDatabases.newPostgresUrl();
        Class<?> tour = compile(program(tourBlocks()));

        String previous = System.setProperty("DATABASE_URL", url);
        try {
            tour.getMethod("run").invoke(null);
        } catch (InvocationTargetException e) {
            throw new AssertionError("the README's API tour failed on " + backend + ": " + e.getCause(), e.getCause());
        } finally {
            if (previous == null) {
                System.clearProperty("DATABASE_URL");
            } else {
                System.setProperty("DATABASE_URL", previous);
            }
        }

        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(url).build())) {
            // Толстой and Гоголь (findOrCreateAll), Достоевский; three books; anna and her two comments
            assertThat(library.counts()).isEqualTo(new CatalogCounts(3, 3, 3, 1, 2));
        }
    }

    /** The Java blocks of the README's "API tour" section, in order. */
    private static List<String> tourBlocks() throws IOException {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        int start = readme.indexOf("\n## API tour\n");
        int end = readme.indexOf("\n## ", start + 1);
        assertThat(start).as("the README has an API tour").isNotNegative();
        String section = readme.substring(start, end);
        List<String> blocks = new ArrayList<>();
        int from = 0;
        while ((from = section.indexOf("```java\n", from)) >= 0) {
            int close = section.indexOf("\n```", from);
            blocks.add(section.substring(from + "```java\n".length(), close));
            from = close;
        }
        assertThat(blocks).as("the tour's Java blocks").hasSize(3);
        return blocks;
    }

    /** The first block without its last line (the try's closing brace), the others, then that brace. */
    private static String program(List<String> blocks) {
        String first = blocks.get(0).stripTrailing();
        assertThat(first).endsWith("\n}");
        StringBuilder body = new StringBuilder(first.substring(0, first.length() - 1));
        for (String block : blocks.subList(1, blocks.size())) {
            body.append(block).append('\n');
        }
        body.append("}\n");
        return """
                import java.util.*;
                import java.util.concurrent.*;
                import org.elibrary.*;
                import org.elibrary.domain.*;

                public final class Tour {
                    public static void run() throws Exception {
                """ + body + """
                    }
                }
                """;
    }

    private Class<?> compile(String source) throws Exception {
        Path file = work.resolve("Tour.java");
        Files.writeString(file, source, StandardCharsets.UTF_8);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT,
                StandardCharsets.UTF_8)) {
            boolean compiled = compiler.getTask(null, files, diagnostics,
                    List.of("-classpath", System.getProperty("java.class.path"), "-d", work.toString(),
                            "-encoding", "UTF-8"),
                    null, files.getJavaFileObjects(file)).call();
            assertThat(compiled).as("the README's API tour compiles:%n%s%n%s", diagnostics.getDiagnostics(),
                    source).isTrue();
        }
        URLClassLoader loader = new URLClassLoader(new URL[] {work.toUri().toURL()},
                ReadmeTourIT.class.getClassLoader());
        return loader.loadClass("Tour");
    }
}
