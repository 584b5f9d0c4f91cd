package org.elibrary.reliability;

import net.jqwik.api.lifecycle.AfterContainer;
import org.elibrary.Backend;

/** {@link HostileInputProperties} on PostgreSQL. */
class HostileInputPostgresIT extends HostileInputProperties {
    @Override
    Backend backend() {
        return Backend.POSTGRESQL;
    }

    @AfterContainer
    static void close() {
        closeLibrary(Backend.POSTGRESQL);
    }
}
