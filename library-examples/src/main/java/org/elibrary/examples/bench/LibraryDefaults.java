package org.elibrary.examples.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.elibrary.Backend;
import org.elibrary.Library;
import org.elibrary.LibrarySettings;

/** The library's defaults the baseline copies (so both sides run with the same pools), and what they were. */
final class LibraryDefaults {
    private LibraryDefaults() {
    }

    /**
     * The settings a library opened on this URL gets by default: pool size (SQLite: its reader pool, beside
     * one writer connection), SQLite synchronous level and busy timeout.
     */
    static LibrarySettings forUrl(String jdbcUrl) {
        return LibrarySettings.builder().databaseUrl(jdbcUrl).build();
    }

    /** What a library opened with these settings runs with, for the output's settings line. */
    static Map<String, Object> describe(Library library, LibrarySettings settings, String jdbcUrl) {
        Map<String, Object> described = new LinkedHashMap<>();
        if (library.backend() == Backend.SQLITE) {
            // journal_mode is stored in the file, so another connection sees it
            described.put("journal_mode", sqlitePragma(jdbcUrl, "journal_mode"));
            // per-connection pragmas: the library reads them back from its pools at open and fails if one is
            // not in force, so its settings are what ran
            described.put("synchronous", settings.sqliteSynchronous().name());
            described.put("foreign_keys", "1");
            described.put("busy_timeout", Long.toString(settings.sqliteBusyTimeout().toMillis()));
            described.put("transaction_mode_writer", "IMMEDIATE");
            described.put("pool_writer", 1);
            described.put("pool_readers", settings.poolSize());
        } else {
            described.putAll(JdbcImpl.postgresSettings(jdbcUrl));
            described.put("pool", settings.poolSize());
        }
        described.put("statement_timeout_s", settings.statementTimeout().toSeconds());
        return described;
    }

    private static String sqlitePragma(String jdbcUrl, String pragma) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("PRAGMA " + pragma)) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read PRAGMA " + pragma + ": " + e.getMessage(), e);
        }
    }
}
