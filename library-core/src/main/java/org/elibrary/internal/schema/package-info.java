/**
 * The schema engine: classifying a database, running the Flyway migrations whose SQL ships in
 * library-migrations, adopting a database the Python application made, and what a PostgreSQL database must
 * offer first (UTF8, a schema to write to). Its inspection SQL (per database, in Java) runs on plain
 * connections before any MyBatis configuration exists, so it cannot live in the mapper XML. Not supported API.
 */
package org.elibrary.internal.schema;
