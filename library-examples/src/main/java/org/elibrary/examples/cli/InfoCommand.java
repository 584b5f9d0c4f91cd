package org.elibrary.examples.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.elibrary.LibrarySettings;
import org.elibrary.migrations.Migrations;
import org.elibrary.migrations.SchemaInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code info}: backend, database, schema version, pending migrations (and versions ahead of this library's, and
 * a failed migration with what to do: {@code failed} in {@code --json}), APP_TITLE. Changes nothing.
 */
@Command(name = "info", description = "Show the backend, schema version, pending migrations and APP_TITLE.")
final class InfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        LibraryCli cli = (LibraryCli) spec.root().userObject();
        LibrarySettings settings = cli.settings();
        SchemaInfo info = Migrations.from(settings).info();
        PrintWriter out = spec.commandLine().getOut();
        String backend = info.backend().name().toLowerCase(Locale.ROOT);
        if (cli.json) {
            try (JsonLines lines = new JsonLines(out)) {
                lines.write(json -> {
                    json.writeStringField("backend", backend);
                    json.writeStringField("database", settings.displayUrl());
                    json.writeStringField("app_title", settings.appTitle());
                    json.writeStringField("state", info.state().name());
                    json.writeStringField("version", info.currentVersion().orElse(null));
                    json.writeStringField("latest_version", info.latestVersion());
                    Render.versions(json, "pending", info.pending());
                    json.writeBooleanField("adopted", info.adopted());
                    Render.versions(json, "ahead", info.ahead());
                    Render.versions(json, "failed", info.failed());
                });
            }
            return ExitCodes.OK;
        }
        Table table = new Table("", "");
        table.row("backend", backend);
        table.row("database", settings.displayUrl());
        table.row("APP_TITLE", settings.appTitle());
        table.row("schema", describe(info));
        table.row("version", info.currentVersion().orElse("none") + " (latest " + info.latestVersion()
                + (info.ahead().isEmpty() ? "" : "; ahead of this library: " + Render.migrations(info.ahead())) + ")");
        for (String failure : info.failures()) {
            table.row("failed", failure);
        }
        table.row("pending", info.pending().isEmpty() ? "none" : Render.migrations(info.pending()));
        table.printWithoutHeader(out);
        return ExitCodes.OK;
    }

    private static String describe(SchemaInfo info) {
        switch (info.state()) {
            case EMPTY:
                return "empty (migrate creates it)";
            case PYTHON_APP_SCHEMA:
                return "made by the Python app, not yet adopted (migrate adopts it)";
            case MANAGED:
                return info.adopted() ? "managed (adopted from the Python app)" : "managed";
            default:
                return "foreign tables: not a library database, migrate refuses to touch it";
        }
    }
}
