package org.elibrary.testing;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks that text shown to users holds no part of a password, not only not the whole of it. */
public final class SecretAssertions {
    private SecretAssertions() {
    }

    /** No three characters in a row of {@code password} (any longer part holds such three) are in {@code text}. */
    public static void assertNoPartOf(String password, String text) {
        for (int i = 0; i + 3 <= password.length(); i++) {
            assertThat(text).as("part '%s' of the password", password.substring(i, i + 3))
                    .doesNotContain(password.substring(i, i + 3));
        }
    }
}
