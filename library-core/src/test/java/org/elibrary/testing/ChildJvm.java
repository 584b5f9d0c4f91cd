package org.elibrary.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a JVM on this test's own Java and classpath running a small main class of the tests: SQLite in another
 * process. On JDK 22+ it gets native access for sqlite-jdbc's library, as the test JVMs do (the build's
 * {@code native-access} profile): JDK 24+ warns on stderr without it.
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    public static ProcessBuilder builder(Class<?> main, List<String> jvmOptions, String... args) {
        return onClasspath(System.getProperty("java.class.path"), main, jvmOptions, args);
    }

    /** As {@link #builder(Class, List, String...)}, on the given classpath. */
    public static ProcessBuilder onClasspath(String classpath, Class<?> main, List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (Runtime.version().feature() >= 22) {
            command.add("--enable-native-access=ALL-UNNAMED");
        }
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath);
        command.add(main.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    public static Process start(Class<?> main, String... args) throws IOException {
        return builder(main, List.of("-Xmx128m", "-XX:TieredStopAtLevel=1", "-Xshare:auto"), args)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }
}
