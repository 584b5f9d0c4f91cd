package com.example.bootclub;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;
import org.elibrary.Library;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * With the versions Boot's BOM manages and Boot's own Flyway auto-configured: the context starts, the library
 * migrates Boot's SQLite DataSource, writes and finds a Cyrillic title in another case, and the application's
 * own migration ran in its own history table.
 */
@SpringBootTest
class BootClubTest {
    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) throws Exception {
        String url = "jdbc:sqlite:" + Files.createTempDirectory("boot-club-").resolve("library.db");
        registry.add("spring.datasource.url", () -> url);
    }

    @Autowired
    Library library;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void writesAndSearchesThroughBootsDataSource() {
        // Boot 3.5.7's sqlite-jdbc (3.49.1.0), whose SQLite lacks the jsonb_each the library once required
        assertThat(jdbc.queryForObject("SELECT sqlite_version()", String.class)).isEqualTo("3.49.1");
        var tolstoy = library.authors().create("Лев Толстой");
        // looks the author up in one statement that reads the ids from JSON (SQLite's json_each)
        var book = library.books().createWithAuthorIds("Война и мир", List.of(tolstoy.id()));

        assertThat(library.books().searchByTitle("ВОЙНА", 10)).extracting(found -> found.id())
                .containsExactly(book.id());
        // the async facade on Boot's pool, opened by the builder
        assertThat(library.async().books().findById(book.id()).join()).contains(book);
        jdbc.update("INSERT INTO club_note (book_id, note) VALUES (?, ?)", book.id(), "к четвергу");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM club_note", Integer.class)).isEqualTo(1);
        assertThat(jdbc.queryForList("SELECT script FROM club_schema_history WHERE success", String.class))
                .contains("V1__club_note.sql");
        assertThat(jdbc.queryForList("SELECT script FROM flyway_schema_history", String.class))
                .contains("V1__seed_schema.sql", "V3__unicode_search.sql");
    }
}
