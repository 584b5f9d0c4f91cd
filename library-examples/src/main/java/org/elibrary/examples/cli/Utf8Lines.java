package org.elibrary.examples.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a file stops being UTF-8. A reader's decoding error carries no position, and the JSON parser reads
 * thousands of characters ahead of the line it reports, so the import decodes the file a second time, on
 * this error path only, to name the line.
 */
final class Utf8Lines {
    private static final int BUFFER = 1 << 16;

    private Utf8Lines() {
    }

    /**
     * The line (from 1, counting {@code \n}, {@code \r\n} and {@code \r} as the JSON parser does) of the first
     * byte sequence that is not UTF-8, or the number of lines when there is none.
     */
    static int lineOfFirstMalformed(Path file) throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder(); // reports malformed input by default
        ByteBuffer bytes = ByteBuffer.allocate(BUFFER);
        CharBuffer chars = CharBuffer.allocate(BUFFER);
        int line = 1;
        boolean afterCarriageReturn = false;
        try (InputStream in = Files.newInputStream(file)) {
            while (true) {
                int read = in.read(bytes.array(), bytes.position(), bytes.remaining());
                boolean end = read < 0;
                if (!end) {
                    bytes.position(bytes.position() + read);
                }
                bytes.flip();
                CoderResult result;
                do {
                    result = decoder.decode(bytes, chars, end);
                    chars.flip();
                    while (chars.hasRemaining()) {
                        char c = chars.get();
                        if (c == '\r' || (c == '\n' && !afterCarriageReturn)) {
                            line++;
                        }
                        afterCarriageReturn = c == '\r';
                    }
                    chars.clear();
                } while (result.isOverflow());
                if (result.isError() || end) {
                    return line;
                }
                bytes.compact();
            }
        }
    }
}
