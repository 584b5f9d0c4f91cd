package org.elibrary.internal.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.apache.ibatis.exceptions.PersistenceException;
import org.elibrary.Backend;
import org.elibrary.ConfigurationException;
import org.elibrary.DatabaseUnavailableException;
import org.elibrary.DuplicateException;
import org.elibrary.InvalidInputException;
import org.elibrary.LibraryException;
import org.elibrary.NotFoundException;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

class SqlErrorsTest {

    @Test
    void sqliteUniqueAndPrimaryKeyBecomeDuplicates() {
        SQLiteException unique = new SQLiteException(
                "[SQLITE_CONSTRAINT_UNIQUE] A UNIQUE constraint failed (UNIQUE constraint failed: book.title)",
                SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE);
        RuntimeException translated = SqlErrors.translate(new PersistenceException(unique), Backend.SQLITE, false,
                null);
        assertThat(translated).isInstanceOfSatisfying(DuplicateException.class, e -> {
            assertThat(e.field()).isEqualTo("book.title");
            assertThat(e.getCause()).isSameAs(unique);
        });
        SQLiteException pk = new SQLiteException(
                "[SQLITE_CONSTRAINT_PRIMARYKEY] (UNIQUE constraint failed: author_book.author_id, author_book.book_id)",
                SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY);
        assertThat(SqlErrors.translate(pk, Backend.SQLITE, false, null))
                .isInstanceOfSatisfying(DuplicateException.class, e -> assertThat(e.field()).isEqualTo("author_book"));
    }

    @Test
    void anInterruptedWaitForAConnectionSaysSoOnBothDatabases() {
        SQLException interrupted = new SQLException("pool - Interrupted during connection acquisition",
                new InterruptedException());
        for (Backend backend : Backend.values()) {
            assertThat(SqlErrors.translate(interrupted, backend, false, null))
                    .isInstanceOf(DatabaseUnavailableException.class)
                    .hasMessageStartingWith("interrupted while waiting for a database connection");
        }
    }

    @Test
    void sqliteForeignKeyBusyAndInterrupt() {
        assertThat(SqlErrors.translate(new SQLiteException("fk", SQLiteErrorCode.SQLITE_CONSTRAINT_FOREIGNKEY),
                Backend.SQLITE, false, null)).isInstanceOf(NotFoundException.class);
        assertThat(SqlErrors.translate(new SQLiteException("busy", SQLiteErrorCode.SQLITE_BUSY), Backend.SQLITE, false,
                null))
                .isInstanceOf(DatabaseUnavailableException.class);
        assertThat(SqlErrors.translate(new SQLiteException("locked", SQLiteErrorCode.SQLITE_LOCKED_SHAREDCACHE),
                Backend.SQLITE, false, null)).isInstanceOf(DatabaseUnavailableException.class);
        assertThat(SqlErrors.translate(new SQLiteException("interrupted", SQLiteErrorCode.SQLITE_INTERRUPT),
                Backend.SQLITE, false, null)).hasMessageContaining("timed out");
    }

    @Test
    void aForeignKeyFailureNamesTheRowTheUnitSaidItReferences() {
        UnitOfWork byId = new UnitOfWork(Backend.SQLITE, null, null);
        byId.referencing("book", 42L);
        assertThat(SqlErrors.translate(new SQLiteException("fk", SQLiteErrorCode.SQLITE_CONSTRAINT_FOREIGNKEY),
                Backend.SQLITE, false, byId)).isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.entity()).isEqualTo("book");
                    assertThat(e.key()).isEqualTo("id=42");
                });
        UnitOfWork byKey = new UnitOfWork(Backend.SQLITE, null, null);
        byKey.referencing("user", "username=anna");
        assertThat(SqlErrors.translate(new SQLiteException("fk", SQLiteErrorCode.SQLITE_CONSTRAINT_FOREIGNKEY),
                Backend.SQLITE, false, byKey)).isInstanceOfSatisfying(NotFoundException.class,
                        e -> assertThat(e.key()).isEqualTo("username=anna"));
    }

    @Test
    void postgresStatesMapToTheSameClasses() {
        ServerErrorMessage detail = new ServerErrorMessage(
                "SERROR\0C23505\0Mduplicate key\0DKey (username)=(anna) already exists.\0tuser\0");
        assertThat(SqlErrors.translate(new PSQLException(detail), Backend.POSTGRESQL, false, null))
                .isInstanceOfSatisfying(DuplicateException.class, e -> {
                    assertThat(e.field()).isEqualTo("user.username");
                    assertThat(e.value()).isEqualTo("anna");
                });
        assertThat(SqlErrors.translate(new SQLException("fk", "23503"), Backend.POSTGRESQL, false, null))
                .isInstanceOf(NotFoundException.class);
        ServerErrorMessage fk = new ServerErrorMessage(
                "SERROR\0C23503\0Mfk\0DKey (user_id)=(777) is not present in table \"user\".\0tcomment\0");
        assertThat(SqlErrors.translate(new PSQLException(fk), Backend.POSTGRESQL, false, null))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.entity()).isEqualTo("user");
                    assertThat(e.key()).isEqualTo("id=777");
                });
        assertThat(SqlErrors.translate(new SQLException("cancel", "57014"), Backend.POSTGRESQL, false, null))
                .isInstanceOf(DatabaseUnavailableException.class).hasMessageContaining("timed out");
        assertThat(SqlErrors.translate(new SQLException("gone", "08006"), Backend.POSTGRESQL, false, null))
                .isInstanceOf(DatabaseUnavailableException.class);
        assertThat(SqlErrors.translate(new SQLException("shutdown", "57P01"), Backend.POSTGRESQL, false, null))
                .isInstanceOf(DatabaseUnavailableException.class);
        assertThat(SqlErrors.translate(new SQLTransientConnectionException("pool timeout"), Backend.POSTGRESQL, false,
                null))
                .isInstanceOf(DatabaseUnavailableException.class);
    }

    @Test
    void anUnknownPostgresStateCarriesTheServersPrimaryMessageButNotItsDetail() {
        ServerErrorMessage idle = new ServerErrorMessage("SFATAL\0C25P03\0Mterminating connection due to "
                + "idle-in-transaction timeout\0DKey (title)=(a secret row value)\0");
        assertThat(SqlErrors.translate(new PSQLException(idle), Backend.POSTGRESQL, false, null))
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessageStartingWith("terminating connection due to idle-in-transaction timeout (SQLState 25P03): "
                        + "the transaction stayed idle")
                .hasMessageContaining("idle_in_transaction_session_timeout")
                .hasMessageNotContaining("secret");
        ServerErrorMessage unknown = new ServerErrorMessage("SERROR\0C22003\0Mvalue out of range\0"
                + "DKey (title)=(a secret row value)\0");
        assertThat(SqlErrors.translate(new PSQLException(unknown), Backend.POSTGRESQL, false, null))
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessage("database error: value out of range (SQLState 22003)");
        ServerErrorMessage tooMany = new ServerErrorMessage("SFATAL\0C53300\0Mtoo many connections for role "
                + "\"app\"\0");
        assertThat(SqlErrors.translate(new PSQLException(tooMany), Backend.POSTGRESQL, false, null))
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessage("the database is unavailable: too many connections for role \"app\" (SQLState 53300)");
    }

    @Test
    void aFullDiskSaysSoAndWhatToDoAlikeOnBothDatabases() {
        // as the embedded server said it with a tablespace on a full tmpfs
        ServerErrorMessage full = new ServerErrorMessage("SERROR\0C53100\0Mcould not extend file "
                + "\"pg_tblspc/16384/PG_17_202406281/16385/16438_fsm\": No space left on device\0"
                + "HCheck free disk space.\0");
        assertThat(SqlErrors.translate(new PSQLException(full), Backend.POSTGRESQL, false, null))
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessage("the disk is full (could not extend file \"pg_tblspc/16384/PG_17_202406281/16385/"
                        + "16438_fsm\": No space left on device (SQLState 53100)): the call's transaction was rolled "
                        + "back, nothing it wrote was kept, and reads still work; free space on the database "
                        + "server's disk (its data directory, or the tablespace holding the file named), then retry");
        SQLiteException sqliteFull = new SQLiteException("[SQLITE_FULL] Insertion failed because database is full "
                + "(database or disk is full)", SQLiteErrorCode.SQLITE_FULL);
        assertThat(SqlErrors.translate(sqliteFull, Backend.SQLITE, false, null))
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessage("the disk is full ([SQLITE_FULL] Insertion failed because database is full (database or "
                        + "disk is full)): the call's transaction was rolled back, nothing it wrote was kept, and "
                        + "reads still work; free space on the disk of the SQLite file (its -wal and temporary files "
                        + "grow there too), or raise its PRAGMA max_page_count if one is set, then retry");
    }

    @Test
    void permanentPostgresRefusalsAreConfigurationErrorsSayingWhatToDo() {
        ServerErrorMessage denied = new ServerErrorMessage(
                "SERROR\0C42501\0Mpermission denied for table author\0");
        assertThat(SqlErrors.translate(new PSQLException(denied), Backend.POSTGRESQL, false, null))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("permission denied for table author (SQLState 42501): the database role may "
                        + "not read or write that table")
                .hasMessageContaining("another DATABASE_URL");
        ServerErrorMessage readOnly = new ServerErrorMessage(
                "SERROR\0C25006\0Mcannot execute INSERT in a read-only transaction\0");
        // often for a while only (a failover, an operator's switch): retrying may work, so an outage
        assertThat(SqlErrors.translate(new PSQLException(readOnly), Backend.POSTGRESQL, false, null))
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessageContaining("cannot execute INSERT in a read-only transaction (SQLState 25006)")
                .hasMessageContaining("the database is read-only for now")
                .hasMessageContaining("retry later, or point DATABASE_URL at the primary");
        // a row-level security policy is 42501 too: the role has its grants, so no advice to grant them
        ServerErrorMessage policy = new ServerErrorMessage(
                "SERROR\0C42501\0Mnew row violates row-level security policy for table \"book\"\0");
        assertThat(SqlErrors.translate(new PSQLException(policy), Backend.POSTGRESQL, false, null))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("the database refused the role: new row violates row-level security policy for table "
                        + "\"book\" (SQLState 42501)");
        for (String state : new String[] {"22P05", "22021"}) {
            ServerErrorMessage encoding = new ServerErrorMessage("SERROR\0C" + state + "\0Mcharacter with byte "
                    + "sequence 0xd0 0x92 in encoding \"UTF8\" has no equivalent in encoding \"LATIN1\"\0");
            assertThat(SqlErrors.translate(new PSQLException(encoding), Backend.POSTGRESQL, false, null))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("has no equivalent in encoding \"LATIN1\" (SQLState " + state + ")")
                    .hasMessageContaining("the library needs a UTF8 database");
        }
    }

    /**
     * Behind PgBouncer's transaction pooling without prepareThreshold=0, pgjdbc's named statements meet other
     * server connections: these were DatabaseUnavailableExceptions ("database error: …", retry later), which
     * retrying never fixes.
     */
    @Test
    void preparedStatementsLostBehindATransactionPoolerAreAConfigurationErrorSayingWhatToAdd() {
        String[][] refusals = {
            {"42P05", "prepared statement \"S_1\" already exists", "exec_parse_message"},
            {"26000", "prepared statement \"S_115\" does not exist", "FetchPreparedStatement"},
            {"08P01", "bind message has 2 result formats but query has 5 columns", "PortalSetResultFormat"},
            {"08P01", "bind message supplies 2 parameters, but prepared statement \"S_3\" requires 1",
                "exec_bind_message"},
        };
        for (String[] refusal : refusals) {
            PSQLException e = new PSQLException(new ServerErrorMessage("SERROR\0VERROR\0C" + refusal[0] + "\0M"
                    + refusal[1] + "\0Dsecret detail\0R" + refusal[2] + "\0"));
            assertThat(SqlErrors.translate(e, Backend.POSTGRESQL, false, null))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessage(refusal[1] + " (SQLState " + refusal[0] + "): the connection goes through a pooler "
                            + "in transaction mode (PgBouncer's pool_mode = transaction, for one), which does not "
                            + "keep the driver's prepared statements; add prepareThreshold=0 to a jdbc:postgresql: "
                            + "DATABASE_URL or prepared_statement_cache_size=0 to a SQLAlchemy one, or use session "
                            + "pooling")
                    .hasCause(e);
        }
        // other protocol violations stay outages: a pooler's own (no routine), a FATAL one that ends the connection
        ServerErrorMessage pooler = new ServerErrorMessage("SERROR\0C08P01\0Mquery_wait_timeout\0");
        assertThat(SqlErrors.translate(new PSQLException(pooler), Backend.POSTGRESQL, false, null))
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessage("the database is unavailable: query_wait_timeout (SQLState 08P01)");
        ServerErrorMessage fatal = new ServerErrorMessage("SFATAL\0C08P01\0Minvalid frontend message type 0\0"
                + "RSocketBackend\0");
        assertThat(SqlErrors.translate(new PSQLException(fatal), Backend.POSTGRESQL, false, null))
                .isInstanceOf(DatabaseUnavailableException.class);
    }

    /**
     * A commit the server answered with an ERROR is known not committed, whatever became of the rollback after
     * it: it used to be "whether the call was committed is unknown". A FATAL error or a broken connection is
     * not an answer.
     */
    @Test
    void aCommitTheServerAnsweredWithAnErrorSaysNothingWasCommittedAndWhatTheServerSaid() {
        PSQLException squatted = new PSQLException(new ServerErrorMessage(
                "SERROR\0C42P05\0Mprepared statement \"S_1\" already exists\0Rexec_parse_message\0"));
        assertThat(SqlErrors.answeredWithError(new PersistenceException(squatted))).isTrue();
        LibraryException translated = SqlErrors.translate(squatted, Backend.POSTGRESQL, false, null);
        assertThat(SqlErrors.notCommitted(translated, squatted))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("the database answered the commit with an error, so nothing of the call was "
                        + "committed: prepared statement \"S_1\" already exists (SQLState 42P05): the connection goes "
                        + "through a pooler in transaction mode")
                .hasMessageEndingWith("or use session pooling")
                .hasCause(translated);
        PSQLException conflict = new PSQLException(new ServerErrorMessage("SERROR\0C40001\0Mcould not serialize "
                + "access due to read/write dependencies among transactions\0Dsecret detail\0"));
        assertThat(SqlErrors.notCommitted(SqlErrors.translate(conflict, Backend.POSTGRESQL, false, null), conflict))
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessage("the database answered the commit with an error, so nothing of the call was committed: "
                        + "transaction conflicted with another one; retry it (could not serialize access due to "
                        + "read/write dependencies among transactions (SQLState 40001))");
        assertThat(SqlErrors.answeredWithError(new PSQLException(new ServerErrorMessage(
                "SFATAL\0C57P01\0Mterminating connection due to administrator command\0")))).isFalse();
        assertThat(SqlErrors.answeredWithError(new PSQLException("An I/O error occurred while sending to the "
                + "backend.", null))).isFalse();
        assertThat(SqlErrors.answeredWithError(new SQLException("database is locked", "SQLITE_BUSY"))).isFalse();
        // a pooler's word for a server connection that went away mid-COMMIT (PgBouncer sends it as an ERROR):
        // the server may have committed
        assertThat(SqlErrors.answeredWithError(new PSQLException(new ServerErrorMessage(
                "SERROR\0C08P01\0Mserver conn crashed?\0")))).isFalse();
        assertThat(SqlErrors.answeredWithError(new PSQLException(new ServerErrorMessage(
                "SERROR\0C57P01\0Mterminating connection due to administrator command\0")))).isFalse();
        // the server's own bind error is an answer
        assertThat(SqlErrors.answeredWithError(new PSQLException(new ServerErrorMessage(
                "SERROR\0C08P01\0Mbind message has 2 result formats but query has 5 columns\0"
                        + "Rexec_bind_message\0")))).isTrue();
    }

    @Test
    void aPoolTimeoutSaysWhyNoConnectionCame() {
        SQLTransientConnectionException busyWriter = new SQLTransientConnectionException(
                "elibrary-sqlite-writer - Connection is not available, request timed out after 1001ms");
        assertThat(SqlErrors.noConnection(busyWriter, true, null))
                .hasMessageStartingWith("no database connection became available in time: this Library writes to "
                        + "SQLite through one connection, and another write transaction of it")
                .hasMessageContaining("DATABASE_CONNECTION_TIMEOUT")
                .hasCause(busyWriter);
        assertThat(SqlErrors.noConnection(busyWriter, false, null))
                .hasMessageStartingWith("no database connection became available in time: all of the pool's "
                        + "connections stayed in use")
                .hasMessageContaining("a transaction that waits for an asynchronous call of the same Library");
        PSQLException refused = new PSQLException(new ServerErrorMessage(
                "SFATAL\0C53300\0Mtoo many connections for role \"app\" (s3cret)\0"));
        SQLTransientConnectionException limited = new SQLTransientConnectionException("pool - Connection is not "
                + "available, request timed out after 1001ms", "53300", refused);
        assertThat(SqlErrors.noConnection(limited, true, "s3cret"))
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessage("no database connection became available in time; the last attempt to connect failed: "
                        + "FATAL: too many connections for role \"app\" (***) (SQLState 53300)");
    }

    @Test
    void aCorruptSqliteFileIsAConfigurationError() {
        for (SQLiteErrorCode code : new SQLiteErrorCode[] {SQLiteErrorCode.SQLITE_CORRUPT,
                SQLiteErrorCode.SQLITE_CORRUPT_INDEX}) {
            SQLiteException corrupt = new SQLiteException("[SQLITE_CORRUPT] The database disk image is malformed",
                    code);
            assertThat(SqlErrors.translate(corrupt, Backend.SQLITE, false, null))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessage("the database file is corrupt (the disk image is malformed): PRAGMA "
                            + "integrity_check tells what is damaged; restore the file from a backup (a damaged "
                            + "full-text search index alone can be rebuilt with FTS5's 'rebuild' command)")
                    .hasCause(corrupt);
        }
    }

    @Test
    void driverRefusalsWithoutACodeSayTheConnectionFailed() {
        SQLException closed = new SQLException("database connection closed");
        assertThat(SqlErrors.translate(closed, Backend.SQLITE, false, null))
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessage("the SQLite connection failed: database connection closed")
                .hasCause(closed);
        assertThat(SqlErrors.translate(new PSQLException("This connection has been closed.", null),
                Backend.POSTGRESQL, false, null))
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessage("the database is unavailable");
    }

    @Test
    void libraryAndCallerExceptionsPassUnchanged() {
        InvalidInputException invalid = new InvalidInputException("f", "r");
        assertThat(SqlErrors.translate(invalid, Backend.SQLITE, false, null)).isSameAs(invalid);
        IllegalArgumentException callers = new IllegalArgumentException("mine");
        assertThat(SqlErrors.translate(callers, Backend.SQLITE, false, null)).isSameAs(callers);
    }

    @Test
    void constraintFieldParsing() {
        assertThat(SqlErrors.sqliteConstraintField("UNIQUE constraint failed: user.username")).isEqualTo("user.username");
        assertThat(SqlErrors.sqliteConstraintField("weird")).isEqualTo("unique value");
    }
}
