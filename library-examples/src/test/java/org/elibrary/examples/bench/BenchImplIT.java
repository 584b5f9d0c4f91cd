package org.elibrary.examples.bench;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.elibrary.Backend;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The contract every implementation keeps for the harness, on a fresh database of each kind. */
class BenchImplIT {

    static Stream<Arguments> implementationsOnBothDatabases() {
        return BenchOptions.ALL_IMPLS.stream()
                .flatMap(impl -> Stream.of(Backend.values()).map(backend -> Arguments.of(impl, backend)));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("implementationsOnBothDatabases")
    void deletingABookThatIsNotThereFails(String name, Backend backend) {
        // phase 5 deletes books that exist: a delete that finds none must count as an error
        try (BenchImpl impl = Benchmark.open(name, backend, TestDatabases.newDatabaseUrl(backend))) {
            assertThatThrownBy(() -> impl.deleteBook(1)).hasStackTraceContaining("book 1 was not there to delete");
        }
    }
}
