package org.elibrary.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-written JSON of {@code MigrationsCommand --json}: every string a message can hold stays valid JSON. */
class JsonLineTest {
    @Test
    void escapesQuotesBackslashesAndControlCharactersAndKeepsTheRest() {
        String json = new JsonLine().field("text", "a \"b\" c\\d\ne\tf\u0001 Война").field("none", (String) null)
                .field("ok", true).field("list", List.of("1", "x'y")).field("empty", List.of()).toString();
        assertThat(json).isEqualTo("{\"text\":\"a \\\"b\\\" c\\\\d\\ne\\tf\\u0001 Война\",\"none\":null,\"ok\":true,"
                + "\"list\":[\"1\",\"x'y\"],\"empty\":[]}");
    }
}
