package org.elibrary.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import org.elibrary.Backend;
import org.elibrary.Library;
import org.elibrary.LibrarySettings;
import org.elibrary.domain.Author;
import org.elibrary.domain.Book;
import org.elibrary.domain.User;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code export FILE}: what FILE holds when the export fails. */
class ExportCommandIT {
    @TempDir
    Path tmp;

    /**
     * README, CLI: "export FILE writes beside FILE and moves the result into place at the end, so a failed export
     * leaves FILE as it was". The export here fails part-way: users, authors and the book are read and written,
     * then reading the book's comments fails because that table is gone (the schema is taken as it is).
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void anExportThatFailsPartWayLeavesFileAsItWasAndNoPartialBeside(Backend backend) throws Exception {
        String url = TestDatabases.newDatabaseUrl(backend);
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(url).build())) {
            User user = library.users().create("reader");
            Author author = library.authors().create("Гоголь");
            Book book = library.books().create("Шинель");
            library.books().linkAuthor(book.id(), author.id());
            library.comments().add(user.id(), book.id(), "прочитал");
        }
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE comment");
        }
        Path file = tmp.resolve("catalog.jsonl");
        String previous = "{\"type\":\"user\",\"id\":1,\"username\":\"the previous export\"}\n";
        Files.writeString(file, previous, StandardCharsets.UTF_8);

        Cli.Result failed = Cli.runIn(Map.of("DATABASE_MIGRATE_ON_OPEN", "false"), tmp,
                "--url", url, "export", file.toString());

        assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(4);
        assertThat(failed.err()).as(failed.toString()).contains("run the migrations");
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(previous);
        try (var left = Files.list(tmp)) {
            assertThat(left).containsExactly(file);
        }
    }
}
