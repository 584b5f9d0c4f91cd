package org.elibrary.internal.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.ibatis.session.Configuration;
import org.elibrary.Backend;
import org.elibrary.Library;
import org.elibrary.LibrarySettings;
import org.elibrary.domain.Book;
import org.elibrary.internal.mapper.BookMapper;
import org.elibrary.internal.mapper.CommentMapper;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bulk rows written value by value ({@link UnitOfWork#insertRows}): a one-row insert goes as JDBC batches, a
 * {@code MultiRowInsert} as multi-row statements, both across their flush sizes and in the order written; a
 * row of the wrong width, an unended row and a method that is not such an insert are refused.
 */
class RowWriterIT {

    @ParameterizedTest
    @EnumSource(Backend.class)
    void batchedRowsGoInAcrossBatchesInTheirOrder(Backend backend) throws Exception {
        String url = TestDatabases.newDatabaseUrl(backend);
        long userId;
        long bookId;
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(url).build())) {
            userId = library.users().create("anna").id();
            bookId = library.books().create("Мастер и Маргарита").id();
        }
        int comments = 2_345; // two full batches of 1,000 and a part
        try (Connection connection = DriverManager.getConnection(url)) {
            int inserted = unitOfWork(backend, connection).insertRows(CommentMapper.class, "insertRow", row -> {
                for (int i = 0; i < comments; i++) {
                    row.add("комментарий " + i).add(userId).add(bookId).endRow();
                }
            });

            assertThat(inserted).isEqualTo(comments);
            assertThat(column(connection, "SELECT text FROM comment ORDER BY id"))
                    .hasSize(comments).startsWith("комментарий 0", "комментарий 1").endsWith("комментарий 2344");
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void multiRowInsertsGoAsFullStatementsThenPowersOfTwo(Backend backend) throws Exception {
        String url = TestDatabases.newDatabaseUrl(backend);
        long authorId;
        List<Long> bookIds = new ArrayList<>();
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(url).build())) {
            authorId = library.authors().create("Булгаков").id();
            List<String> titles = new ArrayList<>();
            for (int i = 0; i < 2_101; i++) {
                titles.add("Book " + i);
            }
            for (Book book : library.books().createAll(titles.stream()
                    .map(title -> new org.elibrary.domain.NewBook(title, List.of())).toList())) {
                bookIds.add(book.id());
            }
        }
        try (Connection connection = DriverManager.getConnection(url)) {
            // 2,101 links: statements of 1,000, 1,000, then 64, 32, 4 and 1 rows
            int inserted = unitOfWork(backend, connection).insertRows(BookMapper.class, "insertLinkRow", row -> {
                for (long bookId : bookIds) {
                    row.add(authorId).add(bookId).endRow();
                }
            });

            assertThat(inserted).isEqualTo(2_101);
            assertThat(column(connection, "SELECT book_id FROM author_book ORDER BY book_id"))
                    .hasSize(2_101).first().isEqualTo(String.valueOf(bookIds.get(0)));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aRowOfTheWrongWidthOrTypeOrLeftOpenIsRefusedBeforeAnythingIsWritten(Backend backend) throws Exception {
        String url = catalog(backend, library -> library.users().create("anna"));
        try (Connection connection = DriverManager.getConnection(url)) {
            UnitOfWork uow = unitOfWork(backend, connection);

            assertThatThrownBy(() -> uow.insertRows(CommentMapper.class, "insertRow",
                    row -> row.add("text").add(1).endRow()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("3 values, not 2");
            assertThatThrownBy(() -> uow.insertRows(CommentMapper.class, "insertRow",
                    row -> row.add("text").add(1).add(1).add(1)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("endRow() is missing");
            assertThatThrownBy(() -> uow.insertRows(CommentMapper.class, "insertRow",
                    row -> row.add("text").add(1)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("was not ended");
            assertThatThrownBy(() -> uow.insertRows(CommentMapper.class, "insertRow",
                    row -> row.add(1).add(1).add(1).endRow()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("value 1 of a row of the insert must be a String");
            assertThat(column(connection, "SELECT count(*) FROM comment")).containsExactly("0");
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void onlyAOneRowInsertTakingItsParametersInOrderTakesRows(Backend backend) throws Exception {
        String url = catalog(backend, library -> library.books().create("Other"));
        try (Connection connection = DriverManager.getConnection(url)) {
            UnitOfWork uow = unitOfWork(backend, connection);

            assertThatThrownBy(() -> uow.insertRows(BookMapper.class, "selectById", row -> { }))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("BookMapper.selectById is not");
            assertThatThrownBy(() -> uow.insertRows(BookMapper.class, "noSuchMethod", row -> { }))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("BookMapper.noSuchMethod is not");
        }
    }

    /** A new database with the library's schema and what {@code setup} adds through the library. */
    private static String catalog(Backend backend, Consumer<Library> setup) {
        String url = TestDatabases.newDatabaseUrl(backend);
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(url).build())) {
            setup.accept(library);
        }
        return url;
    }

    private static UnitOfWork unitOfWork(Backend backend, Connection connection) {
        Configuration configuration = CatalogConfiguration.create(backend, Duration.ofSeconds(30));
        Statements statements = new Statements(connection, new DirectMappers(configuration));
        return new UnitOfWork(backend, connection, statements);
    }

    private static List<String> column(Connection connection, String sql) throws Exception {
        List<String> values = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
