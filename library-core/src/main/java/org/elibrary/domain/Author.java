package org.elibrary.domain;

import java.util.Objects;

/**
 * An author as stored: the database id and the unique name (at most 100 characters).
 *
 * @param id   the id the database assigned, positive
 * @param name the unique name
 */
public record Author(long id, String name) {
    /**
     * Checks that the name is given.
     *
     * @param id   the id the database assigned, positive
     * @param name the unique name
     * @throws NullPointerException if {@code name} is null
     */
    public Author {
        Objects.requireNonNull(name, "name");
    }
}
