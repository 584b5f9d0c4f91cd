package org.elibrary.examples.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.elibrary.Library;
import org.elibrary.LibrarySettings;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that works on the catalog: opens the {@link Library} the global options describe, runs, and
 * closes it. Whatever it throws goes to {@link ExitCodes.Handler}.
 */
abstract class CatalogCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() {
        LibrarySettings settings = cli().settings();
        beforeOpen(settings);
        try (Library library = Library.open(settings)) {
            run(library);
        }
        out().flush();
        return ExitCodes.OK;
    }

    /** Work before the library opens (which migrates, unless DATABASE_MIGRATE_ON_OPEN=false). */
    void beforeOpen(LibrarySettings settings) {
    }

    abstract void run(Library library);

    LibraryCli cli() {
        return (LibraryCli) spec.root().userObject();
    }

    boolean json() {
        return cli().json;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
