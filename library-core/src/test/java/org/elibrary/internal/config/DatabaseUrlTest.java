package org.elibrary.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Stream;
import org.elibrary.Backend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DatabaseUrlTest {
    private static final Path CWD = Path.of("/work/app");

    static Stream<Arguments> sqlite() {
        return Stream.of(
                // url, expected JDBC URL, expected file (null = memory)
                Arguments.of("sqlite:///./library.db", "jdbc:sqlite:/work/app/library.db", "/work/app/library.db"),
                Arguments.of("sqlite+aiosqlite:///./library.db", "jdbc:sqlite:/work/app/library.db", "/work/app/library.db"),
                Arguments.of("sqlite+pysqlite:///data/x.db", "jdbc:sqlite:/work/app/data/x.db", "/work/app/data/x.db"),
                Arguments.of("sqlite:///../up.db", "jdbc:sqlite:/work/up.db", "/work/up.db"),
                Arguments.of("sqlite:////abs/path.db", "jdbc:sqlite:/abs/path.db", "/abs/path.db"),
                Arguments.of("SQLite:////abs/path.db?check_same_thread=false", "jdbc:sqlite:/abs/path.db", "/abs/path.db"),
                Arguments.of("sqlite:///file:x.db", "jdbc:sqlite:/work/app/file:x.db", "/work/app/file:x.db"),
                Arguments.of("sqlite:///Электронная.db", "jdbc:sqlite:/work/app/Электронная.db", "/work/app/Электронная.db"),
                Arguments.of("  sqlite:///library.db  ", "jdbc:sqlite:/work/app/library.db", "/work/app/library.db"),
                Arguments.of("sqlite+aiosqlite:///:memory:", "jdbc:sqlite::memory:", null),
                Arguments.of("sqlite://", "jdbc:sqlite::memory:", null),
                Arguments.of("sqlite:///", "jdbc:sqlite::memory:", null),
                Arguments.of("jdbc:sqlite::memory:", "jdbc:sqlite::memory:", null),
                Arguments.of("jdbc:sqlite:", "jdbc:sqlite::memory:", null),
                Arguments.of("jdbc:sqlite:file:mem1?mode=memory&cache=shared", "jdbc:sqlite::memory:", null),
                Arguments.of("jdbc:sqlite:library.db", "jdbc:sqlite:/work/app/library.db", "/work/app/library.db"),
                Arguments.of("jdbc:sqlite:/abs/x.db", "jdbc:sqlite:/abs/x.db", "/abs/x.db"),
                Arguments.of("jdbc:sqlite:/abs/x.db?journal_mode=WAL", "jdbc:sqlite:/abs/x.db?journal_mode=WAL", "/abs/x.db"),
                Arguments.of("jdbc:sqlite:file:rel.db?cache=private", "jdbc:sqlite:file:/work/app/rel.db?cache=private",
                        "/work/app/rel.db"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void sqlite(String url, String jdbc, String file) {
        DatabaseUrl parsed = DatabaseUrl.parse(url, CWD);
        assertThat(parsed.backend()).isEqualTo(Backend.SQLITE);
        assertThat(parsed.jdbcUrl()).isEqualTo(jdbc);
        assertThat(parsed.inMemory()).isEqualTo(file == null);
        assertThat(parsed.sqliteFile().map(Path::toString).orElse(null)).isEqualTo(file);
        assertThat(parsed.user()).isEmpty();
        assertThat(parsed.password()).isEmpty();
    }

    static Stream<Arguments> postgres() {
        return Stream.of(
                // url, JDBC URL, user, password, display
                Arguments.of("postgresql://anna:secret@db.example:5432/library",
                        "jdbc:postgresql://db.example:5432/library", "anna", "secret",
                        "postgresql://anna:***@db.example:5432/library"),
                Arguments.of("postgresql+asyncpg://user:p%40ss@host:5432/db?sslmode=require",
                        "jdbc:postgresql://host:5432/db?sslmode=require", "user", "p@ss",
                        "postgresql+asyncpg://user:***@host:5432/db?sslmode=require"),
                Arguments.of("postgresql+asyncpg://u:pw@host/db?ssl=require&prepared_statement_cache_size=0",
                        "jdbc:postgresql://host/db?sslmode=require&prepareThreshold=0", "u", "pw",
                        "postgresql+asyncpg://u:***@host/db?ssl=require&prepared_statement_cache_size=0"),
                // asyncpg's statement cache off (for PgBouncer's transaction pooling): pgjdbc's named statements off;
                // a size above 0 bounds only the Python driver's cache; an explicit prepareThreshold stands
                Arguments.of("postgresql+asyncpg://u@host/db?statement_cache_size=0&prepared_statement_cache_size=00",
                        "jdbc:postgresql://host/db?prepareThreshold=0", "u", null,
                        "postgresql+asyncpg://u@host/db?statement_cache_size=0&prepared_statement_cache_size=00"),
                Arguments.of("postgresql+asyncpg://u@host/db?prepared_statement_cache_size=100&x=1",
                        "jdbc:postgresql://host/db?x=1", "u", null,
                        "postgresql+asyncpg://u@host/db?prepared_statement_cache_size=100&x=1"),
                Arguments.of("postgresql+asyncpg://u@host/db?prepareThreshold=3&statement_cache_size=0",
                        "jdbc:postgresql://host/db?prepareThreshold=3", "u", null,
                        "postgresql+asyncpg://u@host/db?prepareThreshold=3&statement_cache_size=0"),
                Arguments.of("postgres://anna@localhost/lib", "jdbc:postgresql://localhost/lib", "anna", null,
                        "postgres://anna@localhost/lib"),
                Arguments.of("postgresql+psycopg2://a%20b:x%3Ay%2Fz@[::1]:6543/lib?connect_timeout=5&application_name=app",
                        "jdbc:postgresql://[::1]:6543/lib?connectTimeout=5&ApplicationName=app", "a b", "x:y/z",
                        "postgresql+psycopg2://a%20b:***@[::1]:6543/lib?connect_timeout=5&application_name=app"),
                Arguments.of("postgresql:///lib", "jdbc:postgresql://localhost/lib", null, null, "postgresql:///lib"),
                Arguments.of("postgresql://h1:5432,h2:5433/lib?targetServerType=primary",
                        "jdbc:postgresql://h1:5432,h2:5433/lib?targetServerType=primary", null, null,
                        "postgresql://h1:5432,h2:5433/lib?targetServerType=primary"),
                // the hosts of a URL without a host of its own in the query, as SQLAlchemy reads them (its only
                // multi-host form for asyncpg); target_session_attrs as pgjdbc's targetServerType
                Arguments.of("postgresql+asyncpg://u:pw@/db?host=h1:5432&host=h2:5433&ssl=require",
                        "jdbc:postgresql://h1:5432,h2:5433/db?sslmode=require", "u", "pw",
                        "postgresql+asyncpg://u:***@/db?host=h1:5432&host=h2:5433&ssl=require"),
                Arguments.of("postgresql://u@/db?host=h1,h2&port=5432,5433", "jdbc:postgresql://h1:5432,h2:5433/db",
                        "u", null, "postgresql://u@/db?host=h1,h2&port=5432,5433"),
                Arguments.of("postgresql://u@/db?host=h1,h2&port=,5433", "jdbc:postgresql://h1,h2:5433/db", "u", null,
                        "postgresql://u@/db?host=h1,h2&port=,5433"),
                Arguments.of("postgresql://u@/db?host=h1&x=1&host=10.0.0.2:6432", "jdbc:postgresql://h1,10.0.0.2:6432/db?x=1",
                        "u", null, "postgresql://u@/db?host=h1&x=1&host=10.0.0.2:6432"),
                Arguments.of("postgresql:///db?host=db.example", "jdbc:postgresql://db.example/db", null, null,
                        "postgresql:///db?host=db.example"),
                Arguments.of("postgresql://u@/db?host=db.example&port=6432", "jdbc:postgresql://db.example:6432/db",
                        "u", null, "postgresql://u@/db?host=db.example&port=6432"),
                Arguments.of("postgresql+asyncpg://u@/db?host=a:1&host=b:2&target_session_attrs=read-write",
                        "jdbc:postgresql://a:1,b:2/db?targetServerType=primary", "u", null,
                        "postgresql+asyncpg://u@/db?host=a:1&host=b:2&target_session_attrs=read-write"),
                Arguments.of("postgresql://h1,h2/db?target_session_attrs=primary",
                        "jdbc:postgresql://h1,h2/db?targetServerType=primary", null, null,
                        "postgresql://h1,h2/db?target_session_attrs=primary"),
                Arguments.of("postgresql://h1,h2/db?target_session_attrs=standby",
                        "jdbc:postgresql://h1,h2/db?targetServerType=secondary", null, null,
                        "postgresql://h1,h2/db?target_session_attrs=standby"),
                Arguments.of("postgresql://h1,h2/db?target_session_attrs=read-only",
                        "jdbc:postgresql://h1,h2/db?targetServerType=secondary", null, null,
                        "postgresql://h1,h2/db?target_session_attrs=read-only"),
                Arguments.of("postgresql://h1,h2/db?target_session_attrs=prefer-standby",
                        "jdbc:postgresql://h1,h2/db?targetServerType=preferSecondary", null, null,
                        "postgresql://h1,h2/db?target_session_attrs=prefer-standby"),
                Arguments.of("postgresql://h1,h2/db?target_session_attrs=any",
                        "jdbc:postgresql://h1,h2/db?targetServerType=any", null, null,
                        "postgresql://h1,h2/db?target_session_attrs=any"),
                Arguments.of("postgresql://h1,h2/db?targetServerType=preferPrimary&target_session_attrs=primary",
                        "jdbc:postgresql://h1,h2/db?targetServerType=preferPrimary", null, null,
                        "postgresql://h1,h2/db?targetServerType=preferPrimary&target_session_attrs=primary"),
                Arguments.of("postgresql://u:pä%C3%9F+@h/db", "jdbc:postgresql://h/db", "u", "päß+",
                        "postgresql://u:***@h/db"),
                Arguments.of("jdbc:postgresql://localhost:5432/lib?user=anna&password=secret",
                        "jdbc:postgresql://localhost:5432/lib?user=anna&password=secret", null, null,
                        "jdbc:postgresql://localhost:5432/lib?user=anna&password=***"),
                Arguments.of("jdbc:postgresql://h/lib?sslpassword=keypass&SSLPASSWORD=k2",
                        "jdbc:postgresql://h/lib?sslpassword=keypass&SSLPASSWORD=k2", null, null,
                        "jdbc:postgresql://h/lib?sslpassword=***&SSLPASSWORD=***"),
                // Raw / ? # : @ in a password, as SQLAlchemy accepts them (its password runs to the '@').
                Arguments.of("postgresql+asyncpg://anna:pa/ss?w#o:rd@db.example/lib", "jdbc:postgresql://db.example/lib",
                        "anna", "pa/ss?w#o:rd", "postgresql+asyncpg://anna:***@db.example/lib"),
                Arguments.of("postgresql+asyncpg://anna:p@ss@127.0.0.1:1/lib", "jdbc:postgresql://127.0.0.1:1/lib",
                        "anna", "p@ss", "postgresql+asyncpg://anna:***@127.0.0.1:1/lib"),
                // A raw '@' that no '/', '?' or '#' follows; '@' written %40 after the user info.
                Arguments.of("postgresql://anna:pa/s@s@h/lib", "jdbc:postgresql://h/lib", "anna", "pa/s@s",
                        "postgresql://anna:***@h/lib"),
                Arguments.of("postgresql://u:pa/ss@h/db", "jdbc:postgresql://h/db", "u", "pa/ss",
                        "postgresql://u:***@h/db"),
                Arguments.of("postgresql://u:5432/ss@h:5432/db?x=1", "jdbc:postgresql://h:5432/db?x=1", "u",
                        "5432/ss", "postgresql://u:***@h:5432/db?x=1"),
                Arguments.of("postgresql://u:pa/ss@h", "jdbc:postgresql://h/", "u", "pa/ss", "postgresql://u:***@h"),
                // an '@' in the query that no ':' comes before is no user info's
                Arguments.of("postgresql://h/lib?user=a@corp", "jdbc:postgresql://h/lib?user=a@corp", null, null,
                        "postgresql://h/lib?user=a@corp"),
                Arguments.of("postgresql://anna:pw@h/d%40b?application_name=me%40work",
                        "jdbc:postgresql://h/d%40b?ApplicationName=me%40work", "anna", "pw",
                        "postgresql://anna:***@h/d%40b?application_name=me%40work"),
                // No user info: an '@' in a query value is no user info's, and password= is masked as a whole
                Arguments.of("postgresql://h/lib?user=a@corp&password=p@ss/x",
                        "jdbc:postgresql://h/lib?user=a@corp&password=p@ss/x", null, null,
                        "postgresql://h/lib?user=a@corp&password=***"),
                // A '%' that starts no escape stays, as SQLAlchemy's unquote keeps it.
                Arguments.of("postgresql+asyncpg://u:100%sure%4@host/db", "jdbc:postgresql://host/db", "u", "100%sure%4",
                        "postgresql+asyncpg://u:***@host/db"),
                Arguments.of("postgresql://anna:top%zzsecret%41@host/db", "jdbc:postgresql://host/db", "anna",
                        "top%zzsecretA", "postgresql://anna:***@host/db"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void postgres(String url, String jdbc, String user, String password, String display) {
        DatabaseUrl parsed = DatabaseUrl.parse(url, CWD);
        assertThat(parsed.backend()).isEqualTo(Backend.POSTGRESQL);
        assertThat(parsed.jdbcUrl()).isEqualTo(jdbc);
        assertThat(parsed.user().orElse(null)).isEqualTo(user);
        assertThat(parsed.password().orElse(null)).isEqualTo(password);
        assertThat(parsed.displayUrl()).isEqualTo(display);
        assertThat(parsed.toString()).isEqualTo(display);
        if (password != null) {
            assertThat(parsed.jdbcUrl()).doesNotContain(password);
        }
        assertThat(parsed.sqliteFile()).isEmpty();
        assertThat(parsed.inMemory()).isFalse();
    }

    /**
     * Query options pgjdbc does not know: it ignores them without a word, so the open names them in a warning;
     * the library's own translations, pgjdbc's names (case-sensitive) and the password's value are not named.
     */
    @Test
    void optionsThePostgresDriverDoesNotKnowAreListedByNameOnly() {
        assertThat(DatabaseUrl.parse("postgresql+asyncpg://u:pw@h/db?ssl=require&connect_timeout=5&application_name=a"
                + "&prepared_statement_cache_size=0&statement_cache_size=100&bogus_param=1&command_timeout=60"
                + "&preparethreshold=0&bogus_param=2&options=-c%20x%3Dy&targetServerType=primary", CWD).unknownOptions())
                .containsExactly("bogus_param", "command_timeout", "preparethreshold");
        assertThat(DatabaseUrl.parse("jdbc:postgresql://h/db?user=u&password=secret&prepared_statement_cache_size=0"
                + "&sslmode=verify-full&flag", CWD).unknownOptions())
                .containsExactly("prepared_statement_cache_size", "flag");
        assertThat(DatabaseUrl.parse("postgresql://u:pw@h/db", CWD).unknownOptions()).isEmpty();
        assertThat(DatabaseUrl.parse("postgresql://u:pw@/db?host=a&host=b&target_session_attrs=standby", CWD)
                .unknownOptions()).isEmpty();
        assertThat(DatabaseUrl.parse("jdbc:postgresql://a,b/db?target_session_attrs=standby", CWD).unknownOptions())
                .containsExactly("target_session_attrs");
        assertThat(DatabaseUrl.parse("jdbc:sqlite:/abs/x.db?journal_mode=WAL", CWD).unknownOptions()).isEmpty();
    }

    static Stream<Arguments> bad() {
        return Stream.of(
                // url, a fragment the message must contain
                Arguments.of("", "is empty"),
                Arguments.of("   ", "is empty"),
                Arguments.of("library.db", "not a URL"),
                Arguments.of("./library.db", "not a URL"),
                Arguments.of("mysql://anna:topsecret@h/db", "unknown scheme 'mysql'"),
                Arguments.of("mysql+aiomysql://anna:topsecret@h/db", "unknown scheme 'mysql+aiomysql'"),
                Arguments.of("http://example.com/x", "unknown scheme 'http'"),
                Arguments.of("jdbc:mysql://h/db", "unknown scheme 'jdbc:mysql'"),
                Arguments.of("sqlite:/library.db", "malformed"),
                Arguments.of("sqlite://host/library.db", "no host"),
                Arguments.of("postgresql:/db", "malformed"),
                Arguments.of("postgresql://anna:topsecret@host:99999/db", "port '99999'"),
                Arguments.of("postgresql://anna:topsecret@host:abc/db", "port 'abc'"),
                Arguments.of("sqlite+aiosqlite:///./py.db?mode=ro", "query options are not supported in a SQLAlchemy SQLite URL (mode)"),
                Arguments.of("sqlite:///file:ro.db?mode=ro&uri=true&check_same_thread=false",
                        "query options are not supported in a SQLAlchemy SQLite URL (mode, uri); they are the Python "
                        + "driver's. Use the library's settings (SQLITE_BUSY_TIMEOUT, …) or a jdbc:sqlite: URL for "
                        + "sqlite-jdbc's options; to only read the file, name it without options and set "
                        + "DATABASE_READ_ONLY=true"),
                Arguments.of("sqlite:////abs/path.db?timeout=20", "(timeout)"),
                Arguments.of("postgresql+asyncpg://anna:topsecret@/lib?host=/var/run/postgresql", "query parameter "
                        + "host= is not supported here (asyncpg reads a path as a unix-domain socket"),
                Arguments.of("postgresql+asyncpg://anna:topsecret@/lib?host=h1:5432&host=/tmp", "unix-domain socket"),
                Arguments.of("postgresql+asyncpg://anna:topsecret@h0/lib?host=h1:5432&host=h2:5433",
                        "the query parameter host= is not supported here (beside the host in the URL, which of them "
                                + "is meant cannot be told): write the hosts in the URL's authority, "
                                + "postgresql://user@host1:5432,host2:5433/db, or, for a URL without a host, as "
                                + "SQLAlchemy reads them, postgresql://user@/db?host=host1:5432&host=host2:5433"),
                Arguments.of("postgresql+asyncpg://anna:topsecret@/lib?host=h1:5432&port=5433", "not a mix of the two"),
                Arguments.of("postgresql+asyncpg://anna:topsecret@/lib?host=h1,h2:5433", "not a mix of the two"),
                Arguments.of("postgresql+asyncpg://anna:topsecret@/lib?host=h1,h2&host=h3", "not a mix of the two"),
                Arguments.of("postgresql+asyncpg://anna:topsecret@/lib?host=h1,h2&port=5432",
                        "it gives 1 port(s) for 2 host(s)"),
                Arguments.of("postgresql+asyncpg://anna:topsecret@/lib?host=h1&host=h2&port=1,2",
                        "query parameter port= is not supported here (it pairs only with one host=h1,h2 list"),
                Arguments.of("postgresql+asyncpg://anna:topsecret@/lib?port=5433", "it pairs only with one host="),
                Arguments.of("postgresql+asyncpg://anna:topsecret@/lib?host=h1&port=1&port=2", "it pairs only with"),
                Arguments.of("postgresql+asyncpg://anna:topsecret@/lib?host=[::1]:5432", "an IPv6 address goes in"),
                Arguments.of("postgresql+asyncpg://anna:topsecret@/lib?host=h1&host=", "needs a host name"),
                Arguments.of("postgresql+asyncpg://anna:topsecret@/lib?host=h1:99999", "port '99999'"),
                Arguments.of("postgresql+asyncpg://anna:topsecret@/lib?pghost=h1", "query parameter pghost="),
                Arguments.of("postgresql+asyncpg://anna:topsecret@/lib?host=h1&target_session_attrs=master",
                        "target_session_attrs 'master' is not one of any, read-write, primary, read-only, standby, "
                                + "prefer-standby"),
                Arguments.of("postgresql://anna:topsecret@h/lib?Port=5433", "query parameter Port="),
                Arguments.of("postgresql://anna:topsecret@h/lib?application_name=%zz", "has a '%' that is not followed by two hex digits"),
                Arguments.of("jdbc:postgresql://anna:topsecret@db.example/lib", "no user info"),
                Arguments.of("jdbc:postgresql://db.example", "one '/' after the hosts"),
                Arguments.of("jdbc:postgresql://db.example/lib/x?password=topsecret", "one '/' after the hosts"),
                Arguments.of("jdbc:postgresql://db.example:abc/lib?password=topsecret", "port 'abc'"),
                Arguments.of("jdbc:postgresql://db.example/lib?password=topsecret%zz", "the value of password has a '%'"),
                Arguments.of("jdbc:postgresql://db.example/l%zz?password=topsecret", "the database name has a '%'"),
                Arguments.of("postgresql://anna:topsecret@host/db/extra", "contains '/'"),
                Arguments.of("postgresql://anna:topsecret@ho st/db", "bad host"),
                Arguments.of("postgresql://anna:topsecret@[::1/db", "unclosed '['"),
                // A raw '@' in a password with a '/', '?' or '#' after it cannot be told from an '@' after the
                // host (SQLAlchemy ends the password at the first '@', this parser at the last): shown masked up
                // to the last '@', with the way to write it.
                Arguments.of("postgresql://anna:p@topsecret/w:rd#1@localhost:5432/pyapp",
                        "'postgresql://anna:***@localhost:5432/pyapp' is ambiguous: an '@' follows a '/', '?' or '#' "
                                + "that follows an earlier '@'"),
                Arguments.of("postgresql+asyncpg://anna:p@topsecret/w@localhost/pyapp?ssl=disable",
                        "'postgresql+asyncpg://anna:***@localhost/pyapp?ssl=disable' is ambiguous"),
                Arguments.of("postgresql://anna:p@topsecret?w@localhost/pyapp",
                        "'postgresql://anna:***@localhost/pyapp' is ambiguous"),
                Arguments.of("postgresql://anna:p@topsecret#w@localhost/pyapp",
                        "'postgresql://anna:***@localhost/pyapp' is ambiguous"),
                Arguments.of("postgresql://h:5432/lib?password=p@topsecret/w&user=a@corp",
                        "'postgresql://h:***@corp' is ambiguous"),
                // the same shape without a raw '@' in the password: an '@' after the host
                Arguments.of("postgresql://anna:topsecret@h/lib?application_name=me@work",
                        "'postgresql://anna:***@work' is ambiguous"),
                Arguments.of("postgresql://anna:topsecret@h/d@b", "'postgresql://anna:***@b' is ambiguous"),
                Arguments.of("postgres://anna@h/d@b", "Write '@' as %40 in a password that also holds '/', '?' or "
                        + "'#', and in the database name and query values"),
                Arguments.of("postgresql://h/d@b", "'postgresql://h/d@b' is malformed: write '@' in the database "
                        + "name as %40"),
                // No user info meant, but it reads as some: user 'h', password '5432/lib?x=me', host 'work' (as
                // SQLAlchemy reads it), or database 'lib' with an '@' in the query
                Arguments.of("postgresql://h:5432/lib?x=me@work", "'postgresql://h:***@work' is ambiguous: the '@' "
                        + "in its query (or after its '#') could as well end user info, user:password@, so where a "
                        + "password would end cannot be told. Write '@' as %40 in query values"),
                Arguments.of("postgresql://h:5432?x=me@work", "'postgresql://h:***@work' is ambiguous"),
                Arguments.of("postgresql+asyncpg://h1:5432,h2:5433/lib?user=a@corp", "'postgresql+asyncpg://h1:***@corp' is ambiguous"),
                Arguments.of("postgresql://[::1]:5432/lib?x=me@work", "is ambiguous"),
                Arguments.of("postgresql://h:5432/lib#x@work", "'postgresql://h:***@work' is ambiguous"),
                // a ':' before an '@' in the query of a URL without user info: a user name with a '/'
                Arguments.of("postgresql://a/b:pa?topsecret@h/db", "'postgresql://a/b:***@h/db' is ambiguous"),
                Arguments.of("postgresql://h/lib?application_name=a:b@c", "Write '@' as %40 in query values"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void bad(String url, String fragment) {
        assertThatThrownBy(() -> DatabaseUrl.parse(url, CWD))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(fragment)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("topsecret").doesNotContain("top%zz"));
    }

    /** Inputs that showed the password (or part of it) in a message or the display URL. */
    static Stream<String> leaks() {
        return Stream.of(
                "postgresql+asyncpg://anna:pa/S3cretPW@db.example/lib",
                "postgresql+asyncpg://anna:pa#S3cretPW@db.example/lib",
                "postgresql+asyncpg://anna:pa?S3cretPW@db.example/lib",
                "postgresql+asyncpg://anna:pa:S3cretPW@db.example/lib",
                "postgresql+asyncpg://anna:p@S3cretPW@127.0.0.1:1/lib",
                "postgresql+asyncpg://anna:pa/S3cretPW@db.example:99999/lib",
                "postgresql+asyncpg://anna:pa/S3cretPW@db example/lib",
                "postgresql+asyncpg://anna:pa/S3cretPW@db.example/lib/extra",
                "postgresql+asyncpg://anna:S3cretPW@db.example/lib?host=/run/postgresql",
                "postgresql://anna:S3cretPW@h/lib?sslpassword=S3cretPW&x=%zz",
                "anna:S3cretPW@localhost:5432/db",
                "postgresql:anna:S3cretPW@localhost/db",
                "postgresql:/anna:S3cretPW@localhost/db",
                "mysql://anna:pa/S3cretPW@h/db",
                "jdbc:postgresql:anna:S3cretPW@host/db",
                "jdbc:postgresql://anna:S3cretPW@db.example/lib",
                "jdbc:postgresql://anna:pa/S3cretPW@db.example/lib",
                "jdbc:postgresql://anna:p@S3/cret#PW@db.example/lib",
                "postgresql://anna:p@S3/cret#PW@db.example/lib",
                "postgresql://db.example:1/lib?password=p@S3cret/PW&user=a@corp",
                "jdbc:postgresql://db.example:1/lib?user=a@corp&password=p@S3cret/PW",
                "jdbc:postgresql://db.example:1/lib?user=anna&password=S3cretPW&sslpassword=S3cretPW",
                "jdbc:postgresql://db.example:1/lib/x?password=S3cretPW",
                "jdbc:postgresql://anna:pa?S3cretPW@db.example/lib",
                "jdbc:postgresql://anna:pa/x?S3cretPW@db.example/lib",
                "a/b:S3cretPW@db.example/lib",
                "postgresql://a/b:S3cretPW@db.example/lib",
                "postgresql+asyncpg://a/b:pa?S3cretPW@db.example/lib",
                "postgresql://anna:pw@db.example/lib?password=p@S3cretPW");
    }

    @ParameterizedTest
    @MethodSource
    void leaks(String url) {
        try {
            DatabaseUrl parsed = DatabaseUrl.parse(url, CWD);
            assertThat(parsed.displayUrl()).doesNotContain("S3cret");
            assertThat(parsed.toString()).doesNotContain("S3cret");
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).doesNotContain("S3cret").contains("***");
        }
        assertThat(DatabaseUrl.mask(url)).doesNotContain("S3cret");
    }

    @Test
    void pgjdbcLogsNothing() {
        // Driver.parseURL logs an unparseable URL whole, password included, at WARNING.
        List<String> logged = pgjdbcLogDuring(() -> {
            for (String url : List.of("jdbc:postgresql://anna:S3cretPW@db.example/lib",
                    "jdbc:postgresql://db.example:S3cretPW/lib", "jdbc:postgresql://db.example?password=S3cretPW",
                    "jdbc:postgresql://db.example/lib?password=S3cretPW%zz")) {
                assertThatThrownBy(() -> DatabaseUrl.parse(url, CWD)).isInstanceOf(IllegalArgumentException.class);
            }
        });
        assertThat(logged).isEmpty();
    }

    /** What pgjdbc logs, at any level, while {@code action} runs. */
    static List<String> pgjdbcLogDuring(Runnable action) {
        Logger logger = Logger.getLogger("org.postgresql");
        Level level = logger.getLevel();
        List<String> logged = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(new SimpleFormatter().formatMessage(record));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.setLevel(Level.ALL);
        logger.addHandler(capture);
        try {
            action.run();
        } finally {
            logger.removeHandler(capture);
            logger.setLevel(level);
        }
        return logged;
    }

    @ParameterizedTest
    @MethodSource("masks")
    void masksPasswords(String url, String masked) {
        assertThat(DatabaseUrl.mask(url)).isEqualTo(masked);
    }

    static Stream<Arguments> masks() {
        return Stream.of(
                Arguments.of("postgresql://a:b@h/d", "postgresql://a:***@h/d"),
                Arguments.of("postgresql://a@h/d", "postgresql://a@h/d"),
                Arguments.of("jdbc:postgresql://h/d?user=a&password=b&ssl=true", "jdbc:postgresql://h/d?user=a&password=***&ssl=true"),
                Arguments.of("jdbc:postgresql://h/d?PASSWORD=b", "jdbc:postgresql://h/d?PASSWORD=***"),
                Arguments.of("sqlite:///x.db", "sqlite:///x.db"),
                Arguments.of("jdbc:sqlite:/home/anna:x@corp/x.db", "jdbc:sqlite:/home/anna:x@corp/x.db"),
                Arguments.of("postgresql://a:b/c?d#e:f@g@h/d", "postgresql://a:***@h/d"),
                Arguments.of("a:b@h:1/d", "a:***@h:1/d"),
                Arguments.of("jdbc:postgresql://a:b@h/d", "jdbc:postgresql://a:***@h/d"),
                Arguments.of("jdbc:postgresql://h/d?sslPassword=b&x=1", "jdbc:postgresql://h/d?sslPassword=***&x=1"),
                Arguments.of("jdbc:postgresql://h:5432/d?user=a@corp&password=b",
                        "jdbc:postgresql://h:5432/d?user=a@corp&password=***"),
                Arguments.of("jdbc:postgresql://h:5432/d?user=a@corp&password=p@ss/x",
                        "jdbc:postgresql://h:5432/d?user=a@corp&password=***"),
                // user info whose end cannot be told: masked up to the last '@'
                Arguments.of("postgresql://anna:p@ss/w:rd#1@localhost:5432/pyapp",
                        "postgresql://anna:***@localhost:5432/pyapp"),
                Arguments.of("jdbc:postgresql://anna:p@ss/w:rd#1@localhost/pyapp",
                        "jdbc:postgresql://anna:***@localhost/pyapp"),
                Arguments.of("jdbc:postgresql://anna:pa/ss@localhost/pyapp", "jdbc:postgresql://anna:***@localhost/pyapp"),
                Arguments.of("sqlite:////srv/anna:x@corp/a@b#c.db", "sqlite:////srv/anna:x@corp/a@b#c.db"));
    }

    @Test
    void anAtWrittenPercent40ReachesTheDriverDecoded() {
        DatabaseUrl parsed = DatabaseUrl.parse("postgresql://anna:pw@h/d%40b?application_name=me%40work", CWD);
        Properties properties = org.postgresql.Driver.parseURL(parsed.jdbcUrl(), null);
        assertThat(properties.getProperty("PGDBNAME")).isEqualTo("d@b");
        assertThat(properties.getProperty("ApplicationName")).isEqualTo("me@work");
    }

    @Test
    void sqliteUrlsWithAtAndColonInThePathAreShownAsGiven() {
        for (String url : List.of("sqlite:////srv/anna:x@corp/a@b/c@d.db", "jdbc:sqlite:/srv/anna:x@corp/a@b/c@d.db")) {
            DatabaseUrl parsed = DatabaseUrl.parse(url, CWD);
            assertThat(parsed.sqliteFile()).contains(Path.of("/srv/anna:x@corp/a@b/c@d.db"));
            assertThat(parsed.displayUrl()).isEqualTo(url);
        }
    }

    @Test
    void aPathTheJvmsFileNameEncodingCannotRepresentSaysToRunInAUtf8Locale() {
        String path = "/data/каталог/библиотека.db";
        InvalidPathException e = new InvalidPathException(path, "Malformed input or input contains unmappable "
                + "characters");
        assertThat(DatabaseUrl.invalidPath("sqlite:///" + path, path, e, "ANSI_X3.4-1968"))
                .isEqualTo("'sqlite:///" + path + "' names an invalid path: Malformed input or input contains "
                        + "unmappable characters; the JVM's file-name encoding is ANSI_X3.4-1968, which cannot "
                        + "represent this path: run Java in a UTF-8 locale (LANG=C.UTF-8)");
        // an encoding that can represent it, or none known: the path itself is at fault, say nothing of locales
        assertThat(DatabaseUrl.invalidPath("x", path, e, "UTF-8")).doesNotContain("LANG");
        assertThat(DatabaseUrl.invalidPath("x", path, e, null)).doesNotContain("LANG");
        assertThat(DatabaseUrl.invalidPath("x", path, e, "no-such-charset")).doesNotContain("LANG");
        // a path no encoding can name (a lone surrogate): no locale would help
        String unnameable = "/data/bad\uD800.db";
        assertThat(DatabaseUrl.invalidPath("x", unnameable, e, "ANSI_X3.4-1968")).doesNotContain("LANG");
    }
}
