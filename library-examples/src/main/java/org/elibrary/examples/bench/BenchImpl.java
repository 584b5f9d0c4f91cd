package org.elibrary.examples.bench;

import java.util.List;
import java.util.Map;

/**
 * One way of doing the workload's operations against one fresh, migrated database. The harness
 * ({@link Benchmark}) owns the loops, the timing and the checks; an implementation owns only how each call
 * talks to the database.
 *
 * <p>Row numbers are turned into ids by the harness ({@link Workload#id(int)}), as the spec defines them.
 * Sequential phases call the blocking methods one after the other; the concurrent phase calls them from
 * {@link Workload#CONCURRENT_CALLERS} platform threads, unless the implementation is an
 * {@link AsyncBenchImpl}, whose futures are kept that many in flight instead.
 */
interface BenchImpl extends AutoCloseable {

    /** What the implementation runs with, for the output (pool sizes, pragmas, server settings). */
    Map<String, Object> settings();

    /** Inserts author rows {@code from..to-1} in one transaction. */
    void insertAuthors(Workload workload, int from, int to);

    /** Inserts book rows {@code from..to-1} and their author links in one transaction. */
    void insertBooks(Workload workload, int from, int to);

    /** Inserts user rows {@code from..to-1} in one transaction. */
    void insertUsers(Workload workload, int from, int to);

    /** Inserts comment rows {@code from..to-1} in one transaction. */
    void insertComments(Workload workload, int from, int to);

    /** One book with its authors (by name) and its comments (by id, with usernames), or null if absent. */
    DetailsView details(int bookId);

    /** The titles of the first {@code limit} books whose title contains {@code query}, any case, by title. */
    List<String> searchTitles(String query, int limit);

    /** Adds one comment in its own transaction. */
    void addComment(String text, int userId, int bookId);

    /** Deletes one book with its comments and author links, in one transaction. */
    void deleteBook(int bookId);

    Counts counts();

    @Override
    void close();

    /** A book's details reduced to what the harness checks. */
    record DetailsView(String title, int authors, int comments) {
    }
}
