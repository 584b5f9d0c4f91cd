package org.elibrary.internal.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.elibrary.Backend;
import org.elibrary.Library;
import org.elibrary.LibrarySettings;
import org.elibrary.domain.Author;
import org.elibrary.domain.Book;
import org.elibrary.domain.BookComment;
import org.elibrary.domain.User;
import org.elibrary.internal.mapper.BookMapper;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.sqlite.SQLiteDataSource;

/**
 * The direct path reads what MyBatis itself maps from the same mapper XML: the details query, whose result
 * map picks a record type and its constructor per row kind with a {@code <discriminator>}, gives equal rows
 * both ways.
 */
class DirectMappersIT {

    @ParameterizedTest
    @EnumSource(Backend.class)
    void detailRowsReadDirectlyEqualThoseMyBatisMaps(Backend backend) throws Exception {
        String url = TestDatabases.newDatabaseUrl(backend);
        long bookId;
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(url).build())) {
            Book book = library.books().createWithAuthors("Мастер и Маргарита", List.of("Булгаков", "Anon")).book();
            User anna = library.users().create("anna");
            User boris = library.users().create("boris");
            library.comments().add(anna.id(), book.id(), "первый");
            library.comments().add(boris.id(), book.id(), "second");
            library.books().create("Other");
            bookId = book.id();
        }
        DataSource unused = backend == Backend.SQLITE ? new SQLiteDataSource() : new PGSimpleDataSource();
        Configuration configuration = CatalogConfiguration.create(backend, Duration.ofSeconds(30), unused);
        SqlSessionFactory factory = new SqlSessionFactoryBuilder().build(configuration);
        try (Connection connection = DriverManager.getConnection(url);
             SqlSession session = factory.openSession(connection)) {
            List<Object> direct = new Statements(connection, factory, new DirectMappers(configuration))
                    .mapper(BookMapper.class).selectDetails(bookId);
            List<Object> throughMyBatis = session.getMapper(BookMapper.class).selectDetails(bookId);

            assertThat(direct).isEqualTo(throughMyBatis).hasSize(5);
            assertThat(direct).extracting(row -> row.getClass().getSimpleName())
                    .containsExactly("Book", "Author", "Author", "BookComment", "BookComment");
            assertThat(direct.get(0)).isEqualTo(new Book(bookId, "Мастер и Маргарита"));
            assertThat(((Author) direct.get(1)).name()).isEqualTo("Anon");
            BookComment first = (BookComment) direct.get(3);
            assertThat(first.username()).isEqualTo("anna");
            assertThat(first.text()).isEqualTo("первый");
        }
    }
}
