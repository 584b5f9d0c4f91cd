package org.elibrary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.elibrary.domain.Author;
import org.elibrary.domain.BookWithAuthors;
import org.elibrary.domain.CatalogCounts;
import org.elibrary.domain.User;
import org.elibrary.internal.schema.SchemaMigrator;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Cascades on a database made with the Python app's schema (V1, the seed DDL): foreign keys without ON DELETE,
 * enforced (SQLite with foreign_keys on), opened on a borrowed DataSource, which adopts it (V2 and V3 add
 * indexes and search tables; the foreign keys stay as the seed made them). Opened without migrating, a database
 * without the library's history is refused (RequiredSchemaIT).
 */
class SeedSchemaIT {

    @ParameterizedTest
    @EnumSource(Backend.class)
    void cascadesWorkWhereForeignKeysHaveNoOnDelete(Backend backend) throws Exception {
        DataSource dataSource = seedOnlyDatabase(backend);
        try (Library library = Library.open(dataSource)) {
            BookWithAuthors war = library.books().createWithAuthors("Война и мир", List.of("Толстой", "Соавтор"));
            BookWithAuthors other = library.books().createWithAuthors("Other", List.of("Толстой"));
            User reader = library.users().create("reader");
            User critic = library.users().create("critic");
            library.comments().add(reader.id(), war.id(), "1");
            library.comments().add(critic.id(), war.id(), "2");
            library.comments().add(reader.id(), other.id(), "3");

            // The foreign keys are enforced and have no ON DELETE: a plain delete of the book fails.
            try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThatThrownBy(() -> statement.executeUpdate("DELETE FROM book WHERE id = " + war.id()))
                        .isInstanceOf(SQLException.class);
            }

            assertThat(library.books().delete(war.id())).isTrue();
            assertThat(library.counts()).isEqualTo(new CatalogCounts(2, 1, 1, 2, 1));
            assertThat(library.users().delete(reader.id())).isTrue();
            assertThat(library.counts()).isEqualTo(new CatalogCounts(2, 1, 1, 1, 0));
            Author tolstoy = library.authors().findByName("Толстой").orElseThrow();
            assertThat(library.authors().delete(tolstoy.id())).isTrue();
            assertThat(library.counts()).isEqualTo(new CatalogCounts(1, 1, 0, 1, 0));
            assertThat(library.books().findById(other.id())).isPresent();

            // A comment on the deleted book names the missing book.
            NotFoundException missing = org.assertj.core.api.Assertions.catchThrowableOfType(NotFoundException.class,
                    () -> library.comments().add(critic.id(), war.id(), "late"));
            assertThat(missing.entity()).isEqualTo("book");
        }
    }

    static DataSource seedOnlyDatabase(Backend backend) throws IOException, SQLException {
        String url = TestDatabases.newDatabaseUrl(backend);
        DataSource dataSource;
        if (backend == Backend.SQLITE) {
            SQLiteConfig config = new SQLiteConfig();
            config.enforceForeignKeys(true);
            SQLiteDataSource sqlite = new SQLiteDataSource(config);
            sqlite.setUrl(url);
            dataSource = sqlite;
        } else {
            PGSimpleDataSource postgres = new PGSimpleDataSource();
            postgres.setURL(url);
            dataSource = postgres;
        }
        String resource = SchemaMigrator.scripts(backend) + "/V1__seed_schema.sql";
        String ddl;
        try (InputStream in = SeedSchemaIT.class.getClassLoader().getResourceAsStream(resource)) {
            ddl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : ddl.split(";")) {
                String withoutComments = sql.replaceAll("(?m)^--.*$", "").strip();
                if (!withoutComments.isEmpty()) {
                    statement.execute(withoutComments);
                }
            }
        }
        return dataSource;
    }
}
