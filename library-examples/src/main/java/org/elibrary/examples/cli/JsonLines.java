package org.elibrary.examples.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * Writes one JSON object per line with jackson-core's streaming generator: nothing is buffered beyond the
 * current object, so an export of any size runs in constant memory. Text is written as UTF-8 characters,
 * not {@code \\u} escapes, so Cyrillic stays readable.
 */
final class JsonLines implements AutoCloseable {
    /** Shared and thread-safe once configured; no separator between root values (we write '\n' ourselves). */
    static final JsonFactory FACTORY = new JsonFactory().setRootValueSeparator("");

    private final Writer target;
    private final JsonGenerator json;

    JsonLines(Writer target) {
        this.target = target;
        try {
            this.json = FACTORY.createGenerator(target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The caller owns stdout (and the export file); closing the generator must not close it.
        json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    }

    /** Writes one object: {@code body} fills it through the generator. */
    void write(ObjectBody body) {
        try {
            json.writeStartObject();
            body.fill(json);
            json.writeEndObject();
            json.writeRaw('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void flush() {
        try {
            json.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            json.close();
            target.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FunctionalInterface
    interface ObjectBody {
        void fill(JsonGenerator json) throws IOException;
    }
}
