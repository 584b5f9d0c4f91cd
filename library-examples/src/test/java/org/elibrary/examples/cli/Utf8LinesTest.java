package org.elibrary.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Utf8LinesTest {
    @TempDir
    Path tmp;

    private int lineOf(byte[]... parts) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            bytes.writeBytes(part);
        }
        Path file = tmp.resolve("input.jsonl");
        Files.write(file, bytes.toByteArray());
        return Utf8Lines.lineOfFirstMalformed(file);
    }

    private static byte[] text(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void namesTheLineOfTheFirstBadByteCountingEveryKindOfLineBreak() throws IOException {
        byte[] bad = {(byte) 0xFF};
        assertThat(lineOf(bad)).isEqualTo(1);
        assertThat(lineOf(text("ёж\nеж"), bad, text("\nx"))).isEqualTo(2);
        assertThat(lineOf(text("a\r\nb\rc\n\nd"), bad)).isEqualTo(5);
        // A sequence cut short by the end of the file, and an encoded surrogate, are not UTF-8 either.
        assertThat(lineOf(text("a\nb\n"), new byte[] {(byte) 0xD0})).isEqualTo(3);
        assertThat(lineOf(text("a\n"), new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})).isEqualTo(2);
    }

    @Test
    void findsItPastTheFirstBufferAndAcrossASplitCharacter() throws IOException {
        // 'ж' is two bytes; 40,000 of them cross the 64 KiB buffer boundary, some split in two.
        String longLine = "ж".repeat(40_000) + "\n";
        assertThat(lineOf(text(longLine.repeat(3)), new byte[] {(byte) 0x80})).isEqualTo(4);
        assertThat(lineOf(text(longLine.repeat(3)))).as("valid to the end").isEqualTo(4);
    }
}
