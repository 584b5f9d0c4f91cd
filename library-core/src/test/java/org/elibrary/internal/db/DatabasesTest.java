package org.elibrary.internal.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.elibrary.internal.config.DatabaseUrl;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DatabasesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "-c lock_timeout=5s | true",
            "-clock_timeout=5s | true",
            "-c search_path=lib -c lock_timeout=5s | true",
            "--lock_timeout=5s | true",
            "--lock-timeout=5s | true",
            "-c LOCK_TIMEOUT = 5s | true",
            "-c deadlock_timeout=2s | false",
            "-c idle_in_transaction_session_timeout=5s | false",
            "-c search_path=lock_timeout | false"})
    void urlOptionsAreReadSettingBySetting(String options, boolean setsLockTimeout) {
        DatabaseUrl url = DatabaseUrl.parse("jdbc:postgresql://db.example/lib?options="
                + options.replace(" ", "%20").replace("=", "%3D"), Path.of("."));
        assertThat(Databases.urlOptionsSet(url, "lock_timeout")).isEqualTo(setsLockTimeout);
    }
}
