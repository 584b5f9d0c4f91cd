package org.elibrary.downstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.elibrary.Library;
import org.elibrary.LibrarySettings;
import org.elibrary.migrations.MigrationReport;
import org.elibrary.migrations.Migrations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The installed jars work for an application that knows only their coordinates. */
class DownstreamTest {
    @TempDir
    Path dir;

    @Test
    void migratesAndOpensASqliteLibrary() throws Exception {
        Files.writeString(dir.resolve(".env"), "APP_TITLE=Электронная библиотека\n"
                + "DATABASE_URL=sqlite+aiosqlite:///./library.db\n");
        LibrarySettings settings = LibrarySettings.builder().workingDirectory(dir).envFile(dir.resolve(".env"))
                .build();
        assertEquals("Электронная библиотека", settings.appTitle());

        MigrationReport report = Migrations.from(settings).migrate();
        assertEquals(3, report.applied().size());
        assertTrue(Migrations.from(settings).info().upToDate());

        try (Library library = Library.open(settings)) {
            library.authors().create("Лев Толстой");
            assertTrue(library.authors().findByName("Лев Толстой").isPresent());
        }
        assertTrue(Files.exists(dir.resolve("library.db")));
    }
}
