package org.elibrary.internal.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.elibrary.Backend;

/**
 * The keys and constraints of the Python app's schema that the library relies on, checked before a database
 * is adopted: the primary keys (author_book's composite one), the UNIQUE constraints on author.name,
 * book.title and user.username (without them a duplicate is written instead of raising DuplicateException),
 * NOT NULL on every column, and the four foreign keys. A UNIQUE index counts as much as a UNIQUE constraint:
 * both are enforced the same way. Column types are not compared: SQLite does not enforce them.
 */
final class SeedConstraints {
    /** The seed's primary keys. */
    static final Map<String, Set<String>> PRIMARY_KEYS = Map.of(
            "author", Set.of("id"), "book", Set.of("id"), "user", Set.of("id"),
            "author_book", Set.of("author_id", "book_id"), "comment", Set.of("id"));
    /** The seed's UNIQUE constraints besides the primary keys. */
    static final Map<String, Set<String>> UNIQUE = Map.of(
            "author", Set.of("name"), "book", Set.of("title"), "user", Set.of("username"));

    private SeedConstraints() {
    }

    /** What the database lacks, as "PRIMARY KEY (…) on table" phrases; empty when it has everything. */
    static List<String> missing(Connection connection, Backend backend) throws SQLException {
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Set<String>> table : SchemaMigrator.SEED_TABLES.entrySet()) {
            String name = table.getKey();
            Keys keys = backend == Backend.SQLITE ? sqliteKeys(connection, name) : postgresKeys(connection, name);
            Set<String> primaryKey = PRIMARY_KEYS.get(name);
            if (!keys.primaryKey.equals(primaryKey)) {
                missing.add("PRIMARY KEY (" + columns(primaryKey) + ") on " + name);
            }
            Set<String> unique = UNIQUE.get(name);
            if (unique != null && !keys.uniqueSets.contains(unique)) {
                missing.add("UNIQUE (" + columns(unique) + ") on " + name);
            }
            Set<String> nullable = new TreeSet<>(table.getValue());
            nullable.removeAll(keys.notNull);
            for (String column : nullable) {
                missing.add("NOT NULL on " + name + "." + column);
            }
        }
        for (String[] key : SchemaMigrator.SEED_FOREIGN_KEYS) {
            Set<String> declared = backend == Backend.SQLITE ? sqliteForeignKeys(connection, key[0])
                    : postgresForeignKeys(connection, key[0]);
            if (!declared.contains(key[1] + "->" + key[2])) {
                missing.add("FOREIGN KEY (" + key[1] + ") REFERENCES " + key[2] + " on " + key[0]);
            }
        }
        return missing;
    }

    private static String columns(Set<String> columns) {
        return String.join(", ", new TreeSet<>(columns));
    }

    /** A table's primary key columns, the column sets of its unique constraints and indexes, its NOT NULL columns. */
    private record Keys(Set<String> primaryKey, Set<Set<String>> uniqueSets, Set<String> notNull) {
    }

    private static Keys sqliteKeys(Connection connection, String table) throws SQLException {
        Set<String> primaryKey = new HashSet<>();
        Set<String> notNull = new HashSet<>();
        String rowidAlias = null;
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT name, type, \"notnull\", pk FROM pragma_table_info(?)")) {
            statement.setString(1, table);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    String column = rs.getString(1).toLowerCase(Locale.ROOT);
                    if (rs.getInt(3) != 0) {
                        notNull.add(column);
                    }
                    if (rs.getInt(4) > 0) {
                        primaryKey.add(column);
                        rowidAlias = "INTEGER".equalsIgnoreCase(rs.getString(2)) ? column : null;
                    }
                }
            }
        }
        // An INTEGER PRIMARY KEY of one column is the rowid, which cannot be NULL even without NOT NULL.
        if (rowidAlias != null && primaryKey.size() == 1) {
            notNull.add(rowidAlias);
        }
        Set<Set<String>> uniqueSets = new HashSet<>();
        uniqueSets.add(primaryKey);
        List<String> indexes = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT name FROM pragma_index_list(?) WHERE \"unique\" = 1 AND partial = 0")) {
            statement.setString(1, table);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    indexes.add(rs.getString(1));
                }
            }
        }
        for (String index : indexes) {
            Set<String> columns = new HashSet<>();
            boolean plain = true;
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT name FROM pragma_index_info(?)")) {
                statement.setString(1, index);
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        String column = rs.getString(1);
                        plain &= column != null; // an expression is not the column itself
                        if (column != null) {
                            columns.add(column.toLowerCase(Locale.ROOT));
                        }
                    }
                }
            }
            if (plain) {
                uniqueSets.add(columns);
            }
        }
        return new Keys(primaryKey, uniqueSets, notNull);
    }

    private static Set<String> sqliteForeignKeys(Connection connection, String table) throws SQLException {
        Set<String> keys = new HashSet<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT id, \"from\", \"table\", \"to\" FROM pragma_foreign_key_list(?)")) {
            statement.setString(1, table);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    String to = rs.getString(4);
                    // "to" is NULL when the key names only the parent table, meaning its primary key (id).
                    if (to == null || to.equalsIgnoreCase("id")) {
                        keys.add(rs.getString(2).toLowerCase(Locale.ROOT) + "->" + rs.getString(3).toLowerCase(Locale.ROOT));
                    }
                }
            }
        }
        return keys;
    }

    private static Keys postgresKeys(Connection connection, String table) throws SQLException {
        Set<String> primaryKey = new HashSet<>();
        Set<Set<String>> uniqueSets = new HashSet<>();
        // Unique indexes back both PRIMARY KEY and UNIQUE constraints; partial and expression indexes do not count.
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT i.indisprimary, (SELECT string_agg(a.attname, ',') FROM pg_attribute a "
                        + "WHERE a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)) FROM pg_index i "
                        + "JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
                        + "WHERE n.nspname = current_schema() AND t.relname = ? AND i.indisunique "
                        + "AND i.indpred IS NULL AND i.indexprs IS NULL")) {
            statement.setString(1, table);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    Set<String> columns = Set.of(rs.getString(2).split(","));
                    uniqueSets.add(columns);
                    if (rs.getBoolean(1)) {
                        primaryKey = columns;
                    }
                }
            }
        }
        Set<String> notNull = new HashSet<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                        + "AND table_name = ? AND is_nullable = 'NO'")) {
            statement.setString(1, table);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    notNull.add(rs.getString(1));
                }
            }
        }
        return new Keys(primaryKey, uniqueSets, notNull);
    }

    private static Set<String> postgresForeignKeys(Connection connection, String table) throws SQLException {
        Set<String> keys = new HashSet<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT a.attname, p.relname, pa.attname FROM pg_constraint c "
                        + "JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
                        + "JOIN pg_class p ON p.oid = c.confrelid "
                        + "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
                        + "JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = c.confkey[1] "
                        + "WHERE c.contype = 'f' AND cardinality(c.conkey) = 1 AND p.relnamespace = t.relnamespace "
                        + "AND n.nspname = current_schema() AND t.relname = ?")) {
            statement.setString(1, table);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    if (rs.getString(3).equals("id")) {
                        keys.add(rs.getString(1) + "->" + rs.getString(2));
                    }
                }
            }
        }
        return keys;
    }
}
