package org.elibrary.internal.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.session.Configuration;
import org.elibrary.Backend;
import org.elibrary.internal.mapper.AuthorMapper;
import org.elibrary.internal.mapper.BookMapper;
import org.elibrary.internal.mapper.CatalogMapper;
import org.elibrary.internal.mapper.CommentMapper;
import org.elibrary.internal.mapper.MultiRowInsert;
import org.elibrary.internal.mapper.OnlyOn;
import org.elibrary.internal.mapper.UserMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.sqlite.SQLiteDataSource;

/**
 * Every mapper method of the library runs straight on JDBC on both databases: a statement whose shape
 * {@link DirectMappers} does not handle would silently fall back to MyBatis's slower path. (What the
 * statements return is checked against real databases by the scenario suite, CatalogIT.)
 */
class DirectMappersTest {
    private static final List<Class<?>> MAPPERS = List.of(AuthorMapper.class, BookMapper.class, UserMapper.class,
            CommentMapper.class, CatalogMapper.class);

    @ParameterizedTest
    @EnumSource(Backend.class)
    void everyMapperMethodRunsDirectly(Backend backend) {
        DataSource unused = backend == Backend.SQLITE ? new SQLiteDataSource() : new PGSimpleDataSource();
        DirectMappers mappers = new DirectMappers(CatalogConfiguration.create(backend, Duration.ofSeconds(30), unused));
        String databaseId = backend == Backend.SQLITE ? "sqlite" : "postgresql";
        int planned = 0;
        for (Class<?> mapper : MAPPERS) {
            // getMethods: the inherited ones too (NamedRowMapper's), each with the mapper's own statement
            for (Method method : mapper.getMethods()) {
                OnlyOn onlyOn = method.getAnnotation(OnlyOn.class);
                if (method.isSynthetic() || method.isDefault()
                        || (onlyOn != null && !onlyOn.value().equals(databaseId))) {
                    continue;
                }
                assertThat(mappers.runsDirectly(mapper, method))
                        .as("%s.%s on %s", mapper.getSimpleName(), method.getName(), backend).isTrue();
                planned++;
            }
        }
        assertThat(planned).isGreaterThan(50);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aMethodForAnotherDatabaseOnlyHasNoStatementHere(Backend backend) throws NoSuchMethodException {
        DataSource unused = backend == Backend.SQLITE ? new SQLiteDataSource() : new PGSimpleDataSource();
        DirectMappers mappers = new DirectMappers(CatalogConfiguration.create(backend, Duration.ofSeconds(30), unused));
        Method sqliteOnly = BookMapper.class.getMethod("selectMaxId");
        mappers.planAll(); // skips it on PostgreSQL instead of failing the open
        if (backend == Backend.SQLITE) {
            assertThat(mappers.runsDirectly(BookMapper.class, sqliteOnly)).isTrue();
        } else {
            assertThatThrownBy(() -> mappers.runsDirectly(BookMapper.class, sqliteOnly))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("no mapped statement");
        }
    }

    /** Shapes a {@link MultiRowInsert} can and cannot have: only a static insert ending with its one VALUES row. */
    interface MultiRowShapes {
        @MultiRowInsert
        @Insert("INSERT INTO author_book (author_id, book_id) VALUES (#{authorId}, #{bookId})")
        int oneValuesRow(long authorId, long bookId);

        @MultiRowInsert
        @Insert("INSERT INTO author_book (author_id, book_id) SELECT #{authorId}, #{bookId}")
        int selectNotValues(long authorId, long bookId);

        @MultiRowInsert
        @Insert("INSERT INTO author_book (author_id, book_id) VALUES (#{authorId}, #{bookId}) RETURNING book_id")
        int somethingAfterTheRow(long authorId, long bookId);

        @MultiRowInsert
        @Insert("INSERT INTO author_book (author_id, book_id) VALUES (#{authorId}, 7)")
        int placeholderMissing(long authorId, long bookId);

        @MultiRowInsert(rows = 20_000)
        @Insert("INSERT INTO author_book (author_id, book_id) VALUES (#{authorId}, #{bookId})")
        int tooManyPlaceholders(long authorId, long bookId);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aMultiRowInsertMustEndWithItsOneValuesRow(Backend backend) throws NoSuchMethodException {
        DataSource unused = backend == Backend.SQLITE ? new SQLiteDataSource() : new PGSimpleDataSource();
        Configuration configuration = CatalogConfiguration.create(backend, Duration.ofSeconds(30), unused);
        configuration.addMapper(MultiRowShapes.class);
        DirectMappers mappers = new DirectMappers(configuration);

        assertThat(mappers.runsDirectly(MultiRowShapes.class,
                MultiRowShapes.class.getMethod("oneValuesRow", long.class, long.class))).isTrue();
        for (String bad : List.of("selectNotValues", "somethingAfterTheRow", "placeholderMissing", "tooManyPlaceholders")) {
            Method method = MultiRowShapes.class.getMethod(bad, long.class, long.class);
            assertThatThrownBy(() -> mappers.runsDirectly(MultiRowShapes.class, method)).as(bad)
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("@MultiRowInsert")
                    .hasMessageContaining("MultiRowShapes." + bad);
        }
    }
}
