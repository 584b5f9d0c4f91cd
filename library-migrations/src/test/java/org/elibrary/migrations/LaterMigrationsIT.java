package org.elibrary.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import javax.sql.DataSource;
import org.elibrary.Backend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * V2 and V3 add what the library needs without breaking the Python app's use of its tables: the app's plain
 * INSERT/UPDATE/DELETE statements still work, and on SQLite the search index follows them.
 */
class LaterMigrationsIT {

    /** A new database (a SQLite file, or one on the embedded PostgreSQL) migrated to the latest version. */
    static DataSource migrated(Backend backend) {
        DataSource dataSource = Sql.newDatabase(backend);
        Migrations.from(dataSource, backend).migrate();
        return dataSource;
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void foreignKeyColumnsAreIndexed(Backend backend) throws SQLException {
        DataSource dataSource = migrated(backend);
        String query = backend == Backend.SQLITE
                ? "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'ix\\_%' ESCAPE '\\' ORDER BY name"
                : "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexname LIKE 'ix\\_%' "
                        + "ORDER BY indexname";
        assertThat(Sql.strings(dataSource, query)).contains("ix_author_book_book_id", "ix_comment_book_id",
                "ix_comment_user_id");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void pythonAppStatementsStillWork(Backend backend) throws SQLException {
        DataSource dataSource = migrated(backend);
        // What SQLAlchemy sends for the tutorial's models: ids from the database, then links and comments.
        Sql.script(dataSource, String.join("\n",
                "INSERT INTO author (name) VALUES ('Лев Толстой');",
                "INSERT INTO book (title) VALUES ('Война и мир');",
                "INSERT INTO \"user\" (username) VALUES ('anna');",
                "INSERT INTO author_book (author_id, book_id) VALUES (1, 1);",
                "INSERT INTO comment (text, user_id, book_id) VALUES ('Великая книга', 1, 1);",
                "UPDATE book SET title = 'Анна Каренина' WHERE id = 1;",
                "DELETE FROM comment WHERE id = 1;",
                "DELETE FROM author_book WHERE book_id = 1;",
                "DELETE FROM book WHERE id = 1;"));
        assertThat(Sql.count(dataSource, "SELECT count(*) FROM book")).isZero();
        assertThat(Sql.count(dataSource, "SELECT count(*) FROM author")).isEqualTo(1);
    }

    @Test
    void sqliteSearchIndexFollowsInsertsUpdatesAndDeletesFoldingUnicode() throws SQLException {
        DataSource dataSource = migrated(Backend.SQLITE);
        Sql.script(dataSource, String.join("\n",
                "INSERT INTO book (title) VALUES ('Война и мир');",
                "INSERT INTO book (title) VALUES ('Emma');",
                "INSERT INTO author (name) VALUES ('Лев Толстой');"));
        String search = "SELECT rowid FROM book_title_search WHERE book_title_search MATCH ";
        assertThat(Sql.strings(dataSource, search + "'\"ВОЙНА\"'")).containsExactly("1");
        assertThat(Sql.strings(dataSource, search + "'\"emm\"'")).containsExactly("2");
        assertThat(Sql.strings(dataSource,
                "SELECT rowid FROM author_name_search WHERE author_name_search MATCH '\"толст\"'")).containsExactly("1");

        Sql.script(dataSource, "UPDATE book SET title = 'Анна Каренина' WHERE id = 1;");
        assertThat(Sql.strings(dataSource, search + "'\"война\"'")).isEmpty();
        assertThat(Sql.strings(dataSource, search + "'\"КАРЕНИНА\"'")).containsExactly("1");

        Sql.script(dataSource, "DELETE FROM book WHERE id = 1;");
        assertThat(Sql.strings(dataSource, search + "'\"карен\"'")).isEmpty();
        assertThat(Sql.strings(dataSource, "SELECT count(*) FROM book_title_search")).containsExactly("1");
    }

    @Test
    void postgresTrigramIndexesServeCaseInsensitiveSearch() throws SQLException {
        DataSource dataSource = migrated(Backend.POSTGRESQL);
        Sql.script(dataSource, "INSERT INTO book (title) VALUES ('Война и мир');");
        assertThat(Sql.strings(dataSource, "SELECT title FROM book WHERE lower(title) LIKE '%' || lower('ВОЙНА') || '%'"))
                .containsExactly("Война и мир");
        assertThat(Sql.strings(dataSource, "SELECT indexname FROM pg_indexes WHERE indexname LIKE '%trgm' ORDER BY 1"))
                .containsExactly("ix_author_name_lower_trgm", "ix_book_title_lower_trgm");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void migratedSchemaStillEnforcesTheSeedConstraints(Backend backend) throws SQLException {
        DataSource dataSource = migrated(backend);
        Sql.script(dataSource, "INSERT INTO book (title) VALUES ('Emma');");
        assertThatThrownBy(() -> Sql.script(dataSource, "INSERT INTO book (title) VALUES ('Emma');"))
                .isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> Sql.script(dataSource, "INSERT INTO comment (text, user_id, book_id) VALUES ('x', 9, 1);"))
                .isInstanceOf(SQLException.class);
    }
}
