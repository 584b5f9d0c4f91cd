package org.elibrary.examples.cli;

import java.util.concurrent.Callable;
import org.elibrary.LibrarySettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code info}: backend, schema version, pending migrations, APP_TITLE. Changes nothing. */
@Command(name = "info", description = "Show the backend, schema version, pending migrations and APP_TITLE.")
final class InfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        LibraryCli cli = (LibraryCli) spec.root().userObject();
        LibrarySettings settings = cli.settings();
        // TODO(foundation): schema version and pending migrations through org.elibrary.migrations.Migrations.
        spec.commandLine().getOut().println("backend:   " + settings.backend().name().toLowerCase(java.util.Locale.ROOT));
        spec.commandLine().getOut().println("database:  " + settings.displayUrl());
        spec.commandLine().getOut().println("APP_TITLE: " + settings.appTitle());
        return ExitCodes.OK;
    }
}
