package org.elibrary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.sql.DataSource;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * A DataSource wrapped in Spring's TransactionAwareDataSourceProxy hands out the connection of the Spring
 * transaction under way; the library, which commits and rolls back transactions of its own, committed the
 * Spring transaction that was to roll back and left its connection in autocommit (Spring's rollback then
 * failed). Such a proxy is refused at open (Migrations.from too: MigrationsIT); the DataSource it wraps opens.
 */
class SpringTransactionProxyIT {

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aTransactionAwareProxyIsRefusedAndItsTargetOpens(Backend backend) {
        DataSource target = dataSource(backend);
        TransactionAwareDataSourceProxy proxy = new TransactionAwareDataSourceProxy(target);
        String advice = "the DataSource is a TransactionAwareDataSourceProxy, which hands out the connection of a "
                + "Spring transaction: the library runs transactions of its own and would commit or end Spring's; "
                + "pass the DataSource it wraps (getTargetDataSource())";
        assertThatThrownBy(() -> Library.open(proxy)).isExactlyInstanceOf(ConfigurationException.class)
                .hasMessage(advice);
        assertThatThrownBy(() -> Library.open(proxy, false)).isExactlyInstanceOf(ConfigurationException.class)
                .hasMessage(advice);
        // a subclass is the same proxy
        assertThatThrownBy(() -> Library.open(new TransactionAwareDataSourceProxy(target) { }))
                .isExactlyInstanceOf(ConfigurationException.class).hasMessage(advice);
        try (Library library = Library.open(proxy.getTargetDataSource())) {
            assertThat(library.books().create("Война и мир").title()).isEqualTo("Война и мир");
        }
    }

    private static DataSource dataSource(Backend backend) {
        if (backend == Backend.SQLITE) {
            SQLiteConfig config = new SQLiteConfig();
            config.enforceForeignKeys(true);
            SQLiteDataSource sqlite = new SQLiteDataSource(config);
            sqlite.setUrl(TestDatabases.newSqliteUrl());
            return sqlite;
        }
        PGSimpleDataSource postgres = new PGSimpleDataSource();
        postgres.setURL(TestDatabases.newPostgresUrl());
        return postgres;
    }
}
