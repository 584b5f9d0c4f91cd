package org.elibrary.domain;

import java.util.Objects;

/**
 * A user (a reader who writes comments): the database id and the unique username (at most 50 characters).
 *
 * @param id       the id the database assigned, positive
 * @param username the unique username
 */
public record User(long id, String username) {
    /**
     * Checks that the username is given.
     *
     * @param id       the id the database assigned, positive
     * @param username the unique username
     * @throws NullPointerException if {@code username} is null
     */
    public User {
        Objects.requireNonNull(username, "username");
    }
}
