package org.elibrary.internal.mapper;

/** One row of a books-with-authors query: a book joined with one of its authors (author null when it has none). */
public record BookAuthorRow(long bookId, String title, Long authorId, String authorName, long total)
        implements PageRow {
}
