package org.elibrary;

import org.sqlite.SQLiteDataSource;

/**
 * Run by {@link WithoutMigrationsIT} in a JVM of its own whose classpath lacks library-migrations' scripts, as an
 * application that depends on library-core alone: opens the SQLite file {@code args[0]} over a caller's DataSource
 * and from settings, and prints each refusal's message on a line of its own.
 */
public final class WithoutMigrationsApp {
    private WithoutMigrationsApp() {
    }

    public static void main(String[] args) {
        SQLiteDataSource dataSource = new SQLiteDataSource();
        dataSource.setUrl("jdbc:sqlite:" + args[0]);
        for (Runnable open : new Runnable[] {() -> Library.open(dataSource).close(),
            () -> Library.open(LibrarySettings.builder().databaseUrl("jdbc:sqlite:" + args[0]).build()).close()}) {
            try {
                open.run();
                System.out.println("opened");
            } catch (ConfigurationException refused) {
                System.out.println(refused.getMessage());
            }
        }
    }
}
