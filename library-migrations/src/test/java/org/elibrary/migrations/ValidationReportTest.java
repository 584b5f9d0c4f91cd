package org.elibrary.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.elibrary.Backend;
import org.elibrary.migrations.ValidationReport.Kind;
import org.elibrary.migrations.ValidationReport.Problem;
import org.junit.jupiter.api.Test;

/** The report's two views of its problems, sentences and kinds, stay one list. */
class ValidationReportTest {
    private static final SchemaInfo INFO = new SchemaInfo(Backend.SQLITE, SchemaState.MANAGED, Optional.of("2"), "3",
            List.of(), List.of(new Migration("3", "unicode search", "Pending", Optional.empty())), false);

    @Test
    void theConstructorOfEarlierVersionsGivesProblemsOfKindOther() {
        ValidationReport report = new ValidationReport(false, List.of("V3 unicode search: not applied"), INFO);
        assertThat(report.problemDetails()).containsExactly(new Problem(Kind.OTHER, "V3 unicode search: not applied"));
        assertThat(report.kinds()).containsExactly(Kind.OTHER);
        assertThat(INFO.failed()).isEmpty();
    }

    @Test
    void ofKeepsTheOrderOfTheProblems() {
        ValidationReport report = ValidationReport.of(false,
                List.of(new Problem(Kind.PENDING, "b"), new Problem(Kind.CHANGED, "a")), INFO);
        assertThat(report.problems()).containsExactly("b", "a");
        assertThat(report.kinds()).containsExactly(Kind.PENDING, Kind.CHANGED);
    }

    @Test
    void detailsThatAreNotTheProblemsAreRefused() {
        assertThatThrownBy(() -> new ValidationReport(false, List.of("a"), INFO, List.of(new Problem(Kind.PENDING, "b"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("problemDetails");
    }
}
