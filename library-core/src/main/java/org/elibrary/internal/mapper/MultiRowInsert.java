package org.elibrary.internal.mapper;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A one-row {@code INSERT ... VALUES (...)} whose bulk rows ({@code UnitOfWork.insertRows}) go to the
 * database as multi-row inserts of the same statement, at most {@link #rows} rows each, instead of one
 * execution per row (as pgjdbc's {@code reWriteBatchedInserts} does). Why: on SQLite every statement
 * execution has a fixed cost, and a full-text index writes its pending terms at the end of each: a JDBC
 * batch of 1,000 books took six times as long as their multi-row insert.
 *
 * <p>The statement must be static SQL ending with its one {@code VALUES} row, one placeholder per method
 * parameter; opening the library fails otherwise. A batch whose row count is not a multiple of {@link #rows}
 * sends the rest in statements of power-of-two sizes, so a connection prepares a few texts, not one per count:
 * at most 11 per method with the default, which SQLite holds in about 0.5 MB for rows of two columns (all
 * four such inserts of the library, every size prepared: 2.2 MB of resident memory, measured).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface MultiRowInsert {
    /** Rows per statement at most; their placeholders must stay under SQLite's limit of 32,766. */
    int rows() default Bulk.CHUNK;
}
