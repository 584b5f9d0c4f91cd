package org.elibrary.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.elibrary.Backend;
import org.elibrary.LibrarySettings;
import org.elibrary.migrations.Migrations;
import org.elibrary.reliability.SqliteSpillingWriter;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The CLI contract, run in-process against a real SQLite file and a real PostgreSQL. */
class LibraryCliIT {

    @TempDir
    Path tmp;

    private static Cli.Result ok(String... args) {
        Cli.Result result = Cli.run(args);
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return result;
    }

    private static Cli.Result fails(int exitCode, String... args) {
        Cli.Result result = Cli.run(args);
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(exitCode);
        assertThat(result.err()).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception:");
        return result;
    }

    /** Rows per type, read through export: what the database holds. */
    private static Map<String, Long> counts(String url) {
        return new TreeMap<>(ok("--url", url, "--json", "export").jsonLines().stream()
                .collect(Collectors.groupingBy(line -> (String) line.get("type"), Collectors.counting())));
    }

    // --- the commands -----------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Backend.class)
    void authorsBooksUsersAndComments(Backend backend) {
        String url = TestDatabases.newDatabaseUrl(backend);

        Map<String, Object> tolstoy = ok("--url", url, "--json", "author", "add", "Лев Толстой").json();
        assertThat(tolstoy).containsEntry("name", "Лев Толстой").containsKey("id");

        Map<String, Object> war = ok("--url", url, "--json", "book", "add", "Война и мир",
                "--author", "Лев Толстой").json();
        assertThat(war).containsEntry("title", "Война и мир").containsEntry("authors", List.of("Лев Толстой"));
        long warId = (Long) war.get("id");

        // Missing authors are created with the book.
        Map<String, Object> chairs = ok("--url", url, "--json", "book", "add", "Двенадцать стульев",
                "--author", "Илья Ильф", "--author", "Евгений Петров").json();
        assertThat(chairs.get("authors")).asInstanceOf(InstanceOfAssertFactories.LIST).containsExactlyInAnyOrder("Илья Ильф", "Евгений Петров");
        assertThat(ok("--url", url, "--json", "author", "list").jsonLines())
                .extracting(a -> a.get("name"))
                .containsExactlyInAnyOrder("Лев Толстой", "Илья Ильф", "Евгений Петров");

        ok("--url", url, "user", "add", "anna");
        Map<String, Object> comment = ok("--url", url, "--json", "comment", "add", "--user", "anna",
                "--book", String.valueOf(warId), "Перечитываю каждую зиму 📚").json();
        assertThat(comment).containsEntry("text", "Перечитываю каждую зиму 📚").containsEntry("user", "anna");

        Map<String, Object> shown = ok("--url", url, "--json", "book", "show", String.valueOf(warId)).json();
        assertThat(shown).containsEntry("id", warId).containsEntry("title", "Война и мир")
                .containsEntry("authors", List.of("Лев Толстой"));
        assertThat(shown.get("comments")).asInstanceOf(InstanceOfAssertFactories.LIST).hasSize(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> shownComment = ((List<Map<String, Object>>) shown.get("comments")).get(0);
        assertThat(shownComment).containsEntry("id", comment.get("id"))
                .containsEntry("text", "Перечитываю каждую зиму 📚").containsEntry("user", "anna");

        // Human output: aligned, Cyrillic intact.
        String human = ok("--url", url, "book", "show", String.valueOf(warId)).out();
        assertThat(human).contains("Война и мир", "Лев Толстой", "anna", "Перечитываю каждую зиму 📚");

        ok("--url", url, "--json", "book", "delete", String.valueOf(warId));
        fails(3, "--url", url, "book", "show", String.valueOf(warId));
        ok("--url", url, "user", "delete", "anna");
        assertThat(counts(url)).containsEntry("book", 1L).doesNotContainKey("user").doesNotContainKey("comment");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void listsSearchAndPages(Backend backend) {
        String url = TestDatabases.newDatabaseUrl(backend);
        ok("--url", url, "book", "add", "Война и мир", "--author", "Лев Толстой");
        ok("--url", url, "book", "add", "Анна Каренина", "--author", "Лев Толстой");
        ok("--url", url, "book", "add", "War and Peace", "--author", "Leo Tolstoy");
        ok("--url", url, "book", "add", "Преступление и наказание", "--author", "Фёдор Достоевский");

        List<Map<String, Object>> all = ok("--url", url, "--json", "book", "list").jsonLines();
        assertThat(all).extracting(b -> b.get("title")).containsExactlyInAnyOrder(
                "Война и мир", "Анна Каренина", "War and Peace", "Преступление и наказание");
        assertThat(all).allSatisfy(book -> assertThat(book).containsKeys("id", "title", "authors"));

        // Upper-case Cyrillic finds lower-case Cyrillic, on SQLite too.
        assertThat(ok("--url", url, "--json", "book", "list", "--search", "ВОЙНА").jsonLines())
                .extracting(b -> b.get("title")).containsExactly("Война и мир");
        assertThat(ok("--url", url, "--json", "book", "list", "--author", "толстой").jsonLines())
                .extracting(b -> b.get("title")).containsExactlyInAnyOrder("Война и мир", "Анна Каренина");
        // Both filters: titles with a Cyrillic "а" (three books) by an author matching "ТОЛСТОЙ" (two of them).
        assertThat(ok("--url", url, "--json", "book", "list", "--search", "а").jsonLines()).hasSize(3);
        assertThat(ok("--url", url, "--json", "book", "list", "--search", "а", "--author", "ТОЛСТОЙ").jsonLines())
                .extracting(b -> b.get("title")).containsExactlyInAnyOrder("Война и мир", "Анна Каренина");
        assertThat(ok("--url", url, "--json", "author", "list", "--search", "ФЁДОР").jsonLines())
                .extracting(a -> a.get("name")).containsExactly("Фёдор Достоевский");

        // Pages: --limit, then --after the last id, walk the list in its order without gaps or repeats.
        List<Map<String, Object>> first = ok("--url", url, "--json", "book", "list", "--limit", "2").jsonLines();
        assertThat(first).hasSize(2);
        String after = String.valueOf(first.get(1).get("id"));
        List<Map<String, Object>> rest = ok("--url", url, "--json", "book", "list", "--after", after).jsonLines();
        assertThat(concat(first, rest)).isEqualTo(all);
        List<Map<String, Object>> matches = ok("--url", url, "--json", "book", "list", "--author", "толстой").jsonLines();
        assertThat(ok("--url", url, "--json", "book", "list", "--author", "толстой",
                "--after", String.valueOf(matches.get(0).get("id"))).jsonLines()).isEqualTo(matches.subList(1, 2));
        assertThat(ok("--url", url, "--json", "author", "list", "--limit", "1").jsonLines()).hasSize(1);
        fails(3, "--url", url, "book", "list", "--limit", "0");
        // Searches page the same way, through the library's keyset (past a thousand matches: below).
        List<Map<String, Object>> withA = ok("--url", url, "--json", "book", "list", "--search", "а").jsonLines();
        List<Map<String, Object>> firstA = ok("--url", url, "--json", "book", "list", "--search", "а",
                "--limit", "2").jsonLines();
        assertThat(concat(firstA, ok("--url", url, "--json", "book", "list", "--search", "а",
                "--after", String.valueOf(firstA.get(1).get("id"))).jsonLines())).isEqualTo(withA);
        // Both filters: a title match by another author, first by title, counts neither towards --limit nor as a row.
        Object primer = ok("--url", url, "--json", "book", "add", "Азбука", "--author", "Иван Фёдоров")
                .jsonLines().get(0).get("id");
        List<Map<String, Object>> byTolstoy = ok("--url", url, "--json", "book", "list", "--search", "а",
                "--author", "ТОЛСТОЙ", "--limit", "1").jsonLines();
        assertThat(byTolstoy).extracting(b -> b.get("title")).containsExactly("Анна Каренина");
        assertThat(ok("--url", url, "--json", "book", "list", "--search", "а", "--author", "ТОЛСТОЙ", "--after",
                String.valueOf(byTolstoy.get(0).get("id"))).jsonLines()).extracting(b -> b.get("title"))
                .containsExactly("Война и мир");
        ok("--url", url, "book", "delete", String.valueOf(primer));
        // Cyrillic "Т": Толстой and Достоевский, not Tolstoy
        List<Map<String, Object>> authorsT = ok("--url", url, "--json", "author", "list", "--search", "Т").jsonLines();
        assertThat(authorsT).hasSize(2);
        assertThat(ok("--url", url, "--json", "author", "list", "--search", "Т", "--after",
                String.valueOf(authorsT.get(0).get("id"))).jsonLines()).isEqualTo(authorsT.subList(1, 2));
        fails(3, "--url", url, "book", "list", "--search", "а", "--after", "999999");

        String table = ok("--url", url, "book", "list").out();
        List<String> lines = table.lines().collect(Collectors.toList());
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).startsWith("ID").contains("TITLE", "AUTHORS");
        // Aligned: the AUTHORS column starts at the same character on every line, Cyrillic or not.
        int column = lines.get(0).indexOf("AUTHORS");
        assertThat(lines.subList(1, 5)).allSatisfy(line -> {
            assertThat(line.charAt(column - 1)).isEqualTo(' ');
            assertThat(line.substring(column)).isIn("Лев Толстой", "Leo Tolstoy", "Фёдор Достоевский");
        });
    }

    /** {@code --search Q --author NAME} narrows by the library's own author search, the one of {@code --author} alone. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void bothFiltersMatchAuthorsAsTheAuthorFilterAloneDoes(Backend backend) {
        String url = TestDatabases.newDatabaseUrl(backend);
        ok("--url", url, "book", "add", "Ταξίδι", "--author", "ΟΔΟΣ");
        ok("--url", url, "book", "add", "Ταξίδια", "--author", "Ελένη");
        ok("--url", url, "book", "add", "Ёлка", "--author", "Фёдор Сологуб");
        ok("--url", url, "book", "add", "Ёлки-палки", "--author", "Иван Петров");

        // Greek: a word-final Σ is ς in String.toLowerCase, so a lower-casing filter would drop ΟΔΟΣ for σ.
        assertThat(titles(ok("--url", url, "--json", "book", "list", "--author", "σ"))).containsExactly("Ταξίδι");
        assertThat(titles(ok("--url", url, "--json", "book", "list", "--search", "ταξίδι", "--author", "σ")))
                .containsExactly("Ταξίδι");
        // Cyrillic, upper case against mixed case, with Ё: both ways agree.
        assertThat(titles(ok("--url", url, "--json", "book", "list", "--author", "ФЁДОР"))).containsExactly("Ёлка");
        assertThat(titles(ok("--url", url, "--json", "book", "list", "--search", "ЁЛ", "--author", "ФЁДОР")))
                .containsExactly("Ёлка");
        // And the author query has the rules of --author alone: at most 100 characters.
        String tooLong = "я".repeat(101);
        assertThat(fails(3, "--url", url, "book", "list", "--author", tooLong).err()).contains("at most 100");
        assertThat(fails(3, "--url", url, "book", "list", "--search", "ЁЛ", "--author", tooLong).err())
                .contains("at most 100");
    }

    private static List<Object> titles(Cli.Result result) {
        return result.jsonLines().stream().map(book -> book.get("title")).collect(Collectors.toList());
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    // --- exit codes and failures ------------------------------------------------------------------------

    @Test
    void usageErrorsExitTwo() {
        String url = TestDatabases.newSqliteUrl();
        assertThat(Cli.run().exitCode()).isEqualTo(2);
        assertThat(Cli.run("--url", url).exitCode()).isEqualTo(2);
        assertThat(Cli.run("--url", url, "frobnicate").exitCode()).isEqualTo(2);
        assertThat(Cli.run("--url", url, "book").exitCode()).isEqualTo(2);
        assertThat(Cli.run("--url", url, "book", "show", "not-a-number").exitCode()).isEqualTo(2);
        assertThat(Cli.run("--url", url, "comment", "add", "--book", "1", "no user given").exitCode()).isEqualTo(2);
        assertThat(Cli.run("--url", url, "--no-such-option", "info").exitCode()).isEqualTo(2);
        assertThat(Cli.run("bench", "--backend", "oracle").exitCode()).isEqualTo(2);
        assertThat(Cli.run("bench", "--impl", "nope").exitCode()).isEqualTo(2);
        assertThat(Cli.run("--help").exitCode()).isZero();
    }

    @Test
    void everyCommandAnswersHelp() {
        for (List<String> command : List.of(List.of("bench"), List.of("book"), List.of("book", "list"),
                List.of("comment", "add"), List.of("export"))) {
            Cli.Result help = Cli.run(Stream.concat(command.stream(), Stream.of("--help")).toArray(String[]::new));
            assertThat(help.exitCode()).as(help.toString()).isZero();
            assertThat(help.out()).as(help.toString()).contains("Usage: library-cli " + String.join(" ", command));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void searchesListEveryMatchPastAThousand(Backend backend) throws Exception {
        String url = TestDatabases.newDatabaseUrl(backend);
        Path file = tmp.resolve("volumes.jsonl");
        List<String> lines = new ArrayList<>();
        lines.add("{\"type\":\"author\",\"name\":\"Собрание Сочинений\"}");
        for (int i = 0; i < 1100; i++) {
            lines.add("{\"type\":\"book\",\"title\":\"Том %04d\",\"authors\":[\"Собрание Сочинений\"]}".formatted(i));
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
        ok("--url", url, "import", file.toString());

        List<Map<String, Object>> all = ok("--url", url, "--json", "book", "list", "--search", "ТОМ").jsonLines();
        assertThat(all).hasSize(1100);
        assertThat(all).extracting(b -> b.get("title")).startsWith("Том 0000").endsWith("Том 1099").doesNotHaveDuplicates();
        assertThat(ok("--url", url, "--json", "book", "list", "--author", "сочинений").jsonLines()).isEqualTo(all);
        assertThat(ok("--url", url, "--json", "book", "list", "--search", "том", "--after",
                String.valueOf(all.get(999).get("id")), "--limit", "50").jsonLines()).isEqualTo(all.subList(1000, 1050));
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void invalidInputNotFoundAndDuplicatesExitThreeAndChangeNothing(Backend backend) {
        String url = TestDatabases.newDatabaseUrl(backend);
        ok("--url", url, "book", "add", "Война и мир", "--author", "Лев Толстой");
        ok("--url", url, "user", "add", "anna");
        Map<String, Long> before = counts(url);

        Cli.Result duplicate = fails(3, "--url", url, "author", "add", "Лев Толстой");
        assertThat(duplicate.err().lines().count()).as(duplicate.toString()).isEqualTo(1);
        assertThat(duplicate.err()).contains("Лев Толстой");

        fails(3, "--url", url, "book", "add", "Война и мир");
        fails(3, "--url", url, "user", "add", "anna");
        fails(3, "--url", url, "book", "show", "999999");
        fails(3, "--url", url, "book", "delete", "999999");
        fails(3, "--url", url, "user", "delete", "nobody");
        fails(3, "--url", url, "comment", "add", "--user", "nobody", "--book", "1", "text");
        fails(3, "--url", url, "comment", "add", "--user", "anna", "--book", "999999", "text");
        fails(3, "--url", url, "author", "add", "   ");
        fails(3, "--url", url, "author", "add", "я".repeat(101));
        fails(3, "--url", url, "comment", "add", "--user", "anna", "--book", "1", "x".repeat(301));
        // A new book whose second author is invalid: neither the book nor the first author is added.
        fails(3, "--url", url, "book", "add", "Анна Каренина", "--author", "Новый Автор", "--author", "я".repeat(101));
        Cli.Result notFound = fails(3, "--url", url, "book", "show", "424242");
        assertThat(notFound.err().strip()).contains("book").contains("424242");

        assertThat(counts(url)).isEqualTo(before);
    }

    @Test
    void badConfigurationAndUnreachableDatabaseExitFour() {
        Cli.Result scheme = fails(4, "--url", "mysql://localhost/library", "book", "list");
        assertThat(scheme.err().lines().count()).as(scheme.toString()).isEqualTo(1);
        assertThat(scheme.err()).as(scheme.toString()).contains("DATABASE_URL (from --url) unknown scheme 'mysql'");
        // Nothing listens on port 1; the password must not leak into the message.
        Cli.Result down = fails(4, "--url", "postgresql://reader:s3cret@127.0.0.1:1/library", "book", "list");
        assertThat(down.err()).doesNotContain("s3cret");
    }

    @Test
    void benchRefusesAServerUrlPgjdbcCannotParseWithoutPrintingItsPassword() {
        // pgjdbc's error for these repeats the JDBC URL, password and all
        for (String url : List.of("postgresql://bench:s3cret@127.0.0.1:notaport/postgres",
                "postgresql://bench:s3cret@127.0.0.1:99999/postgres", "postgresql://bench:s3cret@127.0.0.1:1/a/b",
                "mysql://bench:s3cret@127.0.0.1/postgres", "localhost:5432/s3cret")) {
            Cli.Result refused = fails(2, "bench", "--backend", "postgresql", "--impl", "jdbc", "--pg-url", url);
            assertThat(refused.err()).as(refused.toString()).startsWith("--pg-url: ").doesNotContain("s3cret");
        }
        // Nothing listens on port 1: the URL parses, the connect fails, and the message has no password either.
        Cli.Result down = fails(4, "bench", "--backend", "postgresql", "--impl", "jdbc",
                "--pg-url", "postgresql://bench:s3cret@127.0.0.1:1/postgres");
        assertThat(down.err()).as(down.toString()).startsWith("error: bench: ").doesNotContain("s3cret");
    }

    @Test
    void aMistypedOptionNameDoesNotEchoThePasswordOfTheUrlAfterIt() {
        // picocli lists the value among the unknown arguments
        Cli.Result root = fails(2, "--ur", "postgresql://reader:s3cret@127.0.0.1:1/library", "book", "list");
        assertThat(root.err()).as(root.toString()).contains("Unknown option").contains("reader:***@")
                .doesNotContain("s3cret");
        // a raw '@' in the password with '/' and '#' after it: masked up to the last '@'
        Cli.Result ambiguous = fails(2, "--ur", "postgresql://reader:p@s3cret/x#1@127.0.0.1:1/library", "book", "list");
        assertThat(ambiguous.err()).as(ambiguous.toString()).contains("reader:***@127.0.0.1:1/library")
                .doesNotContain("s3cret");
        // a user name with a '/', no scheme, user info in a JDBC URL after a '?'
        for (String url : List.of("a/b:s3cret@127.0.0.1:1/library", "postgresql+asyncpg://a/b:s3cret@127.0.0.1:1/library",
                "jdbc:postgresql://reader:pa?s3cret@127.0.0.1:1/library")) {
            Cli.Result malformed = fails(2, "--ur", url, "book", "list");
            assertThat(malformed.err()).as(malformed.toString()).contains("Unknown option").doesNotContain("s3cret");
        }
        // given right, the library refuses it, as a configuration error that shows none of the password
        Cli.Result refused = fails(4, "--url", "postgresql://reader:p@s3cret/x#1@127.0.0.1:1/library", "book", "list");
        assertThat(refused.err()).as(refused.toString()).contains("reader:***@127.0.0.1:1/library' is ambiguous")
                .doesNotContain("s3cret");
        Cli.Result bench = fails(2, "bench", "--backend", "postgresql", "--pg-ur",
                "postgresql://bench:s3cret@127.0.0.1:1/postgres?password=s3cret");
        assertThat(bench.err()).as(bench.toString()).contains("Possible solutions: --pg-url")
                .doesNotContain("s3cret");
    }

    @Test
    void benchNamesItsOptionsWhenRefusingThem() {
        assertThat(fails(2, "bench", "--pg-url", "postgresql://h/x").err()).startsWith("--pg-url needs --backend postgresql");
        // from 214,749 on the workload's row counts would overflow an int
        assertThat(fails(2, "bench", "--scale", "214749").err()).startsWith("--scale must be within 1..1000, was 214749");
        assertThat(fails(2, "bench", "--scale", "0").err()).startsWith("--scale must be within 1..1000, was 0");
    }

    // --- migrate and info ------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Backend.class)
    void infoThenMigrateThenInfo(Backend backend) {
        String url = TestDatabases.newDatabaseUrl(backend);
        Map<String, Object> before = ok("--url", url, "--json", "info").json();
        assertThat(before).containsEntry("state", "EMPTY").containsEntry("version", null)
                .containsEntry("backend", backend.name().toLowerCase(java.util.Locale.ROOT))
                .containsEntry("app_title", "Default");
        assertThat(before.get("pending")).asInstanceOf(InstanceOfAssertFactories.LIST).isNotEmpty();

        Map<String, Object> migrated = ok("--url", url, "--json", "migrate").json();
        assertThat(migrated.get("applied")).isEqualTo(before.get("pending"));
        assertThat(migrated).containsEntry("version", before.get("latest_version")).containsEntry("adopted", false);

        Map<String, Object> after = ok("--url", url, "--json", "info").json();
        assertThat(after).containsEntry("state", "MANAGED").containsEntry("version", before.get("latest_version"))
                .containsEntry("pending", List.of()).containsEntry("ahead", List.of());
        assertThat(ok("--url", url, "migrate").out()).contains("nothing applied");
        assertThat(ok("--url", url, "info").out()).contains("managed", "pending", "none");
    }

    /** validate, for a deploy step that gates on it: 0 when valid, 3 with the problems when not. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void validateBeforeAndAfterMigrate(Backend backend) {
        String url = TestDatabases.newDatabaseUrl(backend);
        assertThat(fails(3, "--url", url, "validate").out()).startsWith("Invalid:").contains("empty");
        Map<String, Object> invalid = fails(3, "--url", url, "--json", "validate").json();
        assertThat(invalid).containsEntry("valid", false).containsEntry("version", null)
                .containsEntry("ahead", List.of());
        assertThat(invalid.get("problems")).asInstanceOf(InstanceOfAssertFactories.LIST).hasSize(1);

        ok("--url", url, "migrate");
        assertThat(ok("--url", url, "validate").out()).startsWith("Valid: schema at version 3, as this library's");
        assertThat(ok("--url", url, "--json", "validate").json()).containsEntry("valid", true)
                .containsEntry("version", "3").containsEntry("latest_version", "3").containsEntry("problems", List.of());
    }

    /** Runs statements on the database, as another program (the Python app, a DBA, another tool) would. */
    private static void sql(String url, String... statements) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private static String migrated(Backend backend) {
        String url = TestDatabases.newDatabaseUrl(backend);
        ok("--url", url, "migrate");
        return url;
    }

    /** {@code --json validate} of the database: invalid (exit 3), with as many kinds as problems. */
    private static Map<String, Object> invalid(String url) {
        Map<String, Object> report = fails(3, "--url", url, "--json", "validate").json();
        assertThat(report).containsEntry("valid", false).containsKeys("version", "latest_version", "ahead");
        assertThat(report.get("problem_kinds")).asInstanceOf(InstanceOfAssertFactories.LIST)
                .hasSameSizeAs((List<?>) report.get("problems"));
        return report;
    }

    /**
     * A deploy step could not tell "run migrate" from an edited migration, a failed one or a database that is
     * not the library's: {@code validate} exits 3 for all, with sentences. {@code --json} now has
     * {@code problem_kinds}, parallel to {@code problems}, each kind made here for real.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void validateGivesTheKindOfEachProblem(Backend backend) throws Exception {
        assertThat(invalid(TestDatabases.newDatabaseUrl(backend))).containsEntry("problem_kinds", List.of("EMPTY"));

        String python = TestDatabases.newDatabaseUrl(backend);
        PythonApp.createSchema(backend, python, "INSERT INTO book (id, title) VALUES (1, 'Emma')");
        assertThat(invalid(python)).containsEntry("problem_kinds", List.of("NOT_ADOPTED"));
        Migrations.from(LibrarySettings.builder().databaseUrl(python).build()).baseline();
        assertThat(invalid(python)).containsEntry("problem_kinds", List.of("PENDING", "PENDING"));

        String foreign = TestDatabases.newDatabaseUrl(backend);
        sql(foreign, "CREATE TABLE invoices (id INTEGER PRIMARY KEY)");
        assertThat(invalid(foreign)).containsEntry("problem_kinds", List.of("FOREIGN_SCHEMA"));

        String edited = migrated(backend);
        sql(edited, "UPDATE flyway_schema_history SET checksum = 1 WHERE version = '2'");
        assertThat(invalid(edited)).containsEntry("problem_kinds", List.of("CHANGED"));

        String removed = migrated(backend);
        sql(removed, "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, "
                + "checksum, installed_by, execution_time, success) VALUES (4, '2.5', 'removed thing', 'SQL', "
                + "'V2_5__removed_thing.sql', 12345, 'someone', 5, true)");
        assertThat(invalid(removed)).containsEntry("problem_kinds", List.of("MISSING"));

        String explicitIds = migrated(backend);
        sql(explicitIds, "INSERT INTO book (id, title) VALUES (20, 'Sanditon')");
        if (backend == Backend.POSTGRESQL) {
            assertThat(invalid(explicitIds)).containsEntry("problem_kinds", List.of("SEQUENCE_BEHIND"));
        } else {
            assertThat(ok("--url", explicitIds, "--json", "validate").json()).containsEntry("problem_kinds", List.of());
        }
    }

    /**
     * A failed migration in the history (a row with success = false, as Flyway leaves a failed migration that
     * ran outside a transaction) showed in info as version 3 with nothing pending. Now info names it, with what
     * to do, and {@code --json} lists its version under {@code failed}; validate gives it the kind FAILED.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void infoAndValidateNameAFailedMigration(Backend backend) throws Exception {
        String url = migrated(backend);
        assertThat(ok("--url", url, "--json", "info").json()).containsEntry("failed", List.of());
        sql(url, "UPDATE flyway_schema_history SET success = false WHERE version = '3'");
        String failed = "V3 unicode search failed (its row in flyway_schema_history says so) and may be half applied; "
                + "migrate refuses to run until you fix what made it fail, undo what it applied and delete that row "
                + "(DELETE FROM flyway_schema_history WHERE version = '3' AND NOT success), then run migrate";

        assertThat(ok("--url", url, "--json", "info").json()).containsEntry("failed", List.of("3"))
                .containsEntry("version", "3").containsEntry("pending", List.of());
        assertThat(ok("--url", url, "info").out().lines()).anySatisfy(line -> assertThat(line)
                .matches("failed +\\Q" + failed + "\\E"));
        Map<String, Object> report = invalid(url);
        assertThat(report).containsEntry("problem_kinds", List.of("FAILED")).containsEntry("problems", List.of(failed));
        assertThat(fails(3, "--url", url, "validate").out().lines()).containsExactly("Invalid:", "  [FAILED] " + failed);
    }

    /** info reads through a read-only connection, which alone cannot roll back a killed writer's journal. */
    @Test
    void infoOnAFileAWriterKilledMidCommitLeftWithAHotJournal() throws Exception {
        Path file = TestDatabases.newSqliteFile();
        String url = "jdbc:sqlite:" + file;
        ok("--url", url, "migrate");
        SqliteSpillingWriter.killMidCommit(file);

        assertThat(ok("--url", url, "--json", "info").json()).containsEntry("state", "MANAGED")
                .containsEntry("pending", List.of());
        assertThat(SqliteSpillingWriter.journal(file)).doesNotExist();
        assertThat(ok("--url", url, "--json", "author", "list").jsonLines()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void migrateAdoptsADatabaseThePythonAppMade(Backend backend) throws Exception {
        String url = TestDatabases.newDatabaseUrl(backend);
        String user = backend == Backend.POSTGRESQL ? "\"user\"" : "user";
        PythonApp.createSchema(backend, url,
                "INSERT INTO author (id, name) VALUES (1, 'Лев Толстой')",
                "INSERT INTO book (id, title) VALUES (1, 'Война и мир')",
                "INSERT INTO author_book (author_id, book_id) VALUES (1, 1)",
                "INSERT INTO " + user + " (id, username) VALUES (1, 'anna')",
                "INSERT INTO comment (id, text, user_id, book_id) VALUES (1, 'Из Python', 1, 1)");
        assertThat(ok("--url", url, "--json", "info").json()).containsEntry("state", "PYTHON_APP_SCHEMA");

        Map<String, Object> migrated = ok("--url", url, "--json", "migrate").json();
        assertThat(migrated).containsEntry("adopted", true).containsEntry("state_before", "PYTHON_APP_SCHEMA")
                .containsEntry("ahead", false);
        // the rows came with explicit ids: on PostgreSQL each table's id sequence was behind them, and moved
        assertThat(migrated.get("repairs")).asInstanceOf(InstanceOfAssertFactories.LIST)
                .hasSize(backend == Backend.POSTGRESQL ? 4 : 0)
                .allSatisfy(repair -> assertThat(repair).asString().startsWith("moved the id sequence ")
                        .contains(" from next value 1 to 2, past the largest id 1"));
        // The Python app's rows are there, and found by the Unicode search the migrations added.
        assertThat(ok("--url", url, "--json", "book", "list", "--search", "ВОЙНА").jsonLines())
                .extracting(b -> b.get("title")).containsExactly("Война и мир");
        assertThat(ok("--url", url, "--json", "book", "show", "1").json().get("comments")).asInstanceOf(InstanceOfAssertFactories.LIST).hasSize(1);
    }

    /** The text output names each id sequence the adoption moved, one indented line each, as MigrationsCommand. */
    @Test
    void migrateSaysWhichIdSequencesTheAdoptionMoved() throws Exception {
        String url = TestDatabases.newDatabaseUrl(Backend.POSTGRESQL);
        PythonApp.createSchema(Backend.POSTGRESQL, url, "INSERT INTO book (id, title) VALUES (1, 'Emma'), (7, 'Persuasion')");

        String out = ok("--url", url, "migrate").out();

        assertThat(out.lines()).as(out).contains("  moved the id sequence public.book_id_seq of table book from next "
                + "value 1 to 8, past the largest id 7 (rows had been inserted with explicit ids)");
        assertThat(out).as(out).startsWith("Adopted the Python app's database").doesNotContain("author_id_seq");
    }

    @Test
    void migrateRefusesAPythonAppDatabaseWithBrokenForeignKeys() throws Exception {
        String url = TestDatabases.newSqliteUrl();
        // The Python app on SQLite ran without PRAGMA foreign_keys: a comment on a book that is gone.
        PythonApp.createSchema(Backend.SQLITE, url,
                "INSERT INTO user (id, username) VALUES (1, 'anna')",
                "INSERT INTO comment (id, text, user_id, book_id) VALUES (1, 'сирота', 1, 42)");
        Cli.Result refused = fails(3, "--url", url, "migrate");
        assertThat(refused.err().lines()).as(refused.toString()).hasSize(1)
                .allSatisfy(line -> assertThat(line).contains("comment"));
        assertThat(ok("--url", url, "--json", "info").json()).containsEntry("state", "PYTHON_APP_SCHEMA");
    }

    // --- demo, export, import ---------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Backend.class)
    void demoAddsTheSampleOnceAndPrintsIt(Backend backend) {
        String url = TestDatabases.newDatabaseUrl(backend);
        Cli.Result first = ok("--url", url, "demo");
        assertThat(first.out()).contains("Война и мир", "Лев Толстой", "Фёдор Достоевский");
        Map<String, Long> afterFirst = counts(url);
        assertThat(afterFirst.get("book")).isEqualTo(DemoCommand.BOOKS.size());
        assertThat(afterFirst.get("comment")).isEqualTo(DemoCommand.COMMENTS.size());

        Cli.Result second = ok("--url", url, "--json", "demo");
        assertThat(counts(url)).isEqualTo(afterFirst);
        assertThat(second.jsonLines()).hasSize(DemoCommand.BOOKS.size())
                .allSatisfy(book -> assertThat(book).containsKeys("id", "title", "authors", "comments"));
    }

    @Test
    void withoutDatabaseUrlTheDemoUsesLibraryDbInTheWorkingDirectoryAndMigratesAnyway() throws IOException {
        // No DATABASE_URL anywhere, and an environment that turns migrate-on-open off.
        Path folder = tmp.toRealPath();
        Cli.Result demo = Cli.runIn(Map.of("DATABASE_MIGRATE_ON_OPEN", "false"), folder, "demo");
        assertThat(demo.exitCode()).as(demo.toString()).isZero();
        assertThat(demo.err().strip()).isEqualTo("DATABASE_URL is not set; using " + folder.resolve("library.db"));
        assertThat(demo.out()).contains("Schema migrated to version", "Война и мир");
        assertThat(folder.resolve("library.db")).isRegularFile();

        // A .env in the working directory is read; --env-file names another one.
        Files.writeString(folder.resolve(".env"), "APP_TITLE='Электронная библиотека'\n", StandardCharsets.UTF_8);
        Files.writeString(folder.resolve("other.env"), "APP_TITLE=Другая\n", StandardCharsets.UTF_8);
        assertThat(Cli.runIn(Map.of(), folder, "--json", "info").json())
                .containsEntry("app_title", "Электронная библиотека").containsEntry("state", "MANAGED");
        assertThat(Cli.runIn(Map.of(), folder, "--json", "--env-file", "other.env", "info").json())
                .containsEntry("app_title", "Другая");
        assertThat(Cli.runIn(Map.of(), folder, "--env-file", "missing.env", "info").exitCode()).isEqualTo(4);
    }

    @Test
    void aMisspeltDatabaseUrlIsAnErrorNotTheDefaultLibraryDb() throws IOException {
        // It once migrated a new library.db beside the .env and exited 0, the fallback said only on stderr.
        Path folder = tmp.toRealPath();
        Files.writeString(folder.resolve(".env"), "DATABSE_URL=postgresql://app:s3cret@db.example/library\n",
                StandardCharsets.UTF_8);
        Cli.Result migrate = Cli.runIn(Map.of(), folder, "migrate");
        assertThat(migrate.exitCode()).as(migrate.toString()).isEqualTo(4);
        assertThat(migrate.err()).contains("DATABASE_URL is not set (misspelt? set: DATABSE_URL (.env file))")
                .doesNotContain("s3cret");
        assertThat(migrate.out()).isEmpty();
        assertThat(folder.resolve("library.db")).doesNotExist();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void exportThenImportReproducesTheCatalog(Backend backend) throws IOException {
        String source = TestDatabases.newDatabaseUrl(backend);
        ok("--url", source, "demo");
        ok("--url", source, "book", "add", "Книга без авторов");
        ok("--url", source, "author", "add", "Автор без книг");
        ok("--url", source, "user", "add", "молчун");
        Path file = tmp.resolve("catalog.jsonl");
        ok("--url", source, "export", file.toString());

        String target = TestDatabases.newDatabaseUrl(backend);
        Cli.Result imported = ok("--url", target, "--json", "import", file.toString());
        assertThat(imported.json()).containsEntry("books", (long) DemoCommand.BOOKS.size() + 1);

        assertThat(counts(target)).isEqualTo(counts(source));
        // Same content, key for key (ids may differ between databases).
        assertThat(withoutIds(ok("--url", target, "--json", "export").jsonLines()))
                .isEqualTo(withoutIds(ok("--url", source, "--json", "export").jsonLines()));

        // A second import collides with the first: duplicate, exit 3, nothing changes.
        Map<String, Long> before = counts(target);
        fails(3, "--url", target, "import", file.toString());
        assertThat(counts(target)).isEqualTo(before);
    }

    @Test
    void exportReplacesWhatALinkPointsToAndRefusesADirectoryOrAMissingFolder() throws IOException {
        String url = TestDatabases.newSqliteUrl();
        ok("--url", url, "demo");
        String catalog = ok("--url", url, "export").out();

        Path real = tmp.resolve("real.jsonl");
        Files.writeString(real, "old\n");
        Path link = Files.createSymbolicLink(tmp.resolve("link.jsonl"), real.getFileName());
        ok("--url", url, "export", link.toString());
        assertThat(link).isSymbolicLink();
        assertThat(Files.readString(real, StandardCharsets.UTF_8)).isEqualTo(catalog);

        // A dangling link: the file it names is created, the link kept.
        Path dangling = Files.createSymbolicLink(tmp.resolve("dangling.jsonl"), Path.of("created.jsonl"));
        ok("--url", url, "export", dangling.toString());
        assertThat(dangling).isSymbolicLink();
        assertThat(Files.readString(tmp.resolve("created.jsonl"), StandardCharsets.UTF_8)).isEqualTo(catalog);

        Path directory = Files.createDirectory(tmp.resolve("catalog"));
        assertThat(fails(3, "--url", url, "export", directory.toString()).err().strip())
                .isEqualTo("error: export: " + directory + " is a directory");
        assertThat(directory).isEmptyDirectory();

        Path missingFolder = tmp.resolve("nosuch");
        assertThat(fails(3, "--url", url, "export", missingFolder.resolve("catalog.jsonl").toString()).err().strip())
                .isEqualTo("error: export: folder " + missingFolder + " does not exist");
        assertThat(missingFolder).doesNotExist();
    }

    @Test
    void exportStreamsIntoANamedPipeWithoutReplacingIt() throws Exception {
        Path pipe = tmp.resolve("catalog.pipe");
        assumeTrue(mkfifo(pipe), "mkfifo is not available");
        String url = TestDatabases.newSqliteUrl();
        ok("--url", url, "demo");
        String catalog = ok("--url", url, "export").out();

        CompletableFuture<String> read = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.readString(pipe, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        ok("--url", url, "export", pipe.toString());
        // Had the pipe been replaced by a file, the reader would wait for a writer that never comes.
        assertThat(read.get(30, TimeUnit.SECONDS)).isEqualTo(catalog);
        assertThat(Files.isRegularFile(pipe, LinkOption.NOFOLLOW_LINKS)).as("still a pipe").isFalse();
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files).as("no .partial left behind").containsExactly(pipe);
        }
    }

    private static boolean mkfifo(Path path) throws InterruptedException {
        try {
            return new ProcessBuilder("mkfifo", path.toString()).inheritIO().start().waitFor() == 0;
        } catch (IOException notInstalled) {
            return false;
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void importOfABadFileChangesNothing(Backend backend) throws IOException {
        String url = TestDatabases.newDatabaseUrl(backend);
        Path file = tmp.resolve("bad.jsonl");
        Files.writeString(file, String.join("\n",
                "{\"type\":\"user\",\"username\":\"anna\"}",
                "{\"type\":\"book\",\"title\":\"Война и мир\",\"authors\":[\"Лев Толстой\"]}",
                "{\"type\":\"comment\",\"book\":\"Война и мир\",\"user\":\"anna\",\"text\":\"ok\"}",
                "this is not json"), StandardCharsets.UTF_8);
        Cli.Result result = fails(3, "--url", url, "import", file.toString());
        assertThat(result.err()).contains("line 4");
        assertThat(counts(url)).isEmpty();

        Files.writeString(file, "{\"type\":\"comment\",\"book\":\"Нет такой\",\"user\":\"anna\",\"text\":\"x\"}\n");
        assertThat(fails(3, "--url", url, "import", file.toString()).err().strip())
                .isEqualTo("error: " + file + " line 1: user username=anna not found");
        fails(3, "--url", url, "import", tmp.resolve("missing.jsonl").toString());
        assertThat(counts(url)).isEmpty();
    }

    @Test
    void importErrorsNameTheFileTheLineAndTheReason() throws IOException {
        String url = TestDatabases.newSqliteUrl();
        String user = "{\"type\":\"user\",\"username\":\"anna\"}\n";
        String book = "{\"type\":\"book\",\"title\":\"Война и мир\",\"authors\":[\"Лев Толстой\"]}\n";
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("line 3: not valid UTF-8", concat(user + book, new byte[] {'{', '"', (byte) 0xFF, '"', '}'}));
        files.put("line 2: unknown type 'reader'", (user + "{\"type\":\"reader\"}\n").getBytes(StandardCharsets.UTF_8));
        // Comments are looked up in bulk at the end of their batch; the failing one still has its line.
        files.put("line 4: book title=Нет такой not found", (user + book
                + "{\"type\":\"comment\",\"book\":\"Война и мир\",\"user\":\"anna\",\"text\":\"да\"}\n"
                + "{\"type\":\"comment\",\"book\":\"Нет такой\",\"user\":\"anna\",\"text\":\"нет\"}\n"
                + "{\"type\":\"comment\",\"book\":\"Война и мир\",\"user\":\"anna\",\"text\":\"да\"}\n")
                .getBytes(StandardCharsets.UTF_8));
        // a rule broken inside a bulk insert: the row's own line, not the batch's
        files.put("line 4: book.title: must be at most 150 characters", (user + book
                + "{\"type\":\"book\",\"title\":\"Анна Каренина\",\"authors\":[]}\n"
                + "{\"type\":\"book\",\"title\":\"" + "д".repeat(151) + "\",\"authors\":[]}\n"
                + "{\"type\":\"book\",\"title\":\"Воскресение\",\"authors\":[]}\n")
                .getBytes(StandardCharsets.UTF_8));
        // given twice in batches of their own: the import rolls back as a whole, so not "already exists"
        files.put("line 3: user.username 'anna' is given twice (also on line 1)", (user
                + "{\"type\":\"author\",\"name\":\"Гоголь\"}\n" + user).getBytes(StandardCharsets.UTF_8));
        files.put("line 3: user.username 'anna' is given twice (also on line 1)",
                (user + "{\"type\":\"user\",\"username\":\"boris\"}\n" + user).getBytes(StandardCharsets.UTF_8));
        files.put("line 2: author.name: must not be blank",
                (user + "{\"type\":\"book\",\"title\":\"Т\",\"authors\":[\" \"]}\n").getBytes(StandardCharsets.UTF_8));
        for (Map.Entry<String, byte[]> entry : files.entrySet()) {
            Path file = tmp.resolve("catalog.jsonl");
            Files.write(file, entry.getValue());
            assertThat(fails(3, "--url", url, "import", file.toString()).err().strip())
                    .isEqualTo("error: " + file + " " + entry.getKey());
        }
        Path directory = Files.createDirectory(tmp.resolve("catalog"));
        assertThat(fails(3, "--url", url, "import", directory.toString()).err().strip())
                .isEqualTo("error: import: " + directory + " is a directory");
        assertThat(counts(url)).isEmpty();
    }

    @Test
    void aBadImportOrExportFileIsRefusedBeforeTheDatabaseIsCreated() throws IOException {
        Path database = TestDatabases.newSqliteFile();
        String url = "sqlite:///" + database;
        Path missing = tmp.resolve("nosuch.jsonl");
        assertThat(fails(3, "--url", url, "import", missing.toString()).err().strip())
                .isEqualTo("error: import file " + missing + " not found");
        Path directory = Files.createDirectory(tmp.resolve("folder"));
        assertThat(fails(3, "--url", url, "import", directory.toString()).err().strip())
                .isEqualTo("error: import: " + directory + " is a directory");
        Path missingFolder = tmp.resolve("nodir");
        assertThat(fails(3, "--url", url, "export", missingFolder.resolve("x.jsonl").toString()).err().strip())
                .isEqualTo("error: export: folder " + missingFolder + " does not exist");
        assertThat(fails(3, "--url", url, "export", directory.toString()).err().strip())
                .isEqualTo("error: export: " + directory + " is a directory");
        // the open (which creates and migrates a SQLite file that does not exist) never happened
        assertThat(database.getParent()).isEmptyDirectory();
    }

    @Test
    void anUnreadableImportFileIsNamedWithTheReason() throws IOException {
        Path file = unreadable(tmp.resolve("unread.jsonl"));
        assertThat(fails(3, "--url", TestDatabases.newSqliteUrl(), "import", file.toString()).err().strip())
                .isEqualTo("error: cannot read " + file + ": permission denied");
    }

    @Test
    void anEnvFileThatIsADirectoryIsSaidToBeOne() throws IOException {
        Path folder = tmp.toRealPath();
        Files.createDirectory(folder.resolve("settings"));
        Cli.Result directory = Cli.runIn(Map.of(), folder, "--env-file", "settings", "info");
        assertThat(directory.exitCode()).as(directory.toString()).isEqualTo(4);
        assertThat(directory.err().strip()).isEqualTo("error: --env-file settings is a directory");
    }

    @Test
    void anUnreadableEnvFileIsNamedWithTheReason() throws IOException {
        Path folder = tmp.toRealPath();
        unreadable(folder.resolve("unread.env"));
        Cli.Result unreadable = Cli.runIn(Map.of(), folder, "--env-file", "unread.env", "info");
        assertThat(unreadable.exitCode()).as(unreadable.toString()).isEqualTo(4);
        assertThat(unreadable.err().strip()).isEqualTo("error: cannot read --env-file unread.env: permission denied");
    }

    /** A file nobody may read; skips the test when permissions do not apply (as root, or on Windows). */
    private static Path unreadable(Path file) throws IOException {
        Files.writeString(file, "{}\n");
        try {
            Files.setPosixFilePermissions(file, Set.of());
        } catch (UnsupportedOperationException notPosix) {
            assumeTrue(false, "no POSIX permissions here");
        }
        assumeTrue(!Files.isReadable(file), "this user reads a file without read permission (root)");
        return file;
    }

    private static byte[] concat(String text, byte[] bytes) {
        byte[] head = text.getBytes(StandardCharsets.UTF_8);
        byte[] all = Arrays.copyOf(head, head.length + bytes.length);
        System.arraycopy(bytes, 0, all, head.length, bytes.length);
        return all;
    }

    @Test
    void benchPrintsTheWorkloadsJsonLines() {
        // A reduced run (hidden --ops-divisor): the CLI passes the options through, in order, and prints the
        // benchmark's lines; the workload itself is tested with the benchmark.
        Cli.Result bench = ok("bench", "--backend", "sqlite", "--impl", "sync,jdbc", "--scale", "1",
                "--ops-divisor", "100");
        List<Map<String, Object>> lines = bench.jsonLines();
        List<Map<String, Object>> phases = lines.stream().filter(line -> line.containsKey("phase"))
                .collect(Collectors.toList());
        assertThat(phases).extracting(line -> line.get("impl") + ":" + line.get("phase")).containsExactly(
                "sync:import", "sync:details", "sync:search", "sync:concurrent", "sync:delete",
                "jdbc:import", "jdbc:details", "jdbc:search", "jdbc:concurrent", "jdbc:delete");
        assertThat(phases).allSatisfy(line -> assertThat(line).containsEntry("errors", 0L)
                .containsEntry("backend", "sqlite").containsKeys("ops", "seconds", "ops_per_s"));
        List<Object> counts = lines.stream().filter(line -> line.containsKey("counts"))
                .map(line -> line.get("counts")).collect(Collectors.toList());
        assertThat(counts).hasSize(2);
        assertThat(counts.get(0)).as("both implementations end with the same rows").isEqualTo(counts.get(1));
        assertThat(bench.err()).as("no progress when stderr is not a terminal").isEmpty();
    }

    private static List<Map<String, Object>> withoutIds(List<Map<String, Object>> lines) {
        lines.forEach(line -> line.remove("id"));
        return lines;
    }
}
