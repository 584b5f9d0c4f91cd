package org.elibrary.internal.mapper;

import java.util.List;
import org.elibrary.domain.Author;

public interface AuthorMapper {
    long insert(String name);

    List<Author> insertAll(Bulk names);

    Author selectById(long id);

    Author selectByName(String name);

    List<Author> selectByNames(Bulk names);

    int updateName(long id, String name);

    int deleteLinks(long id);

    int delete(long id);

    List<Author> selectAfter(long afterId, int limit);

    List<CountedRow> selectPage(int offset, int limit);

    List<Author> searchByName(SearchQuery query);

    List<AuthorBookRow> selectDetails(long id);

    long count();
}
