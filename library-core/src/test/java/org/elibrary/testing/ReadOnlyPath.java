package org.elibrary.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Makes a file or directory unwritable for this process: chmod when that is enough, and the immutable
 * attribute when running as root (root ignores permission bits; nothing ignores {@code chattr +i}).
 */
public final class ReadOnlyPath implements AutoCloseable {
    private final Path path;
    private final boolean immutable;

    private ReadOnlyPath(Path path, boolean immutable) {
        this.path = path;
        this.immutable = immutable;
    }

    public static ReadOnlyPath make(Path path) throws Exception {
        boolean directory = Files.isDirectory(path);
        path.toFile().setWritable(false, false);
        if (Files.isWritable(path)) {
            run("chattr", "+i", path.toString());
            assumeTrue(!Files.isWritable(path), "cannot make " + path + " read-only here");
            return new ReadOnlyPath(path, true);
        }
        assumeTrue(!directory || !Files.isWritable(path), "cannot make " + path + " read-only here");
        return new ReadOnlyPath(path, false);
    }

    @Override
    public void close() throws IOException {
        if (immutable) {
            run("chattr", "-i", path.toString());
        }
        path.toFile().setWritable(true, true);
    }

    private static void run(String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean exited;
        try {
            exited = process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running " + String.join(" ", command), e);
        }
        if (!exited || process.exitValue() != 0) {
            assumeTrue(false, String.join(" ", command) + " failed: " + output);
        }
    }
}
