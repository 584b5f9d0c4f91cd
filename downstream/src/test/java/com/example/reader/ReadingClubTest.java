package com.example.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.elibrary.Backend;
import org.elibrary.DuplicateException;
import org.elibrary.InvalidInputException;
import org.elibrary.LibrarySettings;
import org.elibrary.NotFoundException;
import org.elibrary.domain.BookDetails;
import org.elibrary.domain.CatalogCounts;
import org.elibrary.migrations.Migrations;
import org.elibrary.migrations.SchemaInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The published elibrary jars, used as an application would, on a temporary SQLite file. */
class ReadingClubTest {
    @TempDir
    Path folder;

    private LibrarySettings settings;
    private ReadingClub club;

    @BeforeEach
    void open() throws Exception {
        // The Python app's .env, as it is: a SQLAlchemy URL relative to the working directory.
        Files.writeString(folder.resolve(".env"), String.join("\n",
                "APP_TITLE=Электронная библиотека",
                "DATABASE_URL=sqlite+aiosqlite:///./club.db", ""), StandardCharsets.UTF_8);
        settings = LibrarySettings.builder()
                .environment(java.util.Map.of())
                .workingDirectory(folder)
                .envFile(folder.resolve(".env"))
                .build();
        club = ReadingClub.open(settings);
    }

    @AfterEach
    void close() {
        club.close();
    }

    @Test
    void settingsComeFromTheDotEnvFile() {
        assertThat(settings.backend()).isEqualTo(Backend.SQLITE);
        assertThat(settings.appTitle()).isEqualTo("Электронная библиотека");
        assertThat(settings.sqliteFile()).contains(folder.resolve("club.db").toAbsolutePath());
        assertThat(folder.resolve("club.db")).isRegularFile();
    }

    @Test
    void recommendReviewAndRead() {
        long war = club.recommend("Война и мир", List.of("Лев Толстой"));
        club.recommend("Двенадцать стульев", List.of("Илья Ильф", "Евгений Петров"));
        club.review("anna", war, "Перечитываю каждую зиму.");
        club.review("anna", war, "И ещё раз 📚");

        BookDetails page = club.page(war);
        assertThat(page.book().title()).isEqualTo("Война и мир");
        assertThat(page.authors()).extracting(a -> a.name()).containsExactly("Лев Толстой");
        assertThat(page.comments()).extracting(c -> c.username() + ": " + c.text())
                .containsExactly("anna: Перечитываю каждую зиму.", "anna: И ещё раз 📚");

        assertThat(club.search("ВОЙНА")).containsExactly("Война и мир");
        club.recommend("Мир и война", List.of());
        club.recommend("Война миров", List.of("Герберт Уэллс"));
        assertThat(club.searchAll("война", 2)).containsExactly("Война и мир", "Война миров", "Мир и война");
        assertThat(club.byAuthorAsync("петров")).succeedsWithin(Duration.ofSeconds(30))
                .satisfies(books -> assertThat(books).extracting(b -> b.book().title())
                        .containsExactly("Двенадцать стульев"));
    }

    @Test
    void errorsAreTypedAndChangeNothing() {
        long war = club.recommend("Война и мир", List.of("Лев Толстой"));
        CatalogCounts before = club.library().counts();

        assertThatThrownBy(() -> club.recommend("Война и мир", List.of()))
                .isInstanceOf(DuplicateException.class)
                .satisfies(e -> assertThat(((DuplicateException) e).field()).isEqualTo("book.title"));
        assertThatThrownBy(() -> club.recommend("x".repeat(151), List.of()))
                .isInstanceOf(InvalidInputException.class);
        // A review that fails rolls back the new member too.
        assertThatThrownBy(() -> club.review("boris", war + 1000, "нет такой книги"))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> club.review("boris", war, " "))
                .isInstanceOf(InvalidInputException.class);

        assertThat(club.library().counts()).isEqualTo(before);
        assertThat(club.library().users().findByUsername("boris")).isEmpty();
    }

    @Test
    void theSchemaIsUpToDateAfterOpening() {
        SchemaInfo info = Migrations.from(settings).info();
        assertThat(info.upToDate()).isTrue();
        assertThat(info.currentVersion()).contains(info.latestVersion());
    }
}
