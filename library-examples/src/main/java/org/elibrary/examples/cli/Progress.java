package org.elibrary.examples.cli;

import java.io.PrintStream;

/** A count rewritten in place on a terminal's stderr; silent when stderr is not a terminal. */
final class Progress {
    private static final long EVERY = 1_000;

    private final PrintStream terminal;
    private final String label;
    private long count;

    /** @param terminal stderr when it is a terminal, otherwise null */
    Progress(PrintStream terminal, String label) {
        this.terminal = terminal;
        this.label = label;
    }

    void tick() {
        count++;
        if (terminal != null && count % EVERY == 0) {
            terminal.print("\r" + label + " " + count + " rows");
            terminal.flush();
        }
    }

    void done() {
        if (terminal != null && count >= EVERY) {
            terminal.println("\r" + label + " " + count + " rows");
        }
    }
}
