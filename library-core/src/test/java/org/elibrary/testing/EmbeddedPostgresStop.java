package org.elibrary.testing;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Stops the embedded PostgreSQL server of {@link TestDatabases} when the test run ends, while surefire or failsafe
 * still waits for it: after its tests the fork ends with {@code System.exit}, and kills a JVM whose shutdown hooks
 * still run 30 s later. The shutdown hook that stops it stays for a JVM without a launcher (a main of the tests).
 * Registered in {@code META-INF/services}, so it runs in every launcher session (an IDE's too).
 */
public final class EmbeddedPostgresStop implements LauncherSessionListener {
    @Override
    public void launcherSessionClosed(LauncherSession session) {
        TestDatabases.stopEmbeddedPostgres();
    }
}
