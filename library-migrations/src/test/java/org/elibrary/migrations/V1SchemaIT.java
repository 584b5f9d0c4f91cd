package org.elibrary.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.elibrary.Backend;
import org.elibrary.internal.schema.SchemaMigrator;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * V1 creates exactly the schema the Python app's models emit: the reference DDL (a copy of
 * {@code shared/seed/ddl-*.sql}) is run in one database, our V1 migration in another, and their catalogs are
 * compared table for table, column for column: names, types, lengths, NOT NULL, primary keys, UNIQUE and
 * foreign keys.
 */
class V1SchemaIT {
    private static final List<String> TABLES = List.of("author", "author_book", "book", "comment", "user");

    @ParameterizedTest
    @EnumSource(Backend.class)
    void v1ScriptIsTheReferenceDdlVerbatim(Backend backend) {
        String folder = backend.name().toLowerCase(Locale.ROOT);
        String reference = Sql.resource("reference/ddl-" + folder + ".sql");
        String v1 = Sql.resource(SchemaMigrator.scripts(backend) + "/V1__seed_schema.sql");
        String withoutHeader = v1.replaceFirst("\\A(--[^\\n]*\\n)+\\n", "");
        assertThat(withoutHeader).isEqualTo(reference);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void v1CreatesTheSameCatalogAsTheReferenceDdl(Backend backend) throws SQLException {
        String folder = backend.name().toLowerCase(Locale.ROOT);
        DataSource reference = Sql.newDatabase(backend);
        Sql.script(reference, Sql.resource("reference/ddl-" + folder + ".sql"));

        DataSource ours = Sql.newDatabase(backend);
        Flyway.configure().dataSource(ours).locations("classpath:" + SchemaMigrator.scripts(backend)).target("1").load()
                .migrate();

        List<String> expected = catalog(reference, backend);
        List<String> actual = catalog(ours, backend);
        assertThat(expected).hasSizeGreaterThan(25); // the comparison is not vacuous
        assertThat(actual).containsExactlyElementsOf(expected);
    }

    /** One line per fact of the five tables, in a stable order. */
    private static List<String> catalog(DataSource dataSource, Backend backend) throws SQLException {
        List<String> facts = new ArrayList<>();
        if (backend == Backend.SQLITE) {
            for (String table : TABLES) {
                facts.add("sql " + table + ": " + Sql.strings(dataSource,
                        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '" + table + "'"));
                for (String column : Sql.strings(dataSource, "SELECT cid, name, type, \"notnull\", dflt_value, pk "
                        + "FROM pragma_table_info('" + table + "') ORDER BY cid")) {
                    facts.add("column " + table + ": " + column);
                }
                for (String index : Sql.strings(dataSource, "SELECT il.\"unique\", il.origin, "
                        + "(SELECT group_concat(name, ',') FROM pragma_index_info(il.name)) "
                        + "FROM pragma_index_list('" + table + "') il ORDER BY 3")) {
                    facts.add("index " + table + ": " + index);
                }
                for (String key : Sql.strings(dataSource, "SELECT \"table\", \"from\", \"to\", on_update, on_delete "
                        + "FROM pragma_foreign_key_list('" + table + "') ORDER BY \"from\"")) {
                    facts.add("foreign key " + table + ": " + key);
                }
            }
            facts.add("tables: " + Sql.strings(dataSource,
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'flyway%' ORDER BY name"));
        } else {
            String inTables = "('author','author_book','book','comment','user')";
            facts.add("tables: " + Sql.strings(dataSource, "SELECT table_name FROM information_schema.tables "
                    + "WHERE table_schema = current_schema() AND table_name <> 'flyway_schema_history' ORDER BY 1"));
            facts.addAll(Sql.strings(dataSource, "SELECT 'column ' || table_name || '.' || column_name, data_type, "
                    + "character_maximum_length, is_nullable, column_default, ordinal_position "
                    + "FROM information_schema.columns WHERE table_schema = current_schema() AND table_name IN "
                    + inTables + " ORDER BY table_name, ordinal_position"));
            facts.addAll(Sql.strings(dataSource, "SELECT 'constraint ' || tc.table_name || ' ' || tc.constraint_type, "
                    + "tc.constraint_name, string_agg(kcu.column_name, ',' ORDER BY kcu.ordinal_position) "
                    + "FROM information_schema.table_constraints tc JOIN information_schema.key_column_usage kcu "
                    + "ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema "
                    + "WHERE tc.table_schema = current_schema() AND tc.table_name IN " + inTables
                    + " GROUP BY tc.table_name, tc.constraint_type, tc.constraint_name ORDER BY 1, 2"));
            facts.addAll(Sql.strings(dataSource, "SELECT 'references ' || conrelid::regclass::text, conname, "
                    + "pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = current_schema()::regnamespace "
                    + "AND conrelid::regclass::text <> 'flyway_schema_history' ORDER BY 1, 2"));
            facts.addAll(Sql.strings(dataSource, "SELECT 'index ' || tablename, indexname, indexdef FROM pg_indexes "
                    + "WHERE schemaname = current_schema() AND indexname NOT LIKE 'flyway%' ORDER BY 1, 2"));
            facts.addAll(Sql.strings(dataSource, "SELECT 'sequence ' || sequence_name, data_type, start_value, "
                    + "increment FROM information_schema.sequences WHERE sequence_schema = current_schema() ORDER BY 1"));
        }
        return facts;
    }
}
