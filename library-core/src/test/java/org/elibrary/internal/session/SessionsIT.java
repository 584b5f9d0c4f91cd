package org.elibrary.internal.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.elibrary.Backend;
import org.elibrary.DatabaseUnavailableException;
import org.elibrary.LibrarySettings;
import org.elibrary.internal.db.Database;
import org.elibrary.internal.db.Databases;
import org.elibrary.internal.mapper.UserMapper;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sqlite.SQLiteConnection;

/**
 * A write whose connection breaks in the middle of its transaction: the call fails with DatabaseUnavailableException,
 * what it wrote before the break is not there, and the broken connection is never handed to a later call
 * (on SQLite the writer pool has one connection, so the very next write would get it).
 */
class SessionsIT {

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aConnectionThatBreaksMidTransactionFailsTheCallAndServesNoOtherCall(Backend backend) throws Exception {
        String url = TestDatabases.newDatabaseUrl(backend);
        try (Database database = Databases.open(LibrarySettings.builder().databaseUrl(url).build())) {
            // as Library.open makes them for its own pools: statements cached, SQLite transactions as BEGIN/COMMIT
            Sessions sessions = new Sessions(database, Duration.ofSeconds(30), true, null, "DATABASE_READ_ONLY=true");
            try {
                for (int attempt = 1; attempt <= 3; attempt++) {
                    String lost = "lost" + attempt;
                    assertThatThrownBy(() -> sessions.write(null, uow -> {
                        UserMapper users = uow.mapper(UserMapper.class);
                        users.insert(lost);
                        breakConnection(backend, url, uow.connection());
                        return users.insert(lost + "-after");
                    })).isInstanceOf(DatabaseUnavailableException.class);

                    String kept = "kept" + attempt;
                    long id = sessions.write(null, uow -> uow.mapper(UserMapper.class).insert(kept));
                    assertThat(id).isPositive();
                }
            } finally {
                sessions.close(Duration.ZERO);
            }
        }
        try (Connection connection = DriverManager.getConnection(url);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT username FROM \"user\" ORDER BY id")) {
            StringBuilder usernames = new StringBuilder();
            while (rows.next()) {
                usernames.append(rows.getString(1)).append(' ');
            }
            assertThat(usernames.toString().trim()).isEqualTo("kept1 kept2 kept3");
        }
    }

    /**
     * SQLite: the physical connection is closed under the transaction (ROLLBACK then fails too). PostgreSQL: the
     * server ends the session, as a restart or an administrator would.
     */
    private static void breakConnection(Backend backend, String url, Connection connection) {
        try {
            if (backend == Backend.SQLITE) {
                connection.unwrap(SQLiteConnection.class).close();
                return;
            }
            int pid;
            try (Statement statement = connection.createStatement();
                 ResultSet row = statement.executeQuery("SELECT pg_backend_pid()")) {
                row.next();
                pid = row.getInt(1);
            }
            try (Connection admin = DriverManager.getConnection(url);
                 Statement statement = admin.createStatement()) {
                statement.execute("SELECT pg_terminate_backend(" + pid + ")");
            }
        } catch (SQLException e) {
            throw new AssertionError("could not break the connection", e);
        }
    }
}
