package org.elibrary.internal.mapper;

import java.util.List;
import org.elibrary.domain.User;

public interface UserMapper extends NamedRowMapper<User> {
    long insert(String username);

    User selectById(long id);

    User selectByUsername(String username);

    /** The users among these usernames, in no particular order. */
    List<User> selectByUsernames(Bulk usernames);

    /** As {@link AuthorMapper#insertMissing}. */
    @OnlyOn("postgresql")
    List<User> insertMissing(Bulk usernames);

    int updateUsername(long id, String username);

    /** Deletes the user with their comments; returns 1, or 0 when there was no such user. */
    int deleteCascade(long id);

    /** {@link #deleteCascade} with the user row locked first: it cannot race (see the mapper XML). */
    int deleteCascadeLocked(long id);

    List<User> selectAfter(long afterId, int limit);

    /** The users after the username {@code afterKey} (whether a user still has it or not), in selectAfter's order. */
    List<User> selectAfterUsername(String afterKey, int limit);

    List<CountedRow> selectPage(int offset, int limit);

    long count();
}
