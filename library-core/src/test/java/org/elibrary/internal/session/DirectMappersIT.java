package org.elibrary.internal.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
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
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The direct path does what MyBatis itself does with the same mapper XML: every mapper method gives the same
 * result both ways (see {@link MapperOracle}), the details query, whose result map picks a record type and its
 * constructor per row kind with a {@code <discriminator>}, gives the rows expected, and a lone value binds as
 * MyBatis binds it. A MyBatis session is the oracle here only; the library never opens one.
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
        Configuration configuration = CatalogConfiguration.create(backend, Duration.ofSeconds(30));
        SqlSessionFactory oracle = new SqlSessionFactoryBuilder().build(configuration);
        try (Connection connection = DriverManager.getConnection(url);
             SqlSession session = oracle.openSession(connection)) {
            List<Object> direct = new Statements(connection, new DirectMappers(configuration))
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

    /** One plain value: MyBatis binds it to every placeholder, whatever the placeholder's name. */
    interface OneValue {
        @Select("SELECT #{first} + #{second} * 10")
        long spread(long value);

        @Select("SELECT length(#{text}) + #{text2}")
        long named(@Param("text") String text, @Param("text2") long more);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aLoneValueBindsToEveryPlaceholderAsMyBatisBindsIt(Backend backend) throws Exception {
        String url = TestDatabases.newDatabaseUrl(backend);
        Configuration configuration = CatalogConfiguration.create(backend, Duration.ofSeconds(30));
        configuration.addMapper(OneValue.class);
        SqlSessionFactory oracle = new SqlSessionFactoryBuilder().build(configuration);
        try (Connection connection = DriverManager.getConnection(url);
             SqlSession session = oracle.openSession(connection)) {
            OneValue direct = new Statements(connection, new DirectMappers(configuration)).mapper(OneValue.class);
            OneValue throughMyBatis = session.getMapper(OneValue.class);

            assertThat(direct.spread(3)).isEqualTo(throughMyBatis.spread(3)).isEqualTo(33);
            assertThat(direct.named("abc", 4)).isEqualTo(throughMyBatis.named("abc", 4)).isEqualTo(7);
        }
    }

    /**
     * Every mapper method, on representative data, gives through the direct path what a MyBatis session gives
     * from the same mapper XML: the return value (generated ids included), the SQL error of a refused write, and
     * the tables a write leaves, each write run on its own copy of the same catalog per path; bulk rows of the
     * one-row inserts, through a RowWriter, leave what a call per row leaves. Coverage is counted from the calls
     * the cases make, so a mapper method added without a case fails here.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void everyMapperMethodGivesWhatAMyBatisSessionGives(Backend backend) throws Exception {
        MapperOracle.Catalog catalog = MapperOracle.Catalog.seed(backend);
        MapperOracle oracle = new MapperOracle(backend);
        SoftAssertions differences = new SoftAssertions();
        try (Connection connection = catalog.copy()) {
            for (MapperOracle.Case read : MapperOracle.reads(backend)) {
                differences.assertThat(oracle.direct(read, connection)).as(read.name())
                        .isEqualTo(oracle.throughMyBatis(read, connection));
            }
        }
        for (MapperOracle.Case write : MapperOracle.writes(backend)) {
            try (Connection direct = catalog.copy(); Connection throughMyBatis = catalog.copy()) {
                differences.assertThat(oracle.direct(write, direct)).as(write.name())
                        .isEqualTo(oracle.throughMyBatis(write, throughMyBatis));
                differences.assertThat(MapperOracle.tables(direct)).as("tables after " + write.name())
                        .isEqualTo(MapperOracle.tables(throughMyBatis));
            }
        }
        differences.assertThat(oracle.covered()).as("mapper methods with a case on " + backend)
                .containsExactlyInAnyOrderElementsOf(oracle.planned());
        differences.assertAll();
    }
}
