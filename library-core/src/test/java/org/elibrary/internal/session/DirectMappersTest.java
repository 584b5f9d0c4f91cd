package org.elibrary.internal.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;
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

/**
 * Every mapper method of the library runs straight on JDBC on both databases: a statement whose shape
 * {@link DirectMappers} does not handle fails the planning at open, naming the method. (What the statements
 * return is checked against real databases by the scenario suite, CatalogIT.)
 */
class DirectMappersTest {
    private static final List<Class<?>> MAPPERS = List.of(AuthorMapper.class, BookMapper.class, UserMapper.class,
            CommentMapper.class, CatalogMapper.class);

    private static Configuration configuration(Backend backend) {
        return CatalogConfiguration.create(backend, Duration.ofSeconds(30));
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void everyMapperMethodRunsDirectly(Backend backend) {
        DirectMappers mappers = new DirectMappers(configuration(backend));
        mappers.planAll();
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
                mappers.planOne(mapper, method);
                planned++;
            }
        }
        assertThat(planned).isGreaterThan(50);
    }

    /** Shapes DirectMappers does not run: no row count from an update, a map for a row. */
    interface UnsupportedShapes {
        @Update("UPDATE author SET name = #{name} WHERE id = #{id}")
        void rename(@Param("id") long id, @Param("name") String name);

        @Select("SELECT id, name FROM author WHERE id = #{id}")
        Map<String, Object> row(long id);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aMethodOfAnotherShapeFailsTheOpenNamingIt(Backend backend) throws NoSuchMethodException {
        Configuration configuration = configuration(backend);
        configuration.addMapper(UnsupportedShapes.class);
        assertThatThrownBy(() -> new DirectMappers(configuration).planAll())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageMatching("UnsupportedShapes\\.(rename|row): statement shape not supported by DirectMappers");
        DirectMappers mappers = new DirectMappers(configuration);
        assertThatThrownBy(() -> mappers.planOne(UnsupportedShapes.class,
                UnsupportedShapes.class.getMethod("rename", long.class, String.class)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("UnsupportedShapes.rename: statement shape not supported by DirectMappers");
        assertThatThrownBy(() -> mappers.planOne(UnsupportedShapes.class,
                UnsupportedShapes.class.getMethod("row", long.class)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("UnsupportedShapes.row: statement shape not supported by DirectMappers");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aMethodForAnotherDatabaseOnlyHasNoStatementHere(Backend backend) throws NoSuchMethodException {
        DirectMappers mappers = new DirectMappers(configuration(backend));
        Method sqliteOnly = BookMapper.class.getMethod("selectMaxId");
        mappers.planAll(); // skips it on PostgreSQL instead of failing the open
        if (backend == Backend.SQLITE) {
            mappers.planOne(BookMapper.class, sqliteOnly);
        } else {
            assertThatThrownBy(() -> mappers.planOne(BookMapper.class, sqliteOnly))
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
        Configuration configuration = configuration(backend);
        configuration.addMapper(MultiRowShapes.class);
        DirectMappers mappers = new DirectMappers(configuration);

        mappers.planOne(MultiRowShapes.class, MultiRowShapes.class.getMethod("oneValuesRow", long.class, long.class));
        for (String bad : List.of("selectNotValues", "somethingAfterTheRow", "placeholderMissing", "tooManyPlaceholders")) {
            Method method = MultiRowShapes.class.getMethod(bad, long.class, long.class);
            assertThatThrownBy(() -> mappers.planOne(MultiRowShapes.class, method)).as(bad)
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("@MultiRowInsert")
                    .hasMessageContaining("MultiRowShapes." + bad);
        }
    }
}
