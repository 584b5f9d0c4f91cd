package org.elibrary.internal.session;

import java.sql.Connection;
import java.sql.SQLException;
import org.elibrary.internal.mapper.SearchQuery;
import org.sqlite.Function;
import org.sqlite.SQLiteConnection;

/**
 * SQL functions the library registers on a SQLite connection right before a statement that needs them
 * (registration is per connection, and pooled connections may come from a caller's pool).
 */
final class SqliteFunctions {
    /** Unicode case folding for the short-query search scan: SQLite's lower() folds ASCII only. */
    static final String FOLD = "elib_fold";

    private SqliteFunctions() {
    }

    static void registerFold(Connection connection) throws SQLException {
        // A Function instance holds per-call state, so each connection gets its own.
        Function.create(connection.unwrap(SQLiteConnection.class), FOLD, new Fold(), 1, Function.FLAG_DETERMINISTIC);
    }

    private static final class Fold extends Function {
        @Override
        protected void xFunc() throws SQLException {
            String text = value_text(0);
            if (text == null) {
                result();
            } else {
                result(SearchQuery.fold(text));
            }
        }
    }
}
