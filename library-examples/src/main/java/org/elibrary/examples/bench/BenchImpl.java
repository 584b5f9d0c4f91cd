package org.elibrary.examples.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

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

    /**
     * Deletes one book with its comments and author links, in one transaction.
     *
     * @throws IllegalStateException if there was no such book ({@link #notThereToDelete}), which the harness
     *                               counts as an error: phase 5 deletes books that exist
     */
    void deleteBook(int bookId);

    Counts counts();

    @Override
    void close();

    /** What {@link #deleteBook} throws when the book was not there. */
    static IllegalStateException notThereToDelete(int bookId) {
        return new IllegalStateException("book " + bookId + " was not there to delete");
    }

    /**
     * A book's details reduced to what the harness checks.
     *
     * @param authors  the authors' names, in the order the details list them (by name)
     * @param comments how many comments the details list
     */
    record DetailsView(String title, List<String> authors, int comments) {
        public DetailsView {
            authors = List.copyOf(authors);
        }

        /** The view of a book whose details list {@code authors}, each named by {@code name}. */
        static <A> DetailsView of(String title, List<A> authors, Function<A, String> name, int comments) {
            List<String> names = new ArrayList<>(authors.size());
            for (A author : authors) {
                names.add(name.apply(author));
            }
            return new DetailsView(title, names, comments);
        }
    }
}
