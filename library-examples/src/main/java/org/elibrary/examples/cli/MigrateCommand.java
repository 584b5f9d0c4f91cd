package org.elibrary.examples.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.elibrary.migrations.MigrationReport;
import org.elibrary.migrations.Migrations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code migrate}: brings the schema up to date with the library's migrations: creates it in an empty
 * database, adopts a database the Python app made (after checking its foreign keys), applies what is pending.
 * Prints what the adoption repaired besides (on PostgreSQL, id sequences left behind by rows with explicit ids),
 * one line each, and in {@code --json} as {@code repairs}; says when the schema is ahead of this library's
 * migrations (a newer library version migrated it; {@code ahead} in {@code --json}).
 */
@Command(name = "migrate", description = "Apply pending migrations (adopts a database the Python app made).")
final class MigrateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        LibraryCli cli = (LibraryCli) spec.root().userObject();
        MigrationReport report = Migrations.from(cli.settings()).migrate();
        PrintWriter out = spec.commandLine().getOut();
        if (cli.json) {
            try (JsonLines lines = new JsonLines(out)) {
                lines.write(json -> {
                    json.writeStringField("backend", report.backend().name().toLowerCase(Locale.ROOT));
                    json.writeStringField("state_before", report.stateBefore().name());
                    json.writeStringField("version_before", report.versionBefore().orElse(null));
                    json.writeStringField("version", report.versionAfter());
                    Render.versions(json, "applied", report.applied());
                    json.writeBooleanField("adopted", report.adopted());
                    json.writeBooleanField("ahead", report.ahead());
                    json.writeArrayFieldStart("repairs");
                    for (String repair : report.repairs()) {
                        json.writeString(repair);
                    }
                    json.writeEndArray();
                });
            }
            return ExitCodes.OK;
        }
        if (report.adopted()) {
            out.println("Adopted the Python app's database: checked its foreign keys and recorded it at V1.");
        }
        for (String repair : report.repairs()) {
            out.println("  " + repair);
        }
        if (report.applied().isEmpty()) {
            out.println(report.ahead()
                    ? "Schema at version " + report.versionAfter() + ", ahead of this library's migrations: a newer "
                            + "library version migrated it; nothing applied."
                    : "Schema up to date at version " + report.versionAfter() + "; nothing applied.");
        } else {
            out.println("Applied " + Render.migrations(report.applied()));
            out.println("Schema now at version " + report.versionAfter() + ".");
        }
        out.flush();
        return ExitCodes.OK;
    }
}
