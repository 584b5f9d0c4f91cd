package org.elibrary.examples.cli;

import java.util.concurrent.Callable;
import org.elibrary.Library;
import org.elibrary.LibrarySettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code migrate}: brings the schema up to date (adopting a database the Python app made). */
@Command(name = "migrate", description = "Apply pending migrations (adopts a database the Python app made).")
final class MigrateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        LibraryCli cli = (LibraryCli) spec.root().userObject();
        LibrarySettings settings = cli.settings();
        // TODO(foundation): report applied versions through org.elibrary.migrations.Migrations.
        try (Library library = Library.open(settings)) {
            spec.commandLine().getOut().println("Schema up to date on " + library.backend());
        }
        return ExitCodes.OK;
    }
}
