package org.elibrary;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.elibrary.domain.Page;
import org.elibrary.domain.User;
import org.elibrary.internal.mapper.CountedRow;
import org.elibrary.internal.mapper.UserMapper;
import org.elibrary.internal.session.Sessions;
import org.elibrary.internal.session.UnitOfWork;
import org.elibrary.internal.session.Validation;

/**
 * Users (the readers who comment): create, find, rename, delete, list. Obtained from {@link Library#users()}
 * or, bound to one transaction, from {@link Transaction#users()}.
 *
 * <p>Lists are ordered by username in the database's collation (code-point order on SQLite; the database's
 * default collation on PostgreSQL, so mixed-case or accented values may sort differently there).
 *
 * <p>Every method is atomic. Usernames are at most 50 characters (code points), not blank, without NUL, and
 * unique. Exceptions as described on {@link AuthorRepository}.
 */
public final class UserRepository {
    private static final NewRows.Table<User, UserMapper> USERS = new NewRows.Table<>(UserMapper.class,
            "user.username", User::new, User::id, User::username, UserMapper::selectByUsername);
    private static final NewRows.Reused<User, UserMapper> REUSED = new NewRows.Reused<>(USERS,
            UserMapper::selectByUsernames, UserMapper::insertMissing);
    private static final KeysetPage<UserMapper> AFTER = new KeysetPage<>(UserMapper.class, "user",
            UserMapper::selectById, "afterUsername", Validation.USERNAME_MAX);
    private static final OffsetPage<UserMapper, CountedRow, User> PAGE = new OffsetPage<>(UserMapper.class,
            UserMapper::selectPage, UserMapper::count, OffsetPage.eachRow(User::new));

    private final Sessions sessions;
    private final UnitOfWork bound;

    UserRepository(Sessions sessions, UnitOfWork bound) {
        this.sessions = sessions;
        this.bound = bound;
    }

    /**
     * Creates a user.
     *
     * @param username the user's username
     * @return the user, with the id the database assigned
     * @throws DuplicateException if the username is taken
     */
    public User create(String username) {
        Validation.text("user.username", username, Validation.USERNAME_MAX);
        return sessions.write(bound, uow -> {
            uow.writing("user.username", username);
            return new User(uow.mapper(UserMapper.class).insert(username), username);
        });
    }

    /**
     * Creates many users in one transaction, all or none; returns them in the order given. Inside a transaction
     * of yours, a call that failed in the database (a taken value, a missing id; not a rule broken before
     * anything was written) leaves it able only to roll back: committing it throws the same exception.
     *
     * @param usernames the usernames, none null; may be empty
     * @return the new users, in the order of {@code usernames}, with the ids the database assigned
     * @throws InvalidInputException if a username breaks a rule ({@link InvalidInputException#index()} says
     *                               which)
     * @throws DuplicateException    if a username is taken or given twice
     */
    public List<User> createAll(List<String> usernames) {
        NewRows.checkTexts(USERS, Validation.USERNAME_MAX, "usernames", usernames);
        if (usernames.isEmpty()) {
            return new ArrayList<>();
        }
        return sessions.write(bound, uow -> NewRows.insertAll(uow, USERS, usernames));
    }

    /**
     * The users of these usernames, creating those that do not exist yet, in one transaction, all or none. A
     * username may be given more than once, and is answered with the same user each time. Safe against a
     * concurrent call creating the same new username, as {@link AuthorRepository#findOrCreateAll}.
     *
     * @param usernames the usernames, none null, each under the rules of a username; may be empty
     * @return the users, in the order of {@code usernames} (one per element, repeated for a repeated username)
     * @throws InvalidInputException if a username breaks a rule ({@link InvalidInputException#index()} says
     *                               which); nothing is written
     */
    public List<User> findOrCreateAll(List<String> usernames) {
        return NewRows.findOrCreateAll(sessions, bound, REUSED, Validation.USERNAME_MAX, "usernames", usernames);
    }

    /**
     * Finds a user by id.
     *
     * @param id the user's id, positive
     * @return the user, or empty when there is no user with this id
     */
    public Optional<User> findById(long id) {
        Validation.id("user.id", id);
        return sessions.read(bound, uow -> Optional.ofNullable(uow.mapper(UserMapper.class).selectById(id)));
    }

    /**
     * Finds a user by exact username (case-sensitive).
     *
     * @param username the username to look for; one that breaks the rules of a username (blank, too long) is
     *                 an {@link InvalidInputException}, not a miss
     * @return the user, or empty when no user has this username
     */
    public Optional<User> findByUsername(String username) {
        Validation.text("user.username", username, Validation.USERNAME_MAX);
        return sessions.read(bound, uow -> Optional.ofNullable(uow.mapper(UserMapper.class).selectByUsername(username)));
    }

    /**
     * Changes a user's username; returns the renamed user.
     *
     * @param id          the user's id, positive
     * @param newUsername the new username
     * @return the user with the new username
     * @throws NotFoundException  if there is no such user
     * @throws DuplicateException if the new username is taken
     */
    public User rename(long id, String newUsername) {
        Validation.id("user.id", id);
        Validation.text("user.username", newUsername, Validation.USERNAME_MAX);
        return sessions.write(bound, uow -> {
            uow.writing("user.username", newUsername);
            if (uow.mapper(UserMapper.class).updateUsername(id, newUsername) == 0) {
                throw new NotFoundException("user", "id=" + id);
            }
            return new User(id, newUsername);
        });
    }

    /**
     * Deletes a user and all their comments. Returns false when there was no such user.
     *
     * @param id the user's id, positive
     * @return true if the user was deleted, false when there was no such user
     */
    public boolean delete(long id) {
        Validation.id("user.id", id);
        // one statement on PostgreSQL; locking first only after losing a race (see the mapper XML)
        return sessions.writeOptimistically(bound,
                uow -> uow.mapper(UserMapper.class).deleteCascade(id) == 1,
                uow -> uow.mapper(UserMapper.class).deleteCascadeLocked(id) == 1);
    }

    /**
     * Keyset pagination ordered by username; {@code afterId} 0 for the first page, then the id of the last
     * user received; {@code limit} 1 to 1000.
     *
     * @param afterId 0 for the first page, else the id of the last user of the previous page
     * @param limit   the most users to return, 1 to 1000
     * @return up to {@code limit} users by username, after the user {@code afterId}; empty after the last one
     * @throws NotFoundException if {@code afterId} names a user that no longer exists
     */
    public List<User> listAfter(long afterId, int limit) {
        Validation.afterId(afterId);
        Validation.limit(limit);
        return sessions.read(bound, uow -> {
            UserMapper mapper = uow.mapper(UserMapper.class);
            return AFTER.checked(mapper.selectAfter(afterId, limit), mapper, afterId);
        });
    }

    /**
     * Keyset pagination by the username itself: up to {@code limit} (1 to 1000) users whose username sorts
     * after {@code afterUsername}, in the order of {@link #listAfter}. Pass the username of the last user
     * received; unlike {@link #listAfter}, that user may have been deleted or renamed meanwhile (the first page
     * is {@code listAfter(0, limit)}).
     *
     * @param afterUsername the username of the last user of the previous page, under the rules of a username
     * @param limit         the most users to return, 1 to 1000
     * @return up to {@code limit} users by username, after {@code afterUsername}; empty after the last one
     */
    public List<User> listAfterUsername(String afterUsername, int limit) {
        return AFTER.afterKey(sessions, bound, afterUsername, limit, UserMapper::selectAfterUsername);
    }

    /**
     * Offset pagination ordered by username, with the total; {@code limit} 1 to 1000.
     *
     * @param offset how many users (by username) to skip, 0 or more
     * @param limit  the page size, 1 to 1000
     * @return the page: up to {@code limit} users by username and the total number of users; an offset past
     *         the end gives an empty page that still has the total
     */
    public Page<User> page(int offset, int limit) {
        return PAGE.read(sessions, bound, offset, limit);
    }

    /** {@return the number of users} */
    public long count() {
        return sessions.read(bound, uow -> uow.mapper(UserMapper.class).count());
    }
}
