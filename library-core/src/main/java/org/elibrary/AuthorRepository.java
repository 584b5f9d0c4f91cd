package org.elibrary;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.elibrary.domain.Author;
import org.elibrary.domain.AuthorDetails;
import org.elibrary.domain.Page;
import org.elibrary.internal.mapper.AuthorMapper;
import org.elibrary.internal.mapper.CountedRow;
import org.elibrary.internal.session.Assemble;
import org.elibrary.internal.session.Sessions;
import org.elibrary.internal.session.UnitOfWork;
import org.elibrary.internal.session.Validation;

/**
 * Authors: create, find, rename, delete, list and search. Obtained from {@link Library#authors()} or, bound to
 * one transaction, from {@link Transaction#authors()}.
 *
 * <p>Lists are ordered by name in the database's collation (code-point order on SQLite; the database's
 * default collation on PostgreSQL, so mixed-case or accented values may sort differently there).
 *
 * <p>Every method is atomic: when it throws, the database is as before the call. Names are at most 100
 * characters (code points), not blank, without NUL; a name is unique. Methods throw
 * {@link InvalidInputException} for a broken rule, {@link DuplicateException} for a taken name,
 * {@link NotFoundException} for a missing id, {@link DatabaseUnavailableException} when the database cannot
 * answer. Thread-safe (a transaction's repositories belong to the thread running it).
 */
public final class AuthorRepository {
    static final NewRows.Table<Author, AuthorMapper> AUTHORS = new NewRows.Table<>(AuthorMapper.class,
            "author.name", Author::new, Author::id, Author::name, AuthorMapper::selectByName);
    static final NewRows.Reused<Author, AuthorMapper> REUSED = new NewRows.Reused<>(AUTHORS,
            AuthorMapper::selectByNames, AuthorMapper::insertMissing);
    private static final KeysetPage<AuthorMapper> AFTER = new KeysetPage<>(AuthorMapper.class, "author",
            AuthorMapper::selectById, "afterName", Validation.NAME_MAX);
    private static final OffsetPage<AuthorMapper, CountedRow, Author> PAGE = new OffsetPage<>(AuthorMapper.class,
            AuthorMapper::selectPage, AuthorMapper::count, OffsetPage.eachRow(Author::new));

    private final Sessions sessions;
    private final UnitOfWork bound;

    AuthorRepository(Sessions sessions, UnitOfWork bound) {
        this.sessions = sessions;
        this.bound = bound;
    }

    /**
     * Creates an author.
     *
     * @param name the author's name
     * @return the author, with the id the database assigned
     * @throws DuplicateException if an author already has this name
     */
    public Author create(String name) {
        Validation.text("author.name", name, Validation.NAME_MAX);
        return sessions.write(bound, uow -> {
            uow.writing("author.name", name);
            return new Author(uow.mapper(AuthorMapper.class).insert(name), name);
        });
    }

    /**
     * Creates many authors in one transaction (multi-row inserts), all or none. Returns them in the order
     * given. Duplicate names within the list are rejected before the database is touched. Inside a transaction
     * of yours, a call that failed in the database (a taken value, a missing id; not a rule broken before
     * anything was written) leaves it able only to roll back: committing it throws the same exception.
     *
     * @param names the names, none null; may be empty
     * @return the new authors, in the order of {@code names}, with the ids the database assigned
     * @throws InvalidInputException if a name breaks a rule ({@link InvalidInputException#index()} says which)
     * @throws DuplicateException    if a name is taken or given twice
     */
    public List<Author> createAll(List<String> names) {
        NewRows.checkTexts(AUTHORS, Validation.NAME_MAX, "names", names);
        if (names.isEmpty()) {
            return new ArrayList<>();
        }
        return sessions.write(bound, uow -> NewRows.insertAll(uow, AUTHORS, names));
    }

    /**
     * The authors of these names, creating those that do not exist yet, in one transaction, all or none: the
     * way to import by name. A name may be given more than once, and is answered with the same author each
     * time. Safe against a concurrent call creating the same new name: both get the one author (on PostgreSQL
     * the insert skips a name just taken and reads it; on SQLite writers take turns). Inside a transaction of
     * yours, a call that failed in the database leaves it able only to roll back.
     *
     * @param names the names, none null, each under the rules of a name; may be empty
     * @return the authors, in the order of {@code names} (one per element, repeated for a repeated name)
     * @throws InvalidInputException if a name breaks a rule ({@link InvalidInputException#index()} says which);
     *                               nothing is written
     */
    public List<Author> findOrCreateAll(List<String> names) {
        return NewRows.findOrCreateAll(sessions, bound, REUSED, Validation.NAME_MAX, "names", names);
    }

    /**
     * Finds an author by id.
     *
     * @param id the author's id, positive
     * @return the author, or empty when there is no author with this id
     */
    public Optional<Author> findById(long id) {
        Validation.id("author.id", id);
        return sessions.read(bound, uow -> Optional.ofNullable(uow.mapper(AuthorMapper.class).selectById(id)));
    }

    /**
     * Finds an author by exact name (case-sensitive).
     *
     * @param name the name to look for; one that breaks the rules of a name (blank, too long) is an
     *             {@link InvalidInputException}, not a miss
     * @return the author, or empty when no author has this name
     */
    public Optional<Author> findByName(String name) {
        Validation.text("author.name", name, Validation.NAME_MAX);
        return sessions.read(bound, uow -> Optional.ofNullable(uow.mapper(AuthorMapper.class).selectByName(name)));
    }

    /**
     * The author with their books ordered by title, in one query.
     *
     * @param id the author's id, positive
     * @return the author and their books (an empty list when they have none), or empty when there is no
     *         author with this id
     */
    public Optional<AuthorDetails> findDetails(long id) {
        Validation.id("author.id", id);
        return sessions.read(bound, uow -> Assemble.authorDetails(uow.mapper(AuthorMapper.class).selectDetails(id)));
    }

    /**
     * Renames an author; returns the renamed author.
     *
     * @param id      the author's id, positive
     * @param newName the new name
     * @return the author with the new name
     * @throws NotFoundException  if there is no author with this id
     * @throws DuplicateException if another author has the new name
     */
    public Author rename(long id, String newName) {
        Validation.id("author.id", id);
        Validation.text("author.name", newName, Validation.NAME_MAX);
        return sessions.write(bound, uow -> {
            uow.writing("author.name", newName);
            if (uow.mapper(AuthorMapper.class).updateName(id, newName) == 0) {
                throw new NotFoundException("author", "id=" + id);
            }
            return new Author(id, newName);
        });
    }

    /**
     * Deletes an author and their links to books; the books stay. Returns false when there was no such
     * author.
     *
     * @param id the author's id, positive
     * @return true if the author was deleted, false when there was no such author
     */
    public boolean delete(long id) {
        Validation.id("author.id", id);
        // one statement on PostgreSQL; locking first only after losing a race (see the mapper XML)
        return sessions.writeOptimistically(bound,
                uow -> uow.mapper(AuthorMapper.class).deleteCascade(id) == 1,
                uow -> uow.mapper(AuthorMapper.class).deleteCascadeLocked(id) == 1);
    }

    /**
     * Keyset pagination ordered by name: up to {@code limit} (1 to 1000) authors after the author with id
     * {@code afterId}; pass 0 for the first page, then the id of the last author received.
     *
     * @param afterId 0 for the first page, else the id of the last author of the previous page
     * @param limit   the most authors to return, 1 to 1000
     * @return up to {@code limit} authors by name, after the author {@code afterId}; empty after the last one
     * @throws NotFoundException if {@code afterId} names an author that no longer exists
     */
    public List<Author> listAfter(long afterId, int limit) {
        Validation.afterId(afterId);
        Validation.limit(limit);
        return sessions.read(bound, uow -> {
            AuthorMapper mapper = uow.mapper(AuthorMapper.class);
            return AFTER.checked(mapper.selectAfter(afterId, limit), mapper, afterId);
        });
    }

    /**
     * Keyset pagination by the name itself: up to {@code limit} (1 to 1000) authors whose name sorts after
     * {@code afterName}, in the order of {@link #listAfter}. Pass the name of the last author received; unlike
     * {@link #listAfter}, that author may have been deleted or renamed meanwhile: the list goes on after the
     * name (the first page is {@code listAfter(0, limit)}).
     *
     * @param afterName the name of the last author of the previous page, under the rules of a name
     * @param limit     the most authors to return, 1 to 1000
     * @return up to {@code limit} authors by name, after {@code afterName}; empty after the last one
     */
    public List<Author> listAfterName(String afterName, int limit) {
        return AFTER.afterKey(sessions, bound, afterName, limit, AuthorMapper::selectAfterName);
    }

    /**
     * Offset pagination ordered by name, with the total number of authors. {@code limit} is 1 to 1000.
     *
     * @param offset how many authors (by name) to skip, 0 or more
     * @param limit  the page size, 1 to 1000
     * @return the page: up to {@code limit} authors by name and the total number of authors; an offset past
     *         the end gives an empty page that still has the total
     */
    public Page<Author> page(int offset, int limit) {
        return PAGE.read(sessions, bound, offset, limit);
    }

    /**
     * Authors whose name contains {@code query}, case-insensitively across Unicode ({@code АННА} finds
     * {@code Анна}); {@code %}, {@code _} and {@code \} are literal. The first {@code limit} (1 to 1000) by
     * name; {@link #searchAfter} gives the next pages.
     *
     * @param query the text to look for, under the rules of a name (not blank, at most 100 characters)
     * @param limit the most authors to return, 1 to 1000
     * @return the matching authors by name, empty when none matches
     */
    public List<Author> search(String query, int limit) {
        return searchAfter(query, 0, limit);
    }

    /**
     * The next page of {@link #search}: up to {@code limit} (1 to 1000) matching authors whose name sorts after
     * the name of the author with id {@code afterId}. Pass 0 for the first page, then the id of the last author
     * received (keyset pagination, as {@link #listAfter}); that author need not match {@code query}. The
     * keyset is that author's name when the call runs: an author renamed between two calls moves where the next
     * page starts.
     *
     * @param query   the text to look for, under the rules of a name (not blank, at most 100 characters)
     * @param afterId 0 for the first page, else the id of the last author of the previous page
     * @param limit   the most authors to return, 1 to 1000
     * @return up to {@code limit} matching authors by name, after the author {@code afterId}; empty after the
     *         last one
     * @throws NotFoundException if {@code afterId} names an author that no longer exists
     */
    public List<Author> searchAfter(String query, long afterId, int limit) {
        return AFTER.search(sessions, bound, query, Validation.NAME_MAX, afterId, limit,
                (authors, q) -> q.afterId() == 0
                        ? (q.fts() ? authors.searchByName(q) : authors.searchByShortName(q))
                        : (q.fts() ? authors.searchByNameAfter(q) : authors.searchByShortNameAfter(q)));
    }

    /**
     * The next page of {@link #search} by the name itself: up to {@code limit} (1 to 1000) matching authors
     * whose name sorts after {@code afterName}, in the order of {@link #searchAfter}. Pass the name of the last
     * author received; it may have been deleted or renamed meanwhile (no {@link NotFoundException}).
     *
     * @param query     the text to look for, under the rules of a name (not blank, at most 100 characters)
     * @param afterName the name of the last author of the previous page, under the rules of a name
     * @param limit     the most authors to return, 1 to 1000
     * @return up to {@code limit} matching authors by name, after {@code afterName}; empty after the last one
     */
    public List<Author> searchAfterName(String query, String afterName, int limit) {
        return AFTER.searchAfterKey(sessions, bound, query, Validation.NAME_MAX, afterName, limit,
                (authors, q) -> q.fts() ? authors.searchByNameAfterName(q) : authors.searchByShortNameAfterName(q));
    }

    /** {@return the number of authors} */
    public long count() {
        return sessions.read(bound, uow -> uow.mapper(AuthorMapper.class).count());
    }
}
