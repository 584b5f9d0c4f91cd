package org.elibrary.examples.cli;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.elibrary.AuthorRepository;
import org.elibrary.BookRepository;
import org.elibrary.InvalidInputException;
import org.elibrary.UserRepository;
import org.elibrary.domain.Author;
import org.elibrary.domain.BookWithAuthors;
import org.elibrary.domain.User;

/**
 * Walks one of the library's keyset-paginated lists one page in memory at a time, so a listing or an export of
 * any size runs in constant memory. The first page comes after a row id ({@code --after ID}, or 0 for the
 * start: {@code listAfter(afterId, limit)}), each next one after the sort key of the last row received
 * ({@code listAfterTitle(afterTitle, limit)}, ...), so a row another client deletes meanwhile does not end
 * the walk.
 */
final class Pager<T> {
    /** Rows fetched per query (the library accepts up to 1000). */
    static final int PAGE_SIZE = 500;

    /** A list's page after the row with id {@code afterId} (0 for the first page). */
    @FunctionalInterface
    interface AfterId<T> {
        List<T> fetch(long afterId, int limit);
    }

    /** A list's page after the sort key {@code afterKey}, in the same order. */
    @FunctionalInterface
    interface AfterKey<T> {
        List<T> fetch(String afterKey, int limit);
    }

    /**
     * A keyset-paginated list: its pages after an id and after a key, and the key of a row.
     *
     * @param afterId  the first page
     * @param afterKey the next pages
     * @param key      a row's sort key (title, name, username)
     * @param <T>      the row type
     */
    record Pages<T>(AfterId<T> afterId, AfterKey<T> afterKey, Function<T, String> key) {
        static Pages<BookWithAuthors> books(BookRepository books) {
            return new Pages<>(books::listAfter, books::listAfterTitle, BookWithAuthors::title);
        }

        static Pages<BookWithAuthors> booksByTitle(BookRepository books, String query) {
            return new Pages<>((afterId, limit) -> books.searchByTitleAfter(query, afterId, limit),
                    (afterTitle, limit) -> books.searchByTitleAfterTitle(query, afterTitle, limit),
                    BookWithAuthors::title);
        }

        static Pages<BookWithAuthors> booksByAuthor(BookRepository books, String query) {
            return new Pages<>((afterId, limit) -> books.searchByAuthorAfter(query, afterId, limit),
                    (afterTitle, limit) -> books.searchByAuthorAfterTitle(query, afterTitle, limit),
                    BookWithAuthors::title);
        }

        static Pages<Author> authors(AuthorRepository authors) {
            return new Pages<>(authors::listAfter, authors::listAfterName, Author::name);
        }

        static Pages<Author> authorsByName(AuthorRepository authors, String query) {
            return new Pages<>((afterId, limit) -> authors.searchAfter(query, afterId, limit),
                    (afterName, limit) -> authors.searchAfterName(query, afterName, limit), Author::name);
        }

        static Pages<User> users(UserRepository users) {
            return new Pages<>(users::listAfter, users::listAfterUsername, User::username);
        }
    }

    private final Integer limit;
    private final long after;
    private final Pages<T> pages;
    private final Predicate<T> filter;

    /**
     * @param limit at most this many rows in all, or null for all of them
     * @param after continue after the row with this id, or null to start at the beginning
     */
    Pager(Integer limit, Long after, Pages<T> pages) {
        this(limit, after, pages, null);
    }

    /**
     * Only the rows that pass {@code filter} (all of them if it is null) count towards the limit and reach
     * the action; the others only move the keyset on.
     */
    Pager(Integer limit, Long after, Pages<T> pages, Predicate<T> filter) {
        this.limit = checkLimit(limit);
        this.after = after == null ? 0 : after;
        this.pages = pages;
        this.filter = filter;
    }

    private static Integer checkLimit(Integer limit) {
        if (limit != null && limit < 1) {
            throw new InvalidInputException("limit", "must be at least 1");
        }
        return limit;
    }

    void forEach(Consumer<T> action) {
        String cursor = null;
        long remaining = limit == null ? Long.MAX_VALUE : limit;
        while (remaining > 0) {
            // a filter may drop rows, so a page then cannot be cut to what is still wanted
            int size = filter == null ? (int) Math.min(PAGE_SIZE, remaining) : PAGE_SIZE;
            List<T> page = cursor == null ? pages.afterId().fetch(after, size) : pages.afterKey().fetch(cursor, size);
            for (T item : page) {
                cursor = pages.key().apply(item);
                if (filter == null || filter.test(item)) {
                    action.accept(item);
                    if (--remaining == 0) {
                        return;
                    }
                }
            }
            if (page.size() < size) {
                return;
            }
        }
    }
}
