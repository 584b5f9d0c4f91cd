package org.elibrary;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.elibrary.domain.NewBook;
import org.elibrary.domain.NewComment;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PerfProbeIT {
    static final String[] WORDS = {"war", "peace", "мир", "война", "river", "река", "night", "ночь", "garden", "сад",
            "winter", "зима", "road", "дорога", "light", "свет"};
    static final int A = 2000, B = 10000, U = 1000, C = 50000;

    @ParameterizedTest
    @EnumSource(Backend.class)
    void probe(Backend backend) throws Exception {
        for (int round = 0; round < 1; round++) {
            run(backend, true);
            run(backend, false);
        }
    }

    void run(Backend backend, boolean lib) throws Exception {
        String url = TestDatabases.newDatabaseUrl(backend);
        if (backend == Backend.POSTGRESQL) url += "&reWriteBatchedInserts=true";
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(url).build())) {
            var db = library.database();
            long t0 = System.nanoTime();
            if (lib) {
                for (int from = 0; from < A; from += 1000) {
                    List<String> names = new ArrayList<>();
                    for (int i = from; i < from + 1000; i++) names.add(name(i));
                    library.authors().createAll(names);
                }
                for (int from = 0; from < B; from += 1000) {
                    List<NewBook> books = new ArrayList<>();
                    for (int i = from; i < from + 1000; i++) books.add(new NewBook(title(i), authorIds(i)));
                    library.books().createAll(books);
                }
                for (int from = 0; from < U; from += 1000) {
                    List<String> names = new ArrayList<>();
                    for (int i = from; i < from + 1000; i++) names.add("user%05d".formatted(i));
                    library.users().createAll(names);
                }
                for (int from = 0; from < C; from += 1000) {
                    List<NewComment> cs = new ArrayList<>();
                    for (int j = from; j < from + 1000; j++) cs.add(new NewComment(j % U + 1, (j * 31L) % B + 1, "Comment %d on book".formatted(j)));
                    library.comments().addAll(cs);
                }
            } else {
                try (Connection c = db.writer().getConnection()) {
                    c.setAutoCommit(false);
                    batch(c, "INSERT INTO author (name) VALUES (?)", A, (ps, i) -> ps.setString(1, name(i)));
                    for (int from = 0; from < B; from += 1000) {
                        try (PreparedStatement pb = c.prepareStatement("INSERT INTO book (title) VALUES (?)");
                             PreparedStatement pl = c.prepareStatement("INSERT INTO author_book (author_id, book_id) VALUES (?, ?)")) {
                            for (int i = from; i < from + 1000; i++) {
                                pb.setString(1, title(i));
                                pb.addBatch();
                                for (long a : authorIds(i)) {
                                    pl.setLong(1, a);
                                    pl.setLong(2, i + 1);
                                    pl.addBatch();
                                }
                            }
                            pb.executeBatch();
                            pl.executeBatch();
                        }
                        c.commit();
                    }
                    batch(c, "INSERT INTO \"user\" (username) VALUES (?)", U, (ps, i) -> ps.setString(1, "user%05d".formatted(i)));
                    batch(c, "INSERT INTO comment (text, user_id, book_id) VALUES (?, ?, ?)", C, (ps, j) -> {
                        ps.setString(1, "Comment %d on book".formatted(j));
                        ps.setLong(2, j % U + 1);
                        ps.setLong(3, (j * 31L) % B + 1);
                    });
                    c.setAutoCommit(true);
                }
            }
            long t1 = System.nanoTime();
            int found = 0;
            for (int k = 0; k < 20000; k++) {
                long id = (k * 7919L) % B + 1;
                if (lib) {
                    found += library.books().findDetails(id).orElseThrow().comments().size();
                } else {
                    try (Connection c = db.reader().getConnection()) {
                        try (PreparedStatement ps = c.prepareStatement("SELECT b.id, b.title, a.id, a.name FROM book b LEFT JOIN author_book ab ON ab.book_id = b.id LEFT JOIN author a ON a.id = ab.author_id WHERE b.id = ? ORDER BY a.name")) {
                            ps.setLong(1, id);
                            try (ResultSet rs = ps.executeQuery()) { while (rs.next()) { rs.getString(2); rs.getString(4); } }
                        }
                        try (PreparedStatement ps = c.prepareStatement("SELECT c.id, c.text, c.user_id, u.username FROM comment c JOIN \"user\" u ON u.id = c.user_id WHERE c.book_id = ? ORDER BY c.id")) {
                            ps.setLong(1, id);
                            try (ResultSet rs = ps.executeQuery()) { while (rs.next()) { found++; rs.getString(2); rs.getString(4); } }
                        }
                    }
                }
            }
            long t2a = System.nanoTime();
            String union = "SELECT 0 AS kind, b.id, b.title AS text, CAST(NULL AS INTEGER) AS user_id, CAST(NULL AS VARCHAR(50)) AS username, CAST(NULL AS VARCHAR(100)) AS sort_key FROM book b WHERE b.id = ? UNION ALL SELECT 1, a.id, a.name, CAST(NULL AS INTEGER), CAST(NULL AS VARCHAR(50)), a.name FROM author_book ab JOIN author a ON a.id = ab.author_id WHERE ab.book_id = ? UNION ALL SELECT 2, c.id, c.text, c.user_id, u.username, CAST(NULL AS VARCHAR(100)) FROM comment c JOIN \"user\" u ON u.id = c.user_id WHERE c.book_id = ? ORDER BY kind, sort_key, id";
            for (int k = 0; k < 20000; k++) {
                long id = (k * 7919L) % B + 1;
                try (Connection c = db.reader().getConnection(); PreparedStatement ps = c.prepareStatement(union)) {
                    ps.setLong(1, id); ps.setLong(2, id); ps.setLong(3, id);
                    try (ResultSet rs = ps.executeQuery()) { while (rs.next()) { rs.getString(3); rs.getString(5); } }
                }
            }
            long t2b = System.nanoTime();
            System.out.printf("PERF union via jdbc %6.0f ms%n", (t2b - t2a) / 1e6);
            long t2 = System.nanoTime();
            int hits = 0;
            for (int k = 0; k < 2000; k++) {
                String q = k % 2 == 0 ? WORDS[k % 16].toUpperCase(Locale.ROOT) : WORDS[k % 16];
                if (lib) {
                    hits += library.books().searchByTitle(q, 20).size();
                } else {
                    try (Connection c = db.reader().getConnection()) {
                        String sql = backend == Backend.SQLITE
                                ? "SELECT b.id, b.title, a.id, a.name FROM (SELECT id, title FROM book WHERE id IN (SELECT rowid FROM book_title_search WHERE book_title_search MATCH ?) ORDER BY title LIMIT 20) b LEFT JOIN author_book ab ON ab.book_id = b.id LEFT JOIN author a ON a.id = ab.author_id ORDER BY b.title, a.name"
                                : "SELECT b.id, b.title, a.id, a.name FROM (SELECT id, title FROM book WHERE lower(title) LIKE lower(?) ORDER BY title LIMIT 20) b LEFT JOIN author_book ab ON ab.book_id = b.id LEFT JOIN author a ON a.id = ab.author_id ORDER BY b.title, a.name";
                        try (PreparedStatement ps = c.prepareStatement(sql)) {
                            ps.setString(1, backend == Backend.SQLITE ? "\"" + q + "\"" : "%" + q + "%");
                            try (ResultSet rs = ps.executeQuery()) { long last = -1; while (rs.next()) { long b = rs.getLong(1); if (b != last) { hits++; last = b; } } }
                        }
                    }
                }
            }
            long t3 = System.nanoTime();
            for (int i = 0; i < 1000; i++) {
                if (lib) {
                    library.books().delete(i + 1);
                } else {
                    try (Connection c = db.writer().getConnection()) {
                        c.setAutoCommit(false);
                        for (String sql : new String[] {"DELETE FROM comment WHERE book_id = ?", "DELETE FROM author_book WHERE book_id = ?", "DELETE FROM book WHERE id = ?"}) {
                            try (PreparedStatement ps = c.prepareStatement(sql)) { ps.setLong(1, i + 1); ps.executeUpdate(); }
                        }
                        c.commit();
                        c.setAutoCommit(true);
                    }
                }
            }
            long t4 = System.nanoTime();
            System.out.printf("PERF %s %-4s import %6.0f ms  details %6.0f ms  search %6.0f ms  delete %6.0f ms  (found %d hits %d) %s%n",
                    backend, lib ? "lib" : "jdbc", (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6, (t4 - t3) / 1e6, found, hits, library.counts());
        }
    }

    interface Binder { void bind(PreparedStatement ps, int i) throws Exception; }

    static void batch(Connection c, String sql, int n, Binder binder) throws Exception {
        for (int from = 0; from < n; from += 1000) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = from; i < Math.min(n, from + 1000); i++) { binder.bind(ps, i); ps.addBatch(); }
                ps.executeBatch();
            }
            c.commit();
        }
    }

    static String name(int i) { return i % 2 == 0 ? "Author %06d".formatted(i) : "Автор %06d".formatted(i); }
    static String title(int i) { return "Book %07d ".formatted(i) + WORDS[i % 16]; }
    static List<Long> authorIds(int i) {
        List<Long> ids = new ArrayList<>(3);
        ids.add((long) (i % A) + 1);
        long b = (i * 7L + 3) % A + 1;
        if (!ids.contains(b)) ids.add(b);
        if (i % 5 == 0) { long c = (i * 13L + 5) % A + 1; if (!ids.contains(c)) ids.add(c); }
        return ids;
    }
}
