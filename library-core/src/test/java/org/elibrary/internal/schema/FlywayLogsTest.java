package org.elibrary.internal.schema;

import static org.assertj.core.api.Assertions.assertThat;

import org.flywaydb.core.api.logging.Log;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class FlywayLogsTest {
    /**
     * Flyway 11 (the line Spring Boot 3.5 and 4.0 manage) declares {@code isDebugEnabled} abstract; Flyway 13,
     * which the library compiles against, has a default, so only a method of our own makes the class work on 11
     * (without it Library.open failed there with AbstractMethodError).
     */
    @Test
    void theLogDeclaresIsDebugEnabledItselfAndFollowsSlf4j() throws NoSuchMethodException {
        Log log = new FlywayLogs().createLogger(FlywayLogsTest.class);

        assertThat(log.getClass().getDeclaredMethod("isDebugEnabled")).isNotNull();
        assertThat(log.isDebugEnabled()).isEqualTo(LoggerFactory.getLogger(FlywayLogsTest.class).isDebugEnabled());
    }
}
