package org.elibrary.internal.schema;

import org.flywaydb.core.api.logging.Log;
import org.flywaydb.core.api.logging.LogCreator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flyway's log lines, through SLF4J under Flyway's own logger names, one level quieter where the library
 * speaks for itself: a failed migration is reported by the exception the library throws (in its words, with
 * the database's error), so Flyway's ERROR lines about it, with their Flyway-CLI advice, go to DEBUG; its
 * warnings (an extension that already exists, an old database version) go to INFO. Flyway instantiates this
 * class by name ({@code loggers}), hence public with a public constructor; not part of the API.
 */
public final class FlywayLogs implements LogCreator {
    /** For Flyway, which creates it by reflection. */
    public FlywayLogs() {
    }

    @Override
    public Log createLogger(Class<?> type) {
        Logger logger = LoggerFactory.getLogger(type);
        return new Log() {
            // abstract in Flyway 11 (the line Spring Boot 3.5 and 4.0 manage), a default method in 13: without
            // it Flyway 11 fails the first migrate with AbstractMethodError
            @Override
            public boolean isDebugEnabled() {
                return logger.isDebugEnabled();
            }

            @Override
            public void debug(String message) {
                logger.debug(message);
            }

            @Override
            public void info(String message) {
                logger.info(message);
            }

            @Override
            public void warn(String message) {
                logger.info(message);
            }

            @Override
            public void error(String message) {
                logger.debug(message);
            }

            @Override
            public void error(String message, Exception e) {
                logger.debug(message, e);
            }

            @Override
            public void notice(String message) {
                logger.info(message);
            }
        };
    }
}
