package com.example.bootclub;

import java.time.Duration;
import javax.sql.DataSource;
import org.elibrary.Library;
import org.flywaydb.core.Flyway;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.flyway.FlywayMigrationStrategy;
import org.springframework.context.annotation.Bean;

/**
 * A Boot application that opens the library on Boot's own DataSource (migrating it on open) and migrates a table
 * of its own with Boot's Flyway, in another history table (application.properties).
 */
@SpringBootApplication
public class BootClub {
    public static void main(String[] args) {
        SpringApplication.run(BootClub.class, args);
    }

    /**
     * Closed with the context; the DataSource stays Boot's (the library never closes a borrowed one). The
     * builder gives it what LibrarySettings would give a library that opens its own pool.
     */
    @Bean(destroyMethod = "close")
    Library library(DataSource dataSource) {
        return Library.builder(dataSource)
                .statementTimeout(Duration.ofSeconds(10))
                .asyncQueueCapacity(200)
                .open();
    }

    /**
     * Boot's Flyway migrates once the library has: on a new database the library refuses to adopt one that
     * holds only other tables (the app's), and the app's script references the library's book table.
     */
    @Bean
    FlywayMigrationStrategy afterTheLibrary(Library library) {
        return Flyway::migrate;
    }
}
