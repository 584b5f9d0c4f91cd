package org.elibrary.internal.mapper;

import java.util.List;
import org.elibrary.domain.User;

public interface UserMapper {
    long insert(String username);

    List<User> insertAll(Bulk usernames);

    User selectById(long id);

    User selectByUsername(String username);

    int updateUsername(long id, String username);

    int deleteComments(long id);

    int delete(long id);

    List<User> selectAfter(long afterId, int limit);

    List<CountedRow> selectPage(int offset, int limit);

    long count();
}
