package org.elibrary.internal.session;

import java.time.Duration;
import org.apache.ibatis.session.Configuration;
import org.elibrary.Backend;
import org.elibrary.internal.mapper.AuthorMapper;
import org.elibrary.internal.mapper.BookMapper;
import org.elibrary.internal.mapper.CatalogMapper;
import org.elibrary.internal.mapper.CommentMapper;
import org.elibrary.internal.mapper.UserMapper;

/**
 * Builds the one MyBatis configuration of a Library (no mybatis-config.xml: mapper XML sits beside each interface).
 * MyBatis parses the mapper XML, picks each statement for this database ({@code databaseId}) and renders dynamic
 * SQL; the statements themselves run through {@link DirectMappers}, never through a MyBatis session, so the
 * configuration holds nothing for MyBatis's executor, caches or auto-mapping.
 */
final class CatalogConfiguration {
    private CatalogConfiguration() {
    }

    static Configuration create(Backend backend, Duration statementTimeout) {
        Configuration configuration = new Configuration();
        configuration.setDatabaseId(backend == Backend.SQLITE ? "sqlite" : "postgresql");
        // Only PostgreSQL, and only where the server does not time statements itself (Library passes null then):
        // sqlite-jdbc implements a query timeout by replacing the connection's busy timeout for the statement
        // (so it would override SQLITE_BUSY_TIMEOUT, and costs two native calls per statement); an async SQLite
        // call is stopped by an interrupt on timeout instead (CancellableDataSource).
        if (backend == Backend.POSTGRESQL && statementTimeout != null && !statementTimeout.isZero()
                && !statementTimeout.isNegative()) {
            configuration.setDefaultStatementTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE,
                    (statementTimeout.toMillis() + 999) / 1000)));
        }
        configuration.addMapper(AuthorMapper.class);
        configuration.addMapper(BookMapper.class);
        configuration.addMapper(UserMapper.class);
        configuration.addMapper(CommentMapper.class);
        configuration.addMapper(CatalogMapper.class);
        return configuration;
    }
}
