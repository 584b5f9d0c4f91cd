package org.elibrary.examples.bench;

import java.util.List;
import java.util.Locale;

/**
 * The catalog workload, version 1 ({@code docs/workload.md}): the deterministic data and the
 * operations of every phase, as pure functions of the scale and a row or operation number.
 *
 * <p>Nothing is materialised: each implementation asks for the rows of one batch at a time, so scale 10
 * runs in a small heap.
 */
final class Workload {
    /** The sixteen title words, in the spec's order. */
    static final List<String> WORDS = List.of(
            "war", "peace", "мир", "война", "river", "река", "night", "ночь",
            "garden", "сад", "winter", "зима", "road", "дорога", "light", "свет");

    static final int BATCH_ROWS = 1_000;
    static final int DETAILS_OPS = 20_000;
    static final int SEARCH_OPS = 2_000;
    static final int SEARCH_LIMIT = 20;
    static final int CONCURRENT_OPS = 20_000;
    static final int CONCURRENT_CALLERS = 64;
    static final int DELETE_OPS = 1_000;
    /** Comment {@code j} goes to book row {@code j * 31 mod B}. */
    private static final int COMMENT_BOOK_STEP = 31;

    final int scale;
    final int authors;
    final int books;
    final int users;
    final int comments;
    final int detailsOps;
    final int searchOps;
    final int concurrentOps;
    final int deleteOps;

    /**
     * @param opsDivisor 1 for the spec; larger values divide the operation counts of phases 2 to 5 (never
     *                   the data), so tests can run the whole workload quickly
     */
    Workload(int scale, int opsDivisor) {
        if (scale < 1 || scale > BenchOptions.MAX_SCALE) {
            throw new IllegalArgumentException("scale must be within 1.." + BenchOptions.MAX_SCALE + ", was " + scale);
        }
        if (opsDivisor < 1 || opsDivisor > DELETE_OPS) {
            throw new IllegalArgumentException("opsDivisor must be within 1.." + DELETE_OPS + ", was " + opsDivisor);
        }
        this.scale = scale;
        this.authors = 2_000 * scale;
        this.books = 10_000 * scale;
        this.users = 1_000 * scale;
        this.comments = 50_000 * scale;
        this.detailsOps = DETAILS_OPS / opsDivisor;
        this.searchOps = SEARCH_OPS / opsDivisor;
        this.concurrentOps = CONCURRENT_OPS / opsDivisor;
        this.deleteOps = DELETE_OPS / opsDivisor;
    }

    // ---- data

    String authorName(int i) {
        return (i % 2 == 0 ? "Author " : "Автор ") + zeroPad(i, 6);
    }

    String bookTitle(int i) {
        return "Book " + zeroPad(i, 7) + " " + WORDS.get(i % WORDS.size());
    }

    /** The author rows book {@code i} links to, duplicates dropped, in the spec's order. */
    int[] bookAuthorRows(int i) {
        int first = (int) (i % (long) authors);
        int second = (int) ((i * 7L + 3) % authors);
        int third = i % 5 == 0 ? (int) ((i * 13L + 5) % authors) : -1;
        int[] rows = new int[3];
        int n = 0;
        rows[n++] = first;
        if (second != first) {
            rows[n++] = second;
        }
        if (third >= 0 && third != first && third != second) {
            rows[n++] = third;
        }
        return n == 3 ? rows : java.util.Arrays.copyOf(rows, n);
    }

    String username(int i) {
        return "user" + zeroPad(i, 5);
    }

    String commentText(int j) {
        return "Comment " + j + " on book";
    }

    int commentUserRow(int j) {
        return j % users;
    }

    int commentBookRow(int j) {
        return (int) ((j * (long) COMMENT_BOOK_STEP) % books);
    }

    // ---- operations

    int detailsBookRow(int k) {
        return (int) ((k * 7919L) % books);
    }

    String searchQuery(int k) {
        String word = WORDS.get(k % WORDS.size());
        return k % 2 == 0 ? word.toUpperCase(Locale.ROOT) : word;
    }

    /** The titles a correct search for query {@code k} returns, in order (searches run before any delete). */
    List<String> expectedSearchTitles(int k) {
        int word = k % WORDS.size();
        int found = (books - word + WORDS.size() - 1) / WORDS.size();
        int n = Math.min(SEARCH_LIMIT, found);
        String[] titles = new String[n];
        for (int m = 0; m < n; m++) {
            titles[m] = bookTitle(word + m * WORDS.size());
        }
        return List.of(titles);
    }

    static boolean concurrentIsWrite(int k) {
        return k % 5 == 4;
    }

    String concurrentCommentText(int k) {
        return "Concurrent " + k;
    }

    int concurrentUserRow(int k) {
        return k % users;
    }

    int concurrentBookRow(int k) {
        return (int) ((k * 17L) % books);
    }

    /** Phase 5 deletes book rows {@code 0..deleteOps-1}. */
    int deleteBookRow(int k) {
        return k;
    }

    /** The database id of row {@code row} of any table, on a fresh database (the spec's convention). */
    static int id(int row) {
        return row + 1;
    }

    // ---- expectations

    /**
     * The details a correct lookup of book {@code row} returns between the import and the deletes: its title,
     * its authors' names (here in code-point order; the database lists them in its collation's, which the
     * check leaves to it), and the comments the import gave it.
     */
    BenchImpl.DetailsView expectedDetails(int row) {
        int[] authorRows = bookAuthorRows(row);
        String[] names = new String[authorRows.length];
        for (int a = 0; a < authorRows.length; a++) {
            names[a] = authorName(authorRows[a]);
        }
        java.util.Arrays.sort(names);
        return new BenchImpl.DetailsView(bookTitle(row), List.of(names), importedComments(row));
    }

    /**
     * How many comments the import gives book {@code row}. Comment {@code j} goes to book {@code 31j mod B}, and
     * there are 5 comments per book ({@code 50,000 S = 5 * 10,000 S}): with g = gcd(31, B), the books whose row is
     * a multiple of g get 5g each and the others none. g is 1, so every book has exactly 5, unless S is a
     * multiple of 31.
     */
    int importedComments(int row) {
        int g = books % COMMENT_BOOK_STEP == 0 ? COMMENT_BOOK_STEP : 1; // the step is a prime
        return row % g == 0 ? (int) ((long) comments * g / books) : 0;
    }

    /** Rows the import phase inserts across all five tables. */
    long importRows() {
        return (long) authors + books + links(0) + users + comments;
    }

    /** The counts every correct implementation ends with. */
    Counts expectedCounts() {
        int removedComments = 0;
        for (int j = 0; j < comments; j++) {
            if (commentBookRow(j) < deleteOps) {
                removedComments++;
            }
        }
        int addedComments = 0;
        for (int k = 0; k < concurrentOps; k++) {
            if (concurrentIsWrite(k)) {
                addedComments++;
                if (concurrentBookRow(k) < deleteOps) {
                    removedComments++;
                }
            }
        }
        return new Counts(authors, books - deleteOps, links(deleteOps), users,
                comments + addedComments - removedComments);
    }

    private long links(int fromBookRow) {
        long links = 0;
        for (int i = fromBookRow; i < books; i++) {
            links += bookAuthorRows(i).length;
        }
        return links;
    }

    /** Like {@code String.format("%0<width>d")}, without the Formatter's cost or its locale's digits. */
    private static String zeroPad(int value, int width) {
        String digits = Integer.toString(value);
        if (digits.length() >= width) {
            return digits;
        }
        return "0".repeat(width - digits.length()) + digits;
    }
}
