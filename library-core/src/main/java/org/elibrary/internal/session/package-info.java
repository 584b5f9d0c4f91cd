/**
 * How a catalog call reaches the database: units of work on connections the library acquires, transactions
 * and savepoints, validation of arguments and the one place where SQL errors become library exceptions.
 * Not supported API.
 */
package org.elibrary.internal.session;
