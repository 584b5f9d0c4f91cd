package org.elibrary.examples.common;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes passwords out of text the examples print: a driver's, a pool's or picocli's message may repeat a URL
 * the user gave, and with it the password. Used by the command-line tool and the benchmark alike.
 */
public final class Passwords {
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(?<=^|[?&])password=([^&]*)");
    private static final Pattern PASSWORD_IN_TEXT = Pattern.compile("(?i)(password(?:=|%3D))[^&\\s\"',;)]*");
    /**
     * Up to the last {@code @} of the word: in {@code ://anna:p@ss/w#1@host} the first one is inside the password
     * (the library refuses such a URL, but picocli repeats it as given).
     */
    private static final Pattern USER_INFO_IN_TEXT = Pattern.compile("(://[^:/@\\s]*:)\\S*@");
    private static final String MASK = "***";

    private Passwords() {
    }

    /**
     * {@code text} with the password of {@code url} taken out: a {@code password=} parameter in any URL, the
     * password part of a {@code scheme://user:password@} URL, and the password itself (as given, decoded or
     * encoded) wherever it appears. Null stays null; a null {@code url} masks the parameter forms only.
     *
     * @param text the text to print, or null
     * @param url  the URL whose password may be in the text, or null
     * @return the text with every form of the password replaced by {@code ***}
     */
    public static String mask(String text, String url) {
        if (text == null) {
            return null;
        }
        String masked = text;
        if (url != null) {
            for (String secret : secrets(url)) {
                masked = masked.replace(secret, MASK);
            }
        }
        masked = PASSWORD_IN_TEXT.matcher(masked).replaceAll("$1" + MASK);
        return USER_INFO_IN_TEXT.matcher(masked).replaceAll("$1" + MASK + "@");
    }

    /** The password as {@code url} may carry it (user part or parameter), as given, decoded and encoded; longest first. */
    private static List<String> secrets(String url) {
        List<String> passwords = new ArrayList<>();
        int schemeEnd = url.indexOf("//");
        if (schemeEnd >= 0) {
            String rest = url.substring(schemeEnd + 2);
            // every '@' could end the user part: a password may hold an unencoded '@', '/' or '?'
            for (int at = rest.indexOf('@'); at >= 0; at = rest.indexOf('@', at + 1)) {
                int colon = rest.indexOf(':');
                if (colon >= 0 && colon < at) {
                    passwords.add(rest.substring(colon + 1, at));
                }
            }
        }
        int query = url.indexOf('?');
        if (query >= 0) {
            Matcher parameter = PASSWORD_PARAMETER.matcher(url.substring(query + 1));
            while (parameter.find()) {
                passwords.add(parameter.group(1));
            }
        }
        List<String> secrets = new ArrayList<>();
        for (String password : passwords) {
            secrets.add(password);
            secrets.add(decodeOrSame(password));
            secrets.add(URLEncoder.encode(decodeOrSame(password), StandardCharsets.UTF_8));
        }
        secrets.removeIf(String::isEmpty);
        secrets.sort(Comparator.comparingInt(String::length).reversed());
        return secrets;
    }

    /** A percent-decoded password ({@code +} kept as itself), or the text as it is when it is not valid encoding. */
    private static String decodeOrSame(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
