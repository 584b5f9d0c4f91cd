package org.elibrary.examples.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.elibrary.migrations.Migrations;
import org.elibrary.migrations.ValidationReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code validate}: whether the schema matches the library's migrations with nothing pending (and on PostgreSQL
 * no id sequence behind its rows), as a deploy step gates on it: exit 0 when valid, 3 with one line per problem
 * when not, each with its kind ({@code [PENDING]}, {@code [FAILED]}, …; in {@code --json} the array
 * {@code problem_kinds}, parallel to {@code problems}). Says when the schema is ahead of this library's
 * migrations (still valid). Changes nothing.
 */
@Command(name = "validate", description = "Check the schema against the library's migrations (exit 3 if invalid).")
final class ValidateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        LibraryCli cli = (LibraryCli) spec.root().userObject();
        ValidationReport report = Migrations.from(cli.settings()).validate();
        PrintWriter out = spec.commandLine().getOut();
        if (cli.json) {
            try (JsonLines lines = new JsonLines(out)) {
                lines.write(json -> {
                    json.writeBooleanField("valid", report.valid());
                    json.writeStringField("version", report.info().currentVersion().orElse(null));
                    json.writeStringField("latest_version", report.info().latestVersion());
                    json.writeArrayFieldStart("problems");
                    for (String problem : report.problems()) {
                        json.writeString(problem);
                    }
                    json.writeEndArray();
                    Render.versions(json, "ahead", report.info().ahead());
                    json.writeArrayFieldStart("problem_kinds");
                    for (ValidationReport.Kind kind : report.kinds()) {
                        json.writeString(kind.name());
                    }
                    json.writeEndArray();
                });
            }
        } else if (report.valid()) {
            out.println("Valid: schema at version " + report.info().currentVersion().orElse("?")
                    + (report.info().ahead().isEmpty() ? ", as this library's migrations."
                            : ", ahead of this library's migrations (latest " + report.info().latestVersion() + "): "
                                    + Render.migrations(report.info().ahead())
                                    + " applied by a newer library version."));
        } else {
            out.println("Invalid:");
            for (ValidationReport.Problem problem : report.problemDetails()) {
                out.println("  [" + problem.kind() + "] " + problem.message());
            }
        }
        out.flush();
        return report.valid() ? ExitCodes.OK : ExitCodes.INVALID;
    }
}
