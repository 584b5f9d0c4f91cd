package org.elibrary.domain;

import java.util.Objects;

/**
 * A user (a reader who writes comments): the database id and the unique username (at most 50 characters).
 *
 * @param id       the id the database assigned, positive
 * @param username the unique username
 */
public record User(long id, String username) {
    public User {
        Objects.requireNonNull(username, "username");
    }
}
