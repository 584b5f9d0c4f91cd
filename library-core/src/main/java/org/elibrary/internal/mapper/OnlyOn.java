package org.elibrary.internal.mapper;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A mapper method that has a statement for one database only ({@code databaseId}); elsewhere it is not
 * planned at open and calling it fails. Every other method must have a statement for the database in use,
 * or opening the library fails.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OnlyOn {
    /** The {@code databaseId} of the one database: {@code "sqlite"} or {@code "postgresql"}. */
    String value();
}
