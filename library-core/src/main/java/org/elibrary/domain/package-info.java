/**
 * The catalog's data as immutable records: the four entities ({@link org.elibrary.domain.Author},
 * {@link org.elibrary.domain.Book}, {@link org.elibrary.domain.User}, {@link org.elibrary.domain.Comment}),
 * the read models callers need ({@link org.elibrary.domain.BookDetails},
 * {@link org.elibrary.domain.AuthorDetails}, {@link org.elibrary.domain.BookWithAuthors},
 * {@link org.elibrary.domain.Page}, {@link org.elibrary.domain.CatalogCounts}) and the inputs of bulk
 * operations ({@link org.elibrary.domain.NewBook}, {@link org.elibrary.domain.NewComment}).
 *
 * <p>No MyBatis or JDBC type appears here. Lists inside records are unmodifiable copies.
 */
package org.elibrary.domain;
