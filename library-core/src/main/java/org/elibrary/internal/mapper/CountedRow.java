package org.elibrary.internal.mapper;

/** One row of an offset page of a single table: id, its ordering text (name, username) and the list's total. */
public record CountedRow(long id, String text, long total) implements PageRow {
}
