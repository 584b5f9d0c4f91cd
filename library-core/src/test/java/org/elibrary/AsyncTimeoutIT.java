package org.elibrary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.elibrary.domain.User;
import org.elibrary.testing.Sleep;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link AsyncLibrary#withTimeout}: which limits it accepts, and when a call's clock starts. */
class AsyncTimeoutIT {
    private static final Duration BOUND = Duration.ofSeconds(60);

    /**
     * README, async: a call's limit is "counted from when it starts running", not while it waits in the queue. On
     * SQLite writes queue for the one writer: a call with a 1 s limit that waits 1.5 s behind another write and
     * then runs for 300 ms is within its limit. (Counted from submission it would be overdue as soon as it starts
     * and be cut short while it runs.)
     */
    @Test
    void aQueuedCallsClockStartsWhenItStartsRunning() throws Exception {
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(TestDatabases.newSqliteUrl()).build())) {
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Void> blocker = library.async().useTransaction(tx -> {
                holding.countDown();
                await(release);
            });
            assertThat(holding.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();

            CountDownLatch queuedStarted = new CountDownLatch(1);
            CompletableFuture<User> queued = library.async().withTimeout(Duration.ofSeconds(1)).inTransaction(tx -> {
                queuedStarted.countDown();
                Sleep.millis(300);
                return tx.users().create("patient");
            });
            Thread.sleep(1500);
            assertThat(queuedStarted.getCount()).as("the call waits behind the write that holds the writer").isOne();
            release.countDown();

            assertThat(blocker).succeedsWithin(BOUND);
            assertThat(queued).succeedsWithin(BOUND);
            assertThat(library.users().findByUsername("patient")).isPresent();
        }
    }

    /**
     * A call that failed on its own before its timeout fired (here: a duplicate, then a slow unwind past the
     * deadline) fails with its own error: the timeout, which came later and stopped nothing, must not mask it.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void aCallsOwnFailureIsNotReportedAsTheTimeoutThatFiredWhileItUnwound(Backend backend) {
        try (Library library = Library.open(LibrarySettings.builder()
                .databaseUrl(TestDatabases.newDatabaseUrl(backend)).build())) {
            library.users().create("taken");
            CompletableFuture<User> duplicate = library.async().withTimeout(Duration.ofMillis(200)).inTransaction(tx -> {
                try {
                    return tx.users().create("taken");
                } catch (DuplicateException e) {
                    Sleep.millis(600); // still unwinding when the timeout fires
                    throw e;
                }
            });

            assertThat(duplicate).failsWithin(BOUND).withThrowableThat()
                    .havingCause().isInstanceOf(DuplicateException.class).withMessageContaining("taken");
            assertThat(library.users().count()).isOne();
        }
    }

    /** README, Errors: a null argument of {@code withTimeout} is an InvalidInputException; Javadoc: so are zero and negative. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void aNullZeroOrNegativeTimeoutIsInvalidInputNamingTheTimeout(Backend backend) {
        try (Library library = Library.open(LibrarySettings.builder()
                .databaseUrl(TestDatabases.newDatabaseUrl(backend)).build())) {
            AsyncLibrary async = library.async();
            InvalidInputException e = catchThrowableOfType(InvalidInputException.class, () -> async.withTimeout(null));
            assertThat(e).isNotNull();
            assertThat(e.field()).isEqualTo("timeout");
            assertThat(e.rule()).contains("required");
            for (Duration bad : new Duration[] {Duration.ZERO, Duration.ofMillis(-1), Duration.ofSeconds(-5)}) {
                e = catchThrowableOfType(InvalidInputException.class, () -> async.withTimeout(bad));
                assertThat(e).as("withTimeout(%s)", bad).isNotNull();
                assertThat(e.field()).isEqualTo("timeout");
                assertThat(e.rule()).isEqualTo("must be positive");
            }
            assertThat(async.withTimeout(Duration.ofNanos(1)).timeout()).isEqualTo(Duration.ofNanos(1));
        }
    }

    /** Waits for {@code latch} up to the bound (in a call's work: it fails the call if never released). */
    static void await(CountDownLatch latch) {
        try {
            if (!latch.await(BOUND.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
