package org.elibrary.internal.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.elibrary.internal.schema.SchemaMigratorIT.dataSource;
import static org.elibrary.internal.schema.SchemaMigratorIT.execute;
import static org.elibrary.internal.schema.SchemaMigratorIT.insertPythonAppData;
import static org.elibrary.internal.schema.SchemaMigratorIT.seedDdl;

import java.sql.Connection;
import org.elibrary.Backend;
import org.elibrary.testing.CountingDataSource;
import org.junit.jupiter.api.Test;

/** PostgreSQL only (SQLite has no sequences): which id sequences are behind their tables' rows. */
class IdSequencesIT {

    /**
     * One statement for the four tables, whatever state each sequence is in: never called (next value its
     * start), called, set with {@code setval(…, false)} (next value the one set, not one past it), ahead.
     */
    @Test
    void oneStatementReadsEverySequenceAsItIs() throws Exception {
        CountingDataSource dataSource = new CountingDataSource(dataSource(Backend.POSTGRESQL));
        execute(dataSource, seedDdl(Backend.POSTGRESQL));
        insertPythonAppData(dataSource); // author 1, 2; book 1, 2; user 1; comment 1
        execute(dataSource, "SELECT setval(pg_get_serial_sequence('book', 'id'), 2, false);\n"
                + "SELECT setval(pg_get_serial_sequence('\"user\"', 'id'), 2, false);\n"
                + "SELECT setval(pg_get_serial_sequence('comment', 'id'), 40);\n");
        dataSource.reset();

        try (Connection connection = dataSource.getConnection()) {
            assertThat(IdSequences.behind(connection)).containsExactly(
                    new IdSequences.Behind("author", "public.author_id_seq", 1, 2),
                    new IdSequences.Behind("book", "public.book_id_seq", 2, 2));
        }
        assertThat(dataSource.executions()).isEqualTo(1);
    }
}
