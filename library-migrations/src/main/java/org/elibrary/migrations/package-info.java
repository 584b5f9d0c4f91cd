/**
 * The library's schema migrations as an API ({@link org.elibrary.migrations.Migrations}, with immutable
 * result values) and a command line ({@link org.elibrary.migrations.MigrationsCommand}). The SQL lives in
 * this jar under {@code org/elibrary/migrations/sql/sqlite} and {@code …/postgresql} (not {@code db/migration},
 * which frameworks such as Spring Boot scan with their own Flyway); put the jar on the runtime
 * classpath of any application that opens a {@code Library} with migrate-on-open (the default).
 */
package org.elibrary.migrations;
