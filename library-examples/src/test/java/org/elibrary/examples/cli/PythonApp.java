package org.elibrary.examples.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.elibrary.Backend;
import org.elibrary.internal.schema.SchemaMigrator;

/** A database as the Python app leaves it: its five tables (the V1 DDL), some rows, no migration history. */
final class PythonApp {
    private PythonApp() {
    }

    static void createSchema(Backend backend, String jdbcUrl, String... inserts) throws Exception {
        String ddl = v1(backend);
        try (Connection connection = DriverManager.getConnection(jdbcUrl);
             Statement statement = connection.createStatement()) {
            for (String sql : ddl.split(";")) {
                String withoutComments = sql.lines().filter(line -> !line.strip().startsWith("--"))
                        .reduce("", (a, b) -> a + "\n" + b).strip();
                if (!withoutComments.isEmpty()) {
                    statement.execute(withoutComments);
                }
            }
            for (String insert : inserts) {
                statement.execute(insert);
            }
        }
    }

    private static String v1(Backend backend) throws IOException {
        String resource = SchemaMigrator.scripts(backend) + "/V1__seed_schema.sql";
        try (InputStream in = PythonApp.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the test classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
