package org.elibrary.examples.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordsTest {

    @Test
    void masksThePasswordInEveryForm() {
        String url = "postgresql://u:p%40ss+w@127.0.0.1:5432/x";
        String pgjdbc = "Unable to parse URL jdbc:postgresql://127.0.0.1:5432/x?user=u&password=p%40ss%2Bw";

        assertThat(Passwords.mask(pgjdbc, url)).isEqualTo("Unable to parse URL jdbc:postgresql://127.0.0.1:5432/x?user=u&password=***");
        assertThat(Passwords.mask("failed for p@ss+w and p%40ss+w", url)).isEqualTo("failed for *** and ***");
        assertThat(Passwords.mask("see postgresql://u:p%40ss+w@127.0.0.1:5432/x", url))
                .isEqualTo("see postgresql://u:***@127.0.0.1:5432/x");
        // a password= parameter and a URL's user part are masked whatever the URL
        assertThat(Passwords.mask("jdbc:postgresql://h/x?PASSWORD=other&user=u", null))
                .isEqualTo("jdbc:postgresql://h/x?PASSWORD=***&user=u");
        assertThat(Passwords.mask("postgres://v:other@h/x", url)).isEqualTo("postgres://v:***@h/x");
        assertThat(Passwords.mask("jdbc:postgresql://h/x?password%3Dother", null))
                .isEqualTo("jdbc:postgresql://h/x?password%3D***");
        // a raw '@' in the password with '/' or '#' after it: masked up to the last '@', without knowing the URL
        assertThat(Passwords.mask("Unknown options: '--ur', 'postgresql://u:p@ss/w#rd1@127.0.0.1:1/x'", null))
                .isEqualTo("Unknown options: '--ur', 'postgresql://u:***@127.0.0.1:1/x'");
        assertThat(Passwords.mask(null, url)).isNull();
        assertThat(Passwords.mask("PostgreSQL: CREATE DATABASE x failed: Connection refused", url))
                .isEqualTo("PostgreSQL: CREATE DATABASE x failed: Connection refused");
    }
}
