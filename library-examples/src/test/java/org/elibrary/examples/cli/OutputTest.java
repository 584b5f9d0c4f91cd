package org.elibrary.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.LongStream;
import org.elibrary.ConfigurationException;
import org.elibrary.DatabaseUnavailableException;
import org.elibrary.DuplicateException;
import org.elibrary.ForeignKeyViolationException;
import org.elibrary.InvalidInputException;
import org.elibrary.LibraryOverloadedException;
import org.elibrary.NotFoundException;
import org.junit.jupiter.api.Test;

/** The CLI's pieces that need no database: tables, JSON lines, keyset paging, exit codes. */
class OutputTest {

    @Test
    void tablesAlignByCharactersNotBytes() {
        StringWriter text = new StringWriter();
        new Table("ID", "TITLE", "AUTHORS")
                .row(1, "Война и мир", "Лев Толстой")
                .row(22, "War and Peace", "Leo Tolstoy")
                .row(333, "📚 книги", "")
                .print(new PrintWriter(text));
        List<String> lines = text.toString().lines().toList();
        assertThat(lines).containsExactly(
                "ID   TITLE          AUTHORS",
                "1    Война и мир    Лев Толстой",
                "22   War and Peace  Leo Tolstoy",
                "333  📚 книги");
    }

    @Test
    void jsonLinesKeepCyrillicAndWriteOneObjectPerLine() {
        StringWriter text = new StringWriter();
        try (JsonLines lines = new JsonLines(text)) {
            lines.write(json -> json.writeStringField("title", "Война и мир \"1869\""));
            lines.write(json -> json.writeNumberField("id", 2));
        }
        assertThat(text.toString()).isEqualTo("{\"title\":\"Война и мир \\\"1869\\\"\"}\n{\"id\":2}\n");
        assertThat(Cli.parseObject(text.toString().lines().findFirst().orElseThrow()))
                .isEqualTo(Map.of("title", "Война и мир \"1869\""));
    }

    @Test
    void pagerWalksTheFirstPageAfterAnIdThenPagesAfterTheLastKeyAndStopsAtTheLimit() {
        List<Long> ids = LongStream.rangeClosed(1, 1234).boxed().toList();
        List<String> fetched = new ArrayList<>();
        List<Long> seen = new ArrayList<>();
        new Pager<>(null, 10L, pages(ids, fetched)).forEach(seen::add);
        assertThat(seen).hasSize(1224).startsWith(11L).endsWith(1234L).doesNotHaveDuplicates();
        assertThat(fetched).containsExactly("after id 10", "after key 00000510", "after key 00001010");

        List<Long> limited = new ArrayList<>();
        new Pager<>(700, null, pages(ids, new ArrayList<>())).forEach(limited::add);
        assertThat(limited).hasSize(700).endsWith(700L);

        assertThatThrownBy(() -> new Pager<>(0, null, pages(ids, new ArrayList<>())))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("limit");
    }

    @Test
    void aFilteredPagerCountsOnlyTheRowsThatPassAndMovesPastTheOthers() {
        List<Long> ids = LongStream.rangeClosed(1, 1234).boxed().toList();
        List<String> fetched = new ArrayList<>();
        List<Long> even = new ArrayList<>();
        new Pager<>(600, 10L, pages(ids, fetched), id -> id % 2 == 0).forEach(even::add);
        // 600 even ids after 10: 12 .. 1210, over three whole pages (the filter halves each page)
        assertThat(even).hasSize(600).startsWith(12L, 14L).endsWith(1210L);
        assertThat(fetched).containsExactly("after id 10", "after key 00000510", "after key 00001010");

        // whole pages that nothing passes: the keyset still moves past them
        fetched.clear();
        List<Long> late = new ArrayList<>();
        new Pager<>(null, null, pages(ids, fetched), id -> id > 1100 && id % 50 == 0).forEach(late::add);
        assertThat(late).containsExactly(1150L, 1200L);
        assertThat(fetched).hasSize(3);
    }

    /**
     * {@code ids} as a keyset-paginated list whose key is the id zero-padded (so keys sort as the ids); each
     * page fetched adds what it was after, and fails the test if the keyset does not move on.
     */
    private static Pager.Pages<Long> pages(List<Long> ids, List<String> fetched) {
        Function<Long, String> key = id -> "%08d".formatted(id);
        return new Pager.Pages<>((afterId, limit) -> {
            fetched.add("after id " + afterId);
            return ids.stream().filter(id -> id > afterId).limit(limit).toList();
        }, (afterKey, limit) -> {
            fetched.add("after key " + afterKey);
            assertThat(fetched).as("pages fetched: the keyset must move on").hasSizeLessThan(10);
            return ids.stream().filter(id -> key.apply(id).compareTo(afterKey) > 0).limit(limit).toList();
        }, key);
    }

    @Test
    void exitCodesFollowTheErrorModel() {
        assertThat(ExitCodes.codeOf(new InvalidInputException("book.title", "must not be blank"))).isEqualTo(3);
        assertThat(ExitCodes.codeOf(new NotFoundException("book", "id=1"))).isEqualTo(3);
        assertThat(ExitCodes.codeOf(new DuplicateException("book.title", "x"))).isEqualTo(3);
        assertThat(ExitCodes.codeOf(new ForeignKeyViolationException("db", Map.of("comment.book_id -> book", 1L))))
                .isEqualTo(3);
        assertThat(ExitCodes.codeOf(new CliInputException("bad file"))).isEqualTo(3);
        assertThat(ExitCodes.codeOf(new DatabaseUnavailableException("down"))).isEqualTo(4);
        assertThat(ExitCodes.codeOf(new ConfigurationException("no url"))).isEqualTo(4);
        assertThat(ExitCodes.codeOf(new LibraryOverloadedException("full", 10))).isEqualTo(4);
        assertThat(ExitCodes.codeOf(new IllegalStateException("bug"))).isEqualTo(1);
    }
}
