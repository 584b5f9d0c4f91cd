package org.elibrary.examples.bench;

/** Rows per table at the end of a run: the workload's final counts line. */
public record Counts(long author, long book, long authorBook, long user, long comment) {
}
