package org.elibrary.internal.schema;

import javax.sql.DataSource;
import org.elibrary.Backend;
import org.flywaydb.core.Flyway;

/**
 * Brings a database to the schema this library needs, with the SQL migrations of library-migrations
 * ({@code classpath:db/migration/<backend>}).
 *
 * <p>SEAM: minimal version; the foundation work adds adoption of databases made by the Python app,
 * foreign-key checks, refusal of foreign schemas and typed errors.
 */
public final class SchemaMigrator {
    private SchemaMigrator() {
    }

    public static void migrate(DataSource dataSource, Backend backend) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration/" + backend.name().toLowerCase(java.util.Locale.ROOT))
                .load()
                .migrate();
    }
}
