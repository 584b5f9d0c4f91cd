package org.elibrary.internal.db;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;

/**
 * A new physical connection per call, straight from the driver: the PostgreSQL migration connections, used
 * before the pool opens. Their settings are startup options ({@code -c name=value} in pgjdbc's
 * {@code options}, after the URL's own), never {@code SET}: a session setting made through a transaction
 * pooler (PgBouncer's pool_mode=transaction) stays on the server connection that ran it, for that connection's
 * next clients, while a startup option is either the server's own for this one session, or refused or ignored
 * by the pooler. A pooler that refuses it (PgBouncer without {@code ignore_startup_parameters = options}) gets
 * connections without it; the migration then makes the settings transaction-local
 * ({@link #localSettingsSql()}).
 */
final class DriverDataSource extends PlainDataSource implements MigrationConnections {
    /** PgBouncer's refusal of a startup parameter it does not know. */
    private static final String REFUSED_OPTIONS = "unsupported startup parameter: options";

    private final Driver driver;
    private final String url;
    private final Properties plain;
    private final Properties withSettings;
    private final String localSql;
    /** Set once a connection was refused for its startup options: later ones are asked for without them. */
    private volatile boolean optionsRefused;

    /**
     * @param options    the settings as startup options ({@code -c statement_timeout=0 …})
     * @param localSql   the same as {@code SET LOCAL …; } statements
     */
    DriverDataSource(Driver driver, String jdbcUrl, Properties properties, String options, String localSql) {
        this.driver = driver;
        this.url = withoutQuery(jdbcUrl);
        this.plain = withOptions(jdbcUrl, properties, "");
        this.withSettings = withOptions(jdbcUrl, properties, options);
        this.localSql = localSql;
    }

    /** {@code jdbcUrl} without its query, whose parameters would override the properties' (see withOptions). */
    static String withoutQuery(String jdbcUrl) {
        int query = jdbcUrl.indexOf('?');
        return query < 0 ? jdbcUrl : jdbcUrl.substring(0, query);
    }

    /**
     * {@code properties} with the parameters of {@code jdbcUrl}'s query, and {@code options} (startup options,
     * {@code -c name=value …}, or empty) after the URL's own {@code options}: for {@link #withoutQuery}.
     */
    static Properties withOptions(String jdbcUrl, Properties properties, String options) {
        Properties parsed = org.postgresql.Driver.parseURL(jdbcUrl, properties);
        Properties merged = new Properties();
        merged.putAll(parsed != null ? parsed : properties);
        if (!options.isEmpty()) {
            String own = merged.getProperty("options");
            merged.setProperty("options", own == null || own.isBlank() ? options : own + " " + options);
        }
        return merged;
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (optionsRefused) {
            return getConnectionWithoutSettings();
        }
        try {
            return connect(withSettings);
        } catch (SQLException e) {
            if (!String.valueOf(e.getMessage()).contains(REFUSED_OPTIONS)) {
                throw e;
            }
            optionsRefused = true;
            return getConnectionWithoutSettings();
        }
    }

    @Override
    public Connection getConnectionWithoutSettings() throws SQLException {
        return connect(plain);
    }

    private Connection connect(Properties properties) throws SQLException {
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
