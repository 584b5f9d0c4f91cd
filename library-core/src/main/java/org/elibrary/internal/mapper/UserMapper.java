package org.elibrary.internal.mapper;

import java.util.Collection;
import java.util.List;
import org.elibrary.domain.User;

public interface UserMapper {
    long insert(String username);

    List<User> insertAll(List<String> usernames);

    User selectById(long id);

    User selectByUsername(String username);

    long countIds(Collection<Long> ids);

    int updateUsername(long id, String username);

    int deleteComments(long id);

    int delete(long id);

    List<User> selectAfter(long afterId, int limit);

    List<CountedRow> selectPage(int offset, int limit);

    long count();
}
