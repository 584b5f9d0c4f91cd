package org.elibrary.internal.mapper;

/** One row of an author-with-books query (book null when the author has none). */
public record AuthorBookRow(long authorId, String name, Long bookId, String title) {
}
