package org.elibrary.internal.schema;

import java.sql.SQLException;
import java.util.List;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

/**
 * PostgreSQL, adopting a Python-app database: after the last pending migration, in the transaction that
 * applies them all, brings the id sequences up to the tables' rows ({@link IdSequences#catchUp}). Last, so
 * that a migration that fails leaves the sequences as they were: PostgreSQL would not undo a {@code setval}
 * with the rest; and in that transaction, so that a sequence the user may not set fails the adoption as a
 * whole. One instance per migrate.
 */
final class SequencesCaughtUp implements Callback {
    private final String display;
    private String lastVersion;
    private List<String> moved;

    SequencesCaughtUp(String display) {
        this.display = display;
    }

    /** Arms the callback for the migration of this version, the last one pending. */
    void after(String version) {
        this.lastVersion = version;
    }

    /** {@return the sentences of {@link IdSequences#catchUp}, or null when it has not run} */
    List<String> moved() {
        return moved;
    }

    @Override
    public boolean supports(Event event, Context context) {
        return event == Event.AFTER_EACH_MIGRATE;
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return true;
    }

    @Override
    public void handle(Event event, Context context) {
        MigrationInfo migration = context.getMigrationInfo();
        if (lastVersion == null || migration == null || migration.getVersion() == null
                || !migration.getVersion().getVersion().equals(lastVersion)) {
            return;
        }
        try {
            moved = IdSequences.catchUp(context.getConnection(), display);
        } catch (SQLException e) {
            throw new FlywayException("cannot bring the id sequences up to the tables' rows: " + e.getMessage(), e);
        }
    }

    @Override
    public String getCallbackName() {
        return "elibrary: id sequences caught up on adoption";
    }
}
