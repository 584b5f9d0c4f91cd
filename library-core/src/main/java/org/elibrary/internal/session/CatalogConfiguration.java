package org.elibrary.internal.session;

import java.time.Duration;
import java.util.Properties;
import javax.sql.DataSource;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.AutoMappingBehavior;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.ExecutorType;
import org.apache.ibatis.session.LocalCacheScope;
import org.apache.ibatis.transaction.managed.ManagedTransactionFactory;
import org.elibrary.Backend;
import org.elibrary.internal.mapper.AuthorMapper;
import org.elibrary.internal.mapper.BookMapper;
import org.elibrary.internal.mapper.CatalogMapper;
import org.elibrary.internal.mapper.CommentMapper;
import org.elibrary.internal.mapper.UserMapper;

/** Builds the one MyBatis configuration of a Library (no mybatis-config.xml: mapper XML sits beside each interface). */
final class CatalogConfiguration {
    private CatalogConfiguration() {
    }

    static Configuration create(Backend backend, Duration statementTimeout, DataSource dataSource) {
        // The library opens, commits and closes connections itself; MyBatis only runs statements on them.
        ManagedTransactionFactory transactions = new ManagedTransactionFactory();
        Properties properties = new Properties();
        properties.setProperty("closeConnection", "false");
        transactions.setProperties(properties);

        Configuration configuration = new Configuration(new Environment("elibrary", transactions, dataSource));
        configuration.setDatabaseId(backend == Backend.SQLITE ? "sqlite" : "postgresql");
        configuration.setMapUnderscoreToCamelCase(true);
        configuration.setArgNameBasedConstructorAutoMapping(true);
        configuration.setObjectFactory(new RecordObjectFactory());
        configuration.setAutoMappingBehavior(AutoMappingBehavior.PARTIAL);
        // Sessions live for one call; a session-wide cache would only risk stale reads inside a transaction.
        configuration.setLocalCacheScope(LocalCacheScope.STATEMENT);
        configuration.setCacheEnabled(false);
        configuration.setDefaultExecutorType(ExecutorType.REUSE);
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
