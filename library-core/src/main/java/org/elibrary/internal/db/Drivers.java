package org.elibrary.internal.db;

/**
 * Which JDBC drivers are on the classpath. An application that uses one database may leave the other's
 * driver out (sqlite-jdbc is most of the library's dependencies by size), so code that runs for both
 * databases asks here before it names a driver's class: an {@code instanceof} of a missing class throws
 * {@link NoClassDefFoundError}.
 */
public final class Drivers {
    /** Whether sqlite-jdbc is present. */
    public static final boolean SQLITE = present("org.sqlite.SQLiteException");
    /** Whether pgjdbc is present. */
    public static final boolean POSTGRESQL = present("org.postgresql.PGConnection");

    private Drivers() {
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, Drivers.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
