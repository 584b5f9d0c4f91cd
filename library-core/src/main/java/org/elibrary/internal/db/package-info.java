/**
 * Opening a database: the library's own SQLite and PostgreSQL pools with their connection settings, a
 * caller's borrowed {@code DataSource}, and the translation of a failure to connect into the library's
 * exceptions. Not supported API.
 */
package org.elibrary.internal.db;
