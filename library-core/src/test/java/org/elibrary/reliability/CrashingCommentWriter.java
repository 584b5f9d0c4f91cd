package org.elibrary.reliability;

import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Semaphore;
import org.elibrary.AsyncLibrary;
import org.elibrary.Library;
import org.elibrary.LibrarySettings;

/**
 * Child JVM of {@link CrashDurabilityIT}: writes comments through the async facade until it is killed.
 * Prints {@code READY} once open, then for every acknowledged (successfully completed) write one line
 * {@code ACK <id>...} (a transaction writes a pair of comments "pair R:N a/b" and acknowledges both ids
 * on one line). Any failure prints {@code ERR <exception>}.
 *
 * <p>Arguments: database URL, user id, book id, run tag.
 */
public final class CrashingCommentWriter {
    private static final int IN_FLIGHT = 16;

    private CrashingCommentWriter() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        long userId = Long.parseLong(args[1]);
        long bookId = Long.parseLong(args[2]);
        String run = args[3];
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        Library library = Library.open(LibrarySettings.builder().databaseUrl(url).poolSize(4).build());
        AsyncLibrary async = library.async();
        print(out, "READY");
        Semaphore permits = new Semaphore(IN_FLIGHT);
        for (long seq = 0; ; seq++) {
            permits.acquire();
            long n = seq;
            if (seq % 5 == 4) {
                async.inTransaction(tx -> List.of(
                                tx.comments().add(userId, bookId, "pair " + run + ":" + n + " a").id(),
                                tx.comments().add(userId, bookId, "pair " + run + ":" + n + " b").id()))
                        .whenComplete((ids, e) -> {
                            print(out, e == null ? "ACK " + ids.get(0) + " " + ids.get(1) : "ERR " + e);
                            permits.release();
                        });
            } else {
                async.comments().add(userId, bookId, "single " + run + ":" + n)
                        .whenComplete((comment, e) -> {
                            print(out, e == null ? "ACK " + comment.id() : "ERR " + e);
                            permits.release();
                        });
            }
        }
    }

    private static void print(PrintStream out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
