package org.elibrary.internal.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * Makes the library's own HikariCP pools, with weak references in their per-thread lists of connections.
 *
 * <p>HikariCP keeps, on each thread that returned a connection to a pool, a thread-local list of the pool's
 * connections. Loaded by the system class loader (an application run from a class path, a test suite) it holds
 * them strongly, and each entry refers back through its pool to the thread-local itself, so the JVM can never
 * drop it: every pool a long-lived thread had used stayed reachable after its close, for the thread's life (HikariCP
 * issue 2311). A Library opened per test or per request thus kept some 9 KB per Library on each calling thread,
 * without end. With weak references (HikariCP's choice under any other class loader, an application server's or
 * Spring Boot's) a closed pool is collected and its entries with it.
 *
 * <p>HikariCP reads that choice from the system property {@value #WEAK_REFERENCES} when it makes a pool, and offers no
 * other switch. It is set only while the library makes its pools and only when the application has not set it, and
 * removed once no open of a Library is making one: a pool the application makes at that moment gets weak references
 * too, which changes nothing but a little speed. The caller's own pool ({@code Library.open(dataSource)}) is the
 * caller's, as is its choice.
 */
final class OwnPools {
    static final String WEAK_REFERENCES = "com.zaxxer.hikari.useWeakReferences";

    private static final Object LOCK = new Object();
    /** How many pools are being made now; guarded by {@link #LOCK}. */
    private static int making;
    /** Whether the property was set here (not by the application); guarded by {@link #LOCK}. */
    private static boolean setHere;

    private OwnPools() {
    }

    /** {@code new HikariDataSource(config)}, with weak references in its thread-local lists. */
    static HikariDataSource newPool(HikariConfig config) {
        synchronized (LOCK) {
            if (making++ == 0 && System.getProperty(WEAK_REFERENCES) == null) {
                System.setProperty(WEAK_REFERENCES, "true");
                setHere = true;
            }
        }
        try {
            return new HikariDataSource(config);
        } finally {
            synchronized (LOCK) {
                if (--making == 0 && setHere) {
                    System.clearProperty(WEAK_REFERENCES);
                    setHere = false;
                }
            }
        }
    }
}
