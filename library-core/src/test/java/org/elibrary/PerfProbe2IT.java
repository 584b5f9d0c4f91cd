package org.elibrary;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.elibrary.domain.NewBook;
import org.elibrary.domain.NewComment;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PerfProbe2IT {
    static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    static final int A = 2000, B = 10000, U = 1000, C = 50000;

    interface Body { void run() throws Exception; }

    static final Map<String, double[]> best = new LinkedHashMap<>();

    static void measure(String name, Body body) throws Exception {
        long cpu = MX.getCurrentThreadCpuTime();
        long wall = System.nanoTime();
        body.run();
        double c = (MX.getCurrentThreadCpuTime() - cpu) / 1e6, w = (System.nanoTime() - wall) / 1e6;
        best.merge(name, new double[] {c, w}, (a, b) -> new double[] {Math.min(a[0], b[0]), Math.min(a[1], b[1])});
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void details(Backend backend) throws Exception {
        best.clear();
        String url = TestDatabases.newDatabaseUrl(backend);
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(url).build())) {
            importLib(library);
            var db = library.database();
            String union = "SELECT 0 AS kind, b.id, b.title AS text, CAST(NULL AS INTEGER) AS user_id, CAST(NULL AS VARCHAR(50)) AS username, CAST(NULL AS VARCHAR(100)) AS sort_key FROM book b WHERE b.id = ? UNION ALL SELECT 1, a.id, a.name, CAST(NULL AS INTEGER), CAST(NULL AS VARCHAR(50)), a.name FROM author_book ab JOIN author a ON a.id = ab.author_id WHERE ab.book_id = ? UNION ALL SELECT 2, c.id, c.text, c.user_id, u.username, CAST(NULL AS VARCHAR(100)) FROM comment c JOIN \"user\" u ON u.id = c.user_id WHERE c.book_id = ? ORDER BY kind, sort_key, id";
            for (int round = 0; round < 6; round++) {
                measure("details lib", () -> {
                    for (int k = 0; k < 3000; k++) library.books().findDetails((k * 7919L) % B + 1);
                });
                measure("details jdbc 2 stmts", () -> {
                    for (int k = 0; k < 3000; k++) {
                        long id = (k * 7919L) % B + 1;
                        try (Connection c = db.reader().getConnection()) {
                            try (PreparedStatement ps = c.prepareStatement("SELECT b.id, b.title, a.id, a.name FROM book b LEFT JOIN author_book ab ON ab.book_id = b.id LEFT JOIN author a ON a.id = ab.author_id WHERE b.id = ? ORDER BY a.name")) {
                                ps.setLong(1, id);
                                try (ResultSet rs = ps.executeQuery()) { while (rs.next()) { rs.getString(2); rs.getString(4); } }
                            }
                            try (PreparedStatement ps = c.prepareStatement("SELECT c.id, c.text, c.user_id, u.username FROM comment c JOIN \"user\" u ON u.id = c.user_id WHERE c.book_id = ? ORDER BY c.id")) {
                                ps.setLong(1, id);
                                try (ResultSet rs = ps.executeQuery()) { while (rs.next()) { rs.getString(2); rs.getString(4); } }
                            }
                        }
                    }
                });
                measure("details jdbc union", () -> {
                    for (int k = 0; k < 3000; k++) {
                        long id = (k * 7919L) % B + 1;
                        try (Connection c = db.reader().getConnection(); PreparedStatement ps = c.prepareStatement(union)) {
                            ps.setLong(1, id); ps.setLong(2, id); ps.setLong(3, id);
                            try (ResultSet rs = ps.executeQuery()) { while (rs.next()) { rs.getString(3); rs.getString(5); } }
                        }
                    }
                });
                measure("book by id lib", () -> {
                    for (int k = 0; k < 3000; k++) library.books().findById((k * 7919L) % B + 1);
                });
                measure("book by id jdbc", () -> {
                    for (int k = 0; k < 3000; k++) {
                        try (Connection c = db.reader().getConnection(); PreparedStatement ps = c.prepareStatement("SELECT id, title FROM book WHERE id = ?")) {
                            ps.setLong(1, (k * 7919L) % B + 1);
                            try (ResultSet rs = ps.executeQuery()) { while (rs.next()) { rs.getString(2); } }
                        }
                    }
                });
            }
        }
        best.forEach((k, v) -> System.out.printf("PERF2 %s %-22s cpu %7.1f ms wall %7.1f ms%n", backend, k, v[0], v[1]));
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void imports(Backend backend) throws Exception {
        best.clear();
        for (int round = 0; round < 3; round++) {
            try (Library library = Library.open(LibrarySettings.builder().databaseUrl(TestDatabases.newDatabaseUrl(backend)).build())) {
                measure("import lib", () -> importLib(library));
            }
            try (Library library = Library.open(LibrarySettings.builder().databaseUrl(TestDatabases.newDatabaseUrl(backend)).build())) {
                measure("import jdbc", () -> importJdbc(library));
            }
        }
        best.forEach((k, v) -> System.out.printf("PERF2 %s %-22s cpu %7.1f ms wall %7.1f ms%n", backend, k, v[0], v[1]));
    }

    static void importLib(Library library) {
        for (int from = 0; from < A; from += 1000) {
            List<String> names = new ArrayList<>();
            for (int i = from; i < from + 1000; i++) names.add(PerfProbeIT.name(i));
            library.authors().createAll(names);
        }
        for (int from = 0; from < B; from += 1000) {
            List<NewBook> books = new ArrayList<>();
            for (int i = from; i < from + 1000; i++) books.add(new NewBook(PerfProbeIT.title(i), PerfProbeIT.authorIds(i)));
            library.books().createAll(books);
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < U; i++) names.add("user%05d".formatted(i));
        library.users().createAll(names);
        for (int from = 0; from < C; from += 1000) {
            List<NewComment> cs = new ArrayList<>();
            for (int j = from; j < from + 1000; j++) cs.add(new NewComment(j % U + 1, (j * 31L) % B + 1, "Comment %d on book".formatted(j)));
            library.comments().addAll(cs);
        }
    }

    static void importJdbc(Library library) throws Exception {
        try (Connection c = library.database().writer().getConnection()) {
            c.setAutoCommit(false);
            PerfProbeIT.batch(c, "INSERT INTO author (name) VALUES (?)", A, (ps, i) -> ps.setString(1, PerfProbeIT.name(i)));
            for (int from = 0; from < B; from += 1000) {
                try (PreparedStatement pb = c.prepareStatement("INSERT INTO book (title) VALUES (?)");
                     PreparedStatement pl = c.prepareStatement("INSERT INTO author_book (author_id, book_id) VALUES (?, ?)")) {
                    for (int i = from; i < from + 1000; i++) {
                        pb.setString(1, PerfProbeIT.title(i));
                        pb.addBatch();
                        for (long a : PerfProbeIT.authorIds(i)) { pl.setLong(1, a); pl.setLong(2, i + 1); pl.addBatch(); }
                    }
                    pb.executeBatch();
                    pl.executeBatch();
                }
                c.commit();
            }
            PerfProbeIT.batch(c, "INSERT INTO \"user\" (username) VALUES (?)", U, (ps, i) -> ps.setString(1, "user%05d".formatted(i)));
            PerfProbeIT.batch(c, "INSERT INTO comment (text, user_id, book_id) VALUES (?, ?, ?)", C, (ps, j) -> {
                ps.setString(1, "Comment %d on book".formatted(j)); ps.setLong(2, j % U + 1); ps.setLong(3, (j * 31L) % B + 1);
            });
            c.setAutoCommit(true);
        }
    }
}
