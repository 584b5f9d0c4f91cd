package org.elibrary.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.elibrary.ConfigurationException;
import org.elibrary.LibrarySettings;
import org.junit.jupiter.api.Test;

/**
 * Many URL shapes, well-formed and not, each carrying a password made of a marker ({@value #MARKER}) on both
 * sides of the characters that trouble parsers: wherever the password sits and whatever the parser makes of the
 * URL, no part of it may reach an exception message (or a cause's), {@code displayUrl()}, {@code toString()},
 * {@link DatabaseUrl#mask}, {@link LibrarySettings#maskPasswords} or pgjdbc's log.
 */
class DatabaseUrlPasswordShapesTest {
    private static final Path CWD = Path.of("/work/app");
    /** Its {@code ä} makes the encoded form ({@code Zq7%C3%A4}) differ from the raw one. */
    private static final String MARKER = "Zq7ä";
    /** Pieces of the marker, raw and encoded: none may be shown. */
    private static final List<String> TELLTALES = List.of("Zq", "q7", "ä", "%C3", "%c3");

    private static final List<String> SCHEMES = List.of("sqlite://", "sqlite+aiosqlite://", "postgresql://",
            "postgresql+asyncpg://", "POSTGRESQL+psycopg2://", "postgres://", "jdbc:postgresql://",
            "JDBC:PostgreSQL://", "postgresql:", "postgresql:/", "jdbc:postgresql:", "mysql://", "", " ");
    private static final List<String> USERS = List.of("anna", "a/b", "an%40na", "", "a?b", "h");
    /** Between two markers: raw as the URL holds it, then as decoded. */
    private static final List<String[]> SEPARATORS = List.of(
            new String[] {"", ""}, new String[] {"@", "@"}, new String[] {"/", "/"}, new String[] {"?", "?"},
            new String[] {"#", "#"}, new String[] {":", ":"}, new String[] {"%", "%"}, new String[] {"%40", "@"},
            new String[] {"%2F", "/"}, new String[] {"%3F", "?"}, new String[] {"%23", "#"},
            new String[] {"%3A", ":"}, new String[] {"%25", "%"}, new String[] {"/?#:@", "/?#:@"},
            new String[] {"@/", "@/"}, new String[] {"?@", "?@"}, new String[] {"#@", "#@"},
            new String[] {"1/", "1/"}, new String[] {"&", "&"}, new String[] {";", ";"});
    /** What follows the user info: hosts, ports, databases and queries, good and bad. */
    private static final List<String> AFTER = List.of("@h/db", "@h:5432/db", "@127.0.0.1:1/db?ssl=disable", "@h",
            "@h/db?application_name=me@work", "@h:abc/db", "@ho st/db", "@h/db/extra", "@/db?host=/run",
            "@h/db#frag", "@h/d@b", "@[::1/db", "@h/db?x=%zz", "@h:5432/db?user=a@corp", "@h/db?mode=ro");

    @Test
    void noPartOfAPasswordIsShownWhateverTheUrlsShape() {
        List<String> leaks = new ArrayList<>();
        int[] urls = {0};
        List<String> logged = DatabaseUrlTest.pgjdbcLogDuring(() -> {
            for (String[] separator : SEPARATORS) {
                for (boolean encoded : List.of(false, true)) {
                    String decoded = MARKER + separator[1] + MARKER;
                    String raw = encoded ? URLEncoder.encode(decoded, StandardCharsets.UTF_8).replace("+", "%20")
                            : MARKER + separator[0] + MARKER;
                    for (String scheme : SCHEMES) {
                        for (String user : USERS) {
                            for (String after : AFTER) {
                                urls[0]++;
                                check(scheme + user + ":" + raw + after, decoded, leaks);
                            }
                        }
                        if (!encoded && (separator[0].equals("&") || separator[0].equals(";"))) {
                            continue; // a raw '&' or ';' ends a parameter's value: what follows is no password
                        }
                        for (String query : List.of("h/db?password=", "h:5432/db?user=a@corp&password=",
                                "h/db?sslpassword=", "anna@h/db?ssl=disable&PASSWORD=", "h/db?password=x&password=")) {
                            urls[0] += 2;
                            check(scheme + query + raw, decoded, leaks);
                            check(scheme + query + raw + "&user=a@corp&x=%zz", decoded, leaks);
                        }
                    }
                }
            }
        });
        assertThat(urls[0]).isGreaterThan(10_000);
        assertThat(leaks).as("passwords shown (%s in all)", leaks.size()).isEmpty();
        assertThat(logged).isEmpty();
    }

    /**
     * The shapes a Python app's {@code .env} holds keep their password, decoded, and show it masked: raw
     * {@code / ? # :} in it as SQLAlchemy takes them, anything percent-encoded.
     */
    @Test
    void sqlAlchemyUrlsWithAnyPasswordStillParse() {
        for (String[] separator : SEPARATORS) {
            String decoded = MARKER + separator[1] + MARKER;
            List<String> forms = new ArrayList<>(List.of(
                    URLEncoder.encode(decoded, StandardCharsets.UTF_8).replace("+", "%20")));
            if (!separator[0].contains("@") && !separator[0].equals("%") && !separator[0].equals("1/")) {
                forms.add(MARKER + separator[0] + MARKER); // SQLAlchemy needs '@' encoded; "%Zq" would decode
            }
            for (String raw : forms) {
                for (String scheme : List.of("postgresql://", "postgresql+asyncpg://", "postgres://")) {
                    for (String after : List.of("@h/db", "@127.0.0.1:1/db?ssl=disable")) {
                        String url = scheme + "anna:" + raw + after;
                        DatabaseUrl parsed = DatabaseUrl.parse(url, CWD);
                        assertThat(parsed.password()).as(url).contains(decoded);
                        assertThat(parsed.user()).as(url).contains("anna");
                        assertThat(parsed.displayUrl()).as(url).isEqualTo(scheme + "anna:***" + after);
                    }
                }
            }
        }
    }

    private static void check(String url, String password, List<String> leaks) {
        List<String> shown = new ArrayList<>();
        shown.add(DatabaseUrl.mask(url));
        try {
            DatabaseUrl parsed = DatabaseUrl.parse(url, CWD);
            shown.add(parsed.displayUrl());
            shown.add(parsed.toString());
        } catch (IllegalArgumentException e) {
            addChain(e, shown);
        }
        try {
            LibrarySettings settings = LibrarySettings.builder().databaseUrl(url).build();
            shown.add(settings.displayUrl());
            shown.add(settings.toString());
        } catch (ConfigurationException e) {
            addChain(e, shown);
        }
        // as a command-line parser or a driver may repeat it, masked by the public rule
        shown.add(LibrarySettings.maskPasswords("Unknown options: '--ur', '" + url + "'", null));
        shown.add(LibrarySettings.maskPasswords("connecting to " + url + " failed (password " + password + ")", url));
        for (String text : shown) {
            if (text != null && (TELLTALES.stream().anyMatch(text::contains) || text.contains(password))) {
                leaks.add(url + "  ->  " + text);
                return;
            }
        }
    }

    private static void addChain(Throwable error, List<String> shown) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            shown.add(t.getMessage());
            shown.add(t.toString());
        }
    }
}
