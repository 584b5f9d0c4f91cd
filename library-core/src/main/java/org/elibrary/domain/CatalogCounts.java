package org.elibrary.domain;

/**
 * The number of rows of each table, counted in one snapshot. Each component is named after its table, as the
 * library's exceptions name tables ({@code author_book} in Java's camel case), so {@code counts.author()} is
 * the number of rows of {@code author}.
 *
 * @param author     rows of {@code author}
 * @param book       rows of {@code book}
 * @param authorBook rows of {@code author_book} (author–book links)
 * @param user       rows of {@code user}
 * @param comment    rows of {@code comment}
 */
public record CatalogCounts(long author, long book, long authorBook, long user, long comment) {
}
