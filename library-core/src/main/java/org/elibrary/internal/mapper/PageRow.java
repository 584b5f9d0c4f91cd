package org.elibrary.internal.mapper;

/** A row of an offset page's statement, which carries the total of the whole list on every row. */
public interface PageRow {
    /** {@return how many rows the whole list has} */
    long total();
}
