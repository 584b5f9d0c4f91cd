package org.elibrary.internal.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.elibrary.Backend;
import org.elibrary.internal.mapper.AuthorMapper;
import org.elibrary.internal.mapper.BookMapper;
import org.elibrary.internal.mapper.CatalogMapper;
import org.elibrary.internal.mapper.CommentMapper;
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
        for (Class<?> mapper : MAPPERS) {
            for (Method method : mapper.getDeclaredMethods()) {
                if (method.isSynthetic() || method.isDefault()) {
                    continue;
                }
                assertThat(mappers.runsDirectly(mapper, method))
                        .as("%s.%s on %s", mapper.getSimpleName(), method.getName(), backend).isTrue();
            }
        }
    }
}
