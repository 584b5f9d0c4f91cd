package org.elibrary.internal.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.elibrary.Backend;
import org.elibrary.LibrarySettings;
import org.elibrary.internal.schema.SchemaMigrator;

/**
 * SEAM (minimal): opens the connections a Library works with. The foundation work replaces the bodies
 * (SQLite pragmas, write lane, :memory:, migration before pools open, typed errors); the signatures stay.
 */
public final class Databases {
    private Databases() {
    }

    /** Opens pools owned by the returned Database (closed with it), migrating first when the settings say so. */
    public static Database open(LibrarySettings settings) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.jdbcUrl());
        config.setMaximumPoolSize(settings.maxPoolSize());
        HikariDataSource pool = new HikariDataSource(config);
        if (settings.migrateOnOpen()) {
            SchemaMigrator.migrate(pool, settings.backend());
        }
        return new Database(settings.backend(), pool, pool, settings.maxPoolSize(), pool);
    }

    /** Wraps a caller's DataSource (never closed by the library), migrating first when the settings say so. */
    public static Database borrow(DataSource dataSource, Backend backend, boolean migrate, int concurrency) {
        if (migrate) {
            SchemaMigrator.migrate(dataSource, backend);
        }
        return Database.borrow(dataSource, backend, concurrency);
    }
}
