package org.elibrary.internal.async;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;

/** The record of the threads an engine owns, which close() waits for. */
class AsyncThreadsTest {

    @Test
    void aThreadMadeButNotStartedYetStaysRecordedWhenAnotherIsMade() throws InterruptedException {
        Set<Thread> owned = ConcurrentHashMap.newKeySet();
        ThreadFactory factory = AsyncThreads.recording(Thread::new, owned);
        CountDownLatch release = new CountDownLatch(1);
        Runnable waitForRelease = () -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };

        // two pool threads made at once: the first is not started (hence not alive) when the second is made
        Thread first = factory.newThread(waitForRelease);
        Thread second = factory.newThread(waitForRelease);

        assertThat(owned).containsExactlyInAnyOrder(first, second);
        first.start();
        second.start();
        release.countDown();
        first.join();
        second.join();
    }

    @Test
    void exitedThreadsAreForgotten() throws InterruptedException {
        Set<Thread> owned = ConcurrentHashMap.newKeySet();
        ThreadFactory factory = AsyncThreads.recording(Thread::new, owned);
        Thread exited = factory.newThread(() -> { });
        exited.start();
        exited.join();

        Thread next = factory.newThread(() -> { });

        assertThat(owned).containsExactly(next);
    }
}
