package org.elibrary.reliability;

import net.jqwik.api.lifecycle.AfterContainer;
import org.elibrary.Backend;

/** {@link HostileInputProperties} on Sqlite. */
class HostileInputSqliteIT extends HostileInputProperties {
    @Override
    Backend backend() {
        return Backend.SQLITE;
    }

    @AfterContainer
    static void close() {
        closeLibrary(Backend.SQLITE);
    }
}
