/**
 * Reading the settings: the {@code .env} file, {@code DATABASE_URL} in its SQLAlchemy and JDBC forms (with
 * the password kept out of every display form) and the typed values of the other keys. Not supported API.
 */
package org.elibrary.internal.config;
