package org.elibrary.internal.schema;

import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

/**
 * Remembers which migration of one {@code migrate()} failed, for the library's message: Flyway's public API
 * names it only to callbacks ({@link Event#AFTER_EACH_MIGRATE_ERROR}); the exception that carries it
 * ({@code FlywayMigrateException}) is in Flyway's internal packages, which change between releases. One
 * instance per Flyway object, which serves one call.
 */
final class FailedMigration implements Callback {
    private MigrationInfo migration;

    @Override
    public boolean supports(Event event, Context context) {
        return event == Event.AFTER_EACH_MIGRATE_ERROR;
    }

    /** No SQL here: on PostgreSQL the failed migration's transaction can run no more statements. */
    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return false;
    }

    @Override
    public void handle(Event event, Context context) {
        migration = context.getMigrationInfo();
    }

    @Override
    public String getCallbackName() {
        return "elibrary: the failed migration, for the error message";
    }

    /** {@return the migration that failed, or null when none did (or Flyway failed before or after one)} */
    MigrationInfo migration() {
        return migration;
    }
}
