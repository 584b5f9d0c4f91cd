package org.elibrary.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PgServerUrlTest {

    @Test
    void translatesSqlAlchemyUrlsToJdbc() {
        assertThat(PgServerUrl.toJdbcUrl("jdbc:postgresql://h:5432/db?user=u")).isEqualTo("jdbc:postgresql://h:5432/db?user=u");
        assertThat(PgServerUrl.toJdbcUrl("postgresql+asyncpg://user:p%40ss@host:5432/db?sslmode=require"))
                .isEqualTo("jdbc:postgresql://host:5432/db?sslmode=require&user=user&password=p%40ss");
        assertThat(PgServerUrl.toJdbcUrl("postgres://u@h/db")).isEqualTo("jdbc:postgresql://h/db?user=u");
        assertThat(PgServerUrl.toJdbcUrl("postgresql://u:s@[::1]:5432/db")).isEqualTo("jdbc:postgresql://[::1]:5432/db?user=u&password=s");
        assertThat(PgServerUrl.toJdbcUrl("jdbc:postgresql://h1:1,h2:65535/db")).isEqualTo("jdbc:postgresql://h1:1,h2:65535/db");
        assertThatThrownBy(() -> PgServerUrl.toJdbcUrl("mysql://u@h/db")).hasMessageContaining("mysql");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "postgresql://u:s3cret@127.0.0.1:notaport/x",
        "postgresql://u:s3cret@127.0.0.1:99999/x",
        "postgresql://u:s3cret@127.0.0.1:0/x",
        "postgresql://u:s3cret@127.0.0.1:/x",
        "postgresql://u:s3cret/x@127.0.0.1:5432/x", // an unencoded '/' ends the host part inside the password
        "postgresql://u:s3cret@127.0.0.1:5432/x/y",
        "postgresql://u:%s3cret@127.0.0.1:5432/x",
        "jdbc:postgresql://127.0.0.1:notaport/x?user=u&password=s3cret",
        "jdbc:postgresql://u:s3cret@127.0.0.1:5432/x",
        "jdbc:postgresql://127.0.0.1:5432/x?password=%s3cret",
        "bench:s3cret://127.0.0.1:5432/x", // a scheme is named only when it looks like one
        "mysql://u:s3cret@127.0.0.1/x",
        "127.0.0.1:5432/s3cret"})
    void refusesWhatPgjdbcCannotParseWithoutRepeatingThePassword(String url) {
        // pgjdbc would answer each with an error, or log lines, that repeat the URL and so the password
        assertThatThrownBy(() -> PgServerUrl.check(url))
                .isInstanceOf(IllegalArgumentException.class)
                .message().doesNotContain("s3cret");
    }
}
