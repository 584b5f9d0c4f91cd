package org.elibrary.internal.mapper;

/** One author_book row to insert. */
public record Link(long authorId, long bookId) {
}
