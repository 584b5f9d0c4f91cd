package org.elibrary.internal.db;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Properties;

/** A new physical connection per call, straight from the driver: used to migrate before the pool opens. */
final class DriverDataSource extends PlainDataSource implements MigrationConnections {
    private final Driver driver;
    private final String url;
    private final Properties properties;
    /** Run on each new connection of {@link #getConnection()}, or null. */
    private final String initSql;
    /** {@link #localSettingsSql()}. */
    private final String localSql;

    DriverDataSource(Driver driver, String url, Properties properties, String initSql, String localSql) {
        this.driver = driver;
        this.url = url;
        this.properties = properties;
        this.initSql = initSql;
        this.localSql = localSql;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection connection = getConnectionWithoutSettings();
        if (initSql != null) {
            try (Statement statement = connection.createStatement()) {
                statement.execute(initSql);
            } catch (SQLException e) {
                connection.close();
                throw e;
            }
        }
        return connection;
    }

    @Override
    public Connection getConnectionWithoutSettings() throws SQLException {
        Connection connection = driver.connect(url, properties);
        if (connection == null) {
            throw new SQLException("the driver does not accept the URL", "08001");
        }
        return connection;
    }

    @Override
    public String localSettingsSql() {
        return localSql;
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException();
    }
}
