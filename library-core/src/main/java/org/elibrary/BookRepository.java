package org.elibrary;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import org.elibrary.domain.Author;
import org.elibrary.domain.Book;
import org.elibrary.domain.BookDetails;
import org.elibrary.domain.BookWithAuthors;
import org.elibrary.domain.NewBook;
import org.elibrary.domain.Page;
import org.elibrary.internal.mapper.AuthorMapper;
import org.elibrary.internal.mapper.BookAuthorRow;
import org.elibrary.internal.mapper.BookMapper;
import org.elibrary.internal.mapper.Bulk;
import org.elibrary.internal.session.Assemble;
import org.elibrary.internal.session.Sessions;
import org.elibrary.internal.session.UnitOfWork;
import org.elibrary.internal.session.Validation;

/**
 * Books, their links to authors, and the book read models: details, lists, pages and search. Obtained from
 * {@link Library#books()} or, bound to one transaction, from {@link Transaction#books()}.
 *
 * <p>Lists are ordered by title in the database's collation (code-point order on SQLite; the database's
 * default collation on PostgreSQL, so mixed-case or accented values may sort differently there).
 *
 * <p>Every method is atomic. Titles are at most 150 characters (code points), not blank, without NUL, and
 * unique. Reads are single SQL statements (a consistent snapshot, a fixed number of queries whatever the
 * number of authors or comments). Exceptions as described on {@link AuthorRepository}.
 */
public final class BookRepository {
    private static final NewRows.Table<Book, BookMapper> BOOKS = new NewRows.Table<>(BookMapper.class,
            "book.title", Book::new, Book::id, Book::title, BookMapper::selectByTitle);
    private static final KeysetPage<BookMapper> AFTER = new KeysetPage<>(BookMapper.class, "book",
            BookMapper::selectById, "afterTitle", Validation.TITLE_MAX);
    private static final OffsetPage<BookMapper, BookAuthorRow, BookWithAuthors> PAGE = new OffsetPage<>(
            BookMapper.class, BookMapper::selectPage, BookMapper::count, Assemble::booksWithAuthors);

    private final Sessions sessions;
    private final UnitOfWork bound;

    BookRepository(Sessions sessions, UnitOfWork bound) {
        this.sessions = sessions;
        this.bound = bound;
    }

    /**
     * Creates a book without authors.
     *
     * @param title the book's title
     * @return the book, with the id the database assigned
     * @throws DuplicateException if a book already has this title
     */
    public Book create(String title) {
        Validation.text("book.title", title, Validation.TITLE_MAX);
        return sessions.write(bound, uow -> {
            uow.writing("book.title", title);
            return new Book(uow.mapper(BookMapper.class).insert(title), title);
        });
    }

    /**
     * Creates a book linked to existing authors, in one transaction. The authors are looked up before anything
     * is written, so a missing one, like a missing book or author of {@link #linkAuthor}, leaves a transaction
     * of yours usable (unless another transaction deletes the author between the look-up and the insert).
     *
     * @param title     the book's title
     * @param authorIds the ids of its authors, positive; may be empty
     * @return the book, with the id the database assigned
     * @throws NotFoundException  if an author id does not exist
     * @throws DuplicateException if the title is taken
     */
    public Book createWithAuthorIds(String title, Collection<Long> authorIds) {
        Validation.text("book.title", title, Validation.TITLE_MAX);
        List<Long> ids = Validation.list("authorIds", authorIds == null ? null : new ArrayList<>(authorIds));
        for (Long id : ids) {
            Validation.id("author.id", id);
        }
        List<NewBook> book = List.of(new NewBook(title, ids));
        return sessions.write(bound, uow -> {
            if (!ids.isEmpty()) {
                Set<Long> missing = new LinkedHashSet<>(ids);
                for (Author found : uow.mapper(AuthorMapper.class).selectByIds(Bulk.of(new ArrayList<>(missing)))) {
                    missing.remove(found.id());
                }
                if (!missing.isEmpty()) {
                    throw new NotFoundException("author", "id=" + missing.iterator().next());
                }
            }
            return insert(uow, book).get(0);
        });
    }

    /**
     * Creates a book with its authors by name, creating the authors that do not exist yet, all in one
     * transaction. Duplicate names in the list count once.
     *
     * @param title       the book's title
     * @param authorNames the names of its authors, each under the rules of a name; may be empty
     * @return the book with its authors, ordered by name
     * @throws DuplicateException if a book already has this title
     */
    public BookWithAuthors createWithAuthors(String title, Collection<String> authorNames) {
        Validation.text("book.title", title, Validation.TITLE_MAX);
        Validation.required("authorNames", authorNames);
        Set<String> names = new LinkedHashSet<>();
        for (String name : authorNames) {
            names.add(Validation.text("author.name", name, Validation.NAME_MAX));
        }
        return sessions.write(bound, uow -> {
            BookMapper books = uow.mapper(BookMapper.class);
            List<Author> linked = names.isEmpty() ? new ArrayList<>()
                    : new ArrayList<>(NewRows.findOrCreate(uow, AuthorRepository.REUSED, new ArrayList<>(names)).values());
            uow.writing("book.title", title);
            long bookId = books.insert(title);
            if (!linked.isEmpty()) {
                List<Long> authorIds = new ArrayList<>(linked.size());
                for (Author author : linked) {
                    authorIds.add(author.id());
                }
                books.insertLinks(Bulk.of(authorIds, java.util.Collections.nCopies(authorIds.size(), bookId)));
            }
            if (linked.size() < 2) {
                return new BookWithAuthors(new Book(bookId, title), linked);
            }
            // Authors come back in the database's order (its collation), exactly as findWithAuthors reads them:
            // String.compareTo orders UTF-16 units, which differs from SQLite's code-point order and from
            // PostgreSQL's collation.
            return Assemble.booksWithAuthors(books.selectWithAuthors(bookId)).get(0);
        });
    }

    /**
     * Creates many books with their author links in one transaction (multi-row inserts of up to 1000 rows),
     * all or none: the bulk path for imports. Returns the books in the order given. Inside a transaction
     * of yours, a call that failed in the database (a taken value, a missing id; not a rule broken before
     * anything was written) leaves it able only to roll back: committing it throws the same exception.
     *
     * @param books the books with their authors' ids, none null; may be empty
     * @return the new books, in the order of {@code books}, with the ids the database assigned
     * @throws InvalidInputException if a book breaks a rule ({@link InvalidInputException#index()} says which)
     * @throws NotFoundException     if an author id does not exist
     * @throws DuplicateException    if a title is taken or given twice
     */
    public List<Book> createAll(List<NewBook> books) {
        Validation.required("books", books);
        Map<String, Integer> titles = new HashMap<>(books.size() * 2);
        int index = 0;
        for (NewBook book : books) {
            try {
                Validation.required("book", book);
                Validation.text("book.title", book.title(), Validation.TITLE_MAX);
                for (Long authorId : book.authorIds()) {
                    Validation.id("author.id", authorId);
                }
            } catch (InvalidInputException e) {
                throw new InvalidInputException(e, "books", index);
            }
            Integer first = titles.putIfAbsent(book.title(), index);
            if (first != null) {
                throw new DuplicateException("book.title", book.title(), "books", first, index);
            }
            index++;
        }
        if (books.isEmpty()) {
            return new ArrayList<>();
        }
        return sessions.write(bound, uow -> insert(uow, books));
    }

    /** Inserts checked books with their links, in chunks of multi-row inserts; the new books in their order. */
    private static List<Book> insert(UnitOfWork uow, List<NewBook> books) {
        BookMapper mapper = uow.mapper(BookMapper.class);
        List<Book> result = new ArrayList<>(books.size());
        for (int from = 0; from < books.size(); from += Bulk.CHUNK) {
            List<NewBook> chunk = books.subList(from, Math.min(books.size(), from + Bulk.CHUNK));
            List<Book> created = NewRows.insert(uow, BOOKS, titles(chunk));
            result.addAll(created);
            insertLinks(uow, mapper, chunk, created);
        }
        return result;
    }

    /** The books' titles, read through (an import runs this once per chunk, often before the JIT compiles it). */
    private static List<String> titles(List<NewBook> books) {
        return new AbstractList<>() {
            @Override
            public String get(int index) {
                return books.get(index).title();
            }

            @Override
            public int size() {
                return books.size();
            }
        };
    }

    /**
     * Finds a book by id.
     *
     * @param id the book's id, positive
     * @return the book, or empty when there is no book with this id
     */
    public Optional<Book> findById(long id) {
        Validation.id("book.id", id);
        return sessions.read(bound, uow -> Optional.ofNullable(uow.mapper(BookMapper.class).selectById(id)));
    }

    /**
     * Finds a book by exact title (case-sensitive).
     *
     * @param title the title to look for; one that breaks the rules of a title (blank, too long) is an
     *              {@link InvalidInputException}, not a miss
     * @return the book, or empty when no book has this title
     */
    public Optional<Book> findByTitle(String title) {
        Validation.text("book.title", title, Validation.TITLE_MAX);
        return sessions.read(bound, uow -> Optional.ofNullable(uow.mapper(BookMapper.class).selectByTitle(title)));
    }

    /**
     * A book with its authors (by name), in one query.
     *
     * @param id the book's id, positive
     * @return the book with its authors ordered by name (an empty list when it has none), or empty when there
     *         is no book with this id
     */
    public Optional<BookWithAuthors> findWithAuthors(long id) {
        Validation.id("book.id", id);
        return sessions.read(bound, uow -> {
            List<BookWithAuthors> found = Assemble.booksWithAuthors(uow.mapper(BookMapper.class).selectWithAuthors(id));
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        });
    }

    /**
     * A book's page: the book, its authors by name and its comments by id with their writers' usernames.
     * One SQL statement whatever the number of comments, hence one consistent snapshot.
     *
     * @param id the book's id, positive
     * @return the book's details, or empty when there is no book with this id
     */
    public Optional<BookDetails> findDetails(long id) {
        Validation.id("book.id", id);
        return sessions.read(bound, uow -> Assemble.bookDetails(uow.mapper(BookMapper.class).selectDetails(id)));
    }

    /**
     * Changes a book's title; returns the renamed book.
     *
     * @param id       the book's id, positive
     * @param newTitle the new title
     * @return the book with the new title
     * @throws NotFoundException  if there is no book with this id
     * @throws DuplicateException if another book has the new title
     */
    public Book rename(long id, String newTitle) {
        Validation.id("book.id", id);
        Validation.text("book.title", newTitle, Validation.TITLE_MAX);
        return sessions.write(bound, uow -> {
            uow.writing("book.title", newTitle);
            if (uow.mapper(BookMapper.class).updateTitle(id, newTitle) == 0) {
                throw new NotFoundException("book", "id=" + id);
            }
            return new Book(id, newTitle);
        });
    }

    /**
     * Deletes a book with its comments and its author links (the authors stay), atomically; works on
     * databases whose foreign keys have no ON DELETE clause. Returns false when there was no such book.
     *
     * @param id the book's id, positive
     * @return true if the book was deleted, false when there was no such book
     */
    public boolean delete(long id) {
        Validation.id("book.id", id);
        // one statement on PostgreSQL; locking first only after losing a race (see the mapper XML)
        return sessions.writeOptimistically(bound,
                uow -> uow.mapper(BookMapper.class).deleteCascade(id) == 1,
                uow -> uow.mapper(BookMapper.class).deleteCascadeLocked(id) == 1);
    }

    /**
     * Links an author to a book.
     *
     * @param bookId   the book's id, positive
     * @param authorId the author's id, positive
     * @throws NotFoundException  if the book or the author does not exist
     * @throws DuplicateException if they are already linked (field {@code author_book})
     */
    public void linkAuthor(long bookId, long authorId) {
        Validation.id("book.id", bookId);
        Validation.id("author.id", authorId);
        sessions.write(bound, uow -> {
            uow.writing("author_book", "author_id=" + authorId + ", book_id=" + bookId);
            uow.referencing("book or author", "book id=" + bookId + ", author id=" + authorId);
            BookMapper mapper = uow.mapper(BookMapper.class);
            if (mapper.insertLink(authorId, bookId) == 0) {
                if (mapper.selectById(bookId) == null) {
                    throw new NotFoundException("book", "id=" + bookId);
                }
                throw new NotFoundException("author", "id=" + authorId);
            }
            return null;
        });
    }

    /**
     * Unlinks an author from a book; returns false when they were not linked.
     *
     * @param bookId   the book's id, positive
     * @param authorId the author's id, positive
     * @return true if the link was removed; false when there was none, also when the book or the author does
     *         not exist
     */
    public boolean unlinkAuthor(long bookId, long authorId) {
        Validation.id("book.id", bookId);
        Validation.id("author.id", authorId);
        return sessions.write(bound, uow -> uow.mapper(BookMapper.class).deleteLink(authorId, bookId) == 1);
    }

    /**
     * Keyset pagination ordered by title, each book with its authors, in one query: up to {@code limit}
     * (1 to 1000) books after the book with id {@code afterId}; 0 for the first page, then the id of the last
     * book received.
     *
     * @param afterId 0 for the first page, else the id of the last book of the previous page
     * @param limit   the most books to return, 1 to 1000
     * @return up to {@code limit} books by title, after the book {@code afterId}, each with its authors by
     *         name; empty after the last one
     * @throws NotFoundException if {@code afterId} names a book that no longer exists
     */
    public List<BookWithAuthors> listAfter(long afterId, int limit) {
        Validation.afterId(afterId);
        Validation.limit(limit);
        return sessions.read(bound, uow -> {
            BookMapper mapper = uow.mapper(BookMapper.class);
            return AFTER.checked(Assemble.booksWithAuthors(mapper.selectAfter(afterId, limit)), mapper, afterId);
        });
    }

    /**
     * Keyset pagination by the title itself: up to {@code limit} (1 to 1000) books whose title sorts after
     * {@code afterTitle}, each with its authors, in the order of {@link #listAfter}. Pass the title of the last
     * book received; unlike {@link #listAfter}, that book may have been deleted or renamed meanwhile: the list
     * goes on after the title (the first page is {@code listAfter(0, limit)}).
     *
     * @param afterTitle the title of the last book of the previous page, under the rules of a title
     * @param limit      the most books to return, 1 to 1000
     * @return up to {@code limit} books by title, after {@code afterTitle}, each with its authors by name; empty
     *         after the last one
     */
    public List<BookWithAuthors> listAfterTitle(String afterTitle, int limit) {
        return AFTER.afterKey(sessions, bound, afterTitle, limit,
                (books, key, size) -> Assemble.booksWithAuthors(books.selectAfterTitle(key, size)));
    }

    /**
     * Offset pagination ordered by title, each book with its authors, with the total number of books.
     *
     * @param offset how many books (by title) to skip, 0 or more
     * @param limit  the page size, 1 to 1000
     * @return the page: up to {@code limit} books by title, each with its authors by name, and the total
     *         number of books; an offset past the end gives an empty page that still has the total
     */
    public Page<BookWithAuthors> page(int offset, int limit) {
        return PAGE.read(sessions, bound, offset, limit);
    }

    /**
     * Books whose title contains {@code query}, case-insensitively across Unicode ({@code ВОЙНА} finds
     * {@code Война и мир} on both databases); {@code %}, {@code _} and {@code \} are literal. The first
     * {@code limit} (1 to 1000) by title, each with its authors; {@link #searchByTitleAfter} gives the next
     * pages. Index-served for queries of 3 or more characters; shorter ones scan the table.
     *
     * @param query the text to look for, under the rules of a title (not blank, at most 150 characters)
     * @param limit the most books to return, 1 to 1000
     * @return the matching books by title, each with its authors by name; empty when none matches
     */
    public List<BookWithAuthors> searchByTitle(String query, int limit) {
        return searchByTitleAfter(query, 0, limit);
    }

    /**
     * The next page of {@link #searchByTitle}: up to {@code limit} (1 to 1000) matching books whose title
     * sorts after the title of the book with id {@code afterId}, each with its authors. Pass 0 for the first
     * page, then the id of the last book received (keyset pagination, as {@link #listAfter}); that book need
     * not match {@code query}. The keyset is that book's title when the call runs: a book renamed between two
     * calls moves where the next page starts.
     *
     * @param query   the text to look for, under the rules of a title (not blank, at most 150 characters)
     * @param afterId 0 for the first page, else the id of the last book of the previous page
     * @param limit   the most books to return, 1 to 1000
     * @return up to {@code limit} matching books by title, after the book {@code afterId}, each with its
     *         authors by name; empty after the last one
     * @throws NotFoundException if {@code afterId} names a book that no longer exists
     */
    public List<BookWithAuthors> searchByTitleAfter(String query, long afterId, int limit) {
        return AFTER.search(sessions, bound, query, Validation.TITLE_MAX, afterId, limit,
                (books, q) -> Assemble.booksWithAuthors(q.afterId() == 0
                        ? (q.fts() ? books.searchByTitle(q) : books.searchByShortTitle(q))
                        : (q.fts() ? books.searchByTitleAfter(q) : books.searchByShortTitleAfter(q))));
    }

    /**
     * The next page of {@link #searchByTitle} by the title itself: up to {@code limit} (1 to 1000) matching
     * books whose title sorts after {@code afterTitle}, each with its authors, in the order of
     * {@link #searchByTitleAfter}. Pass the title of the last book received; it may have been deleted or
     * renamed meanwhile (no {@link NotFoundException}).
     *
     * @param query      the text to look for, under the rules of a title (not blank, at most 150 characters)
     * @param afterTitle the title of the last book of the previous page, under the rules of a title
     * @param limit      the most books to return, 1 to 1000
     * @return up to {@code limit} matching books by title, after {@code afterTitle}, each with its authors by
     *         name; empty after the last one
     */
    public List<BookWithAuthors> searchByTitleAfterTitle(String query, String afterTitle, int limit) {
        return AFTER.searchAfterKey(sessions, bound, query, Validation.TITLE_MAX, afterTitle, limit,
                (books, q) -> Assemble.booksWithAuthors(
                        q.fts() ? books.searchByTitleAfterTitle(q) : books.searchByShortTitleAfterTitle(q)));
    }

    /**
     * Books whose title contains {@code query}, matched as {@link #searchByTitle} matches, without their
     * authors: the first {@code limit} (1 to 1000) by title. For suggestions and lists that show titles
     * only, it skips the join with the authors (about a quarter of a search's cost).
     *
     * @param query the text to look for, under the rules of a title (not blank, at most 150 characters)
     * @param limit the most books to return, 1 to 1000
     * @return the matching books by title; empty when none matches
     */
    public List<Book> searchTitles(String query, int limit) {
        return AFTER.search(sessions, bound, query, Validation.TITLE_MAX, 0, limit,
                (books, q) -> q.fts() ? books.searchTitles(q) : books.searchShortTitles(q));
    }

    /**
     * Books having an author whose name contains {@code query} (same matching rules as
     * {@link #searchByTitle}); the first {@code limit} by title, each with all its authors;
     * {@link #searchByAuthorAfter} gives the next pages.
     *
     * @param query the text to look for in the authors' names, under the rules of a name (not blank, at most
     *              100 characters)
     * @param limit the most books to return, 1 to 1000
     * @return the matching books by title, each once and with all its authors by name; empty when none matches
     */
    public List<BookWithAuthors> searchByAuthor(String query, int limit) {
        return searchByAuthorAfter(query, 0, limit);
    }

    /**
     * The next page of {@link #searchByAuthor}: up to {@code limit} (1 to 1000) of those books whose title
     * sorts after the title of the book with id {@code afterId} (0 for the first page, then the id of the last
     * book received; it need not match), each with all its authors. Keyset as {@link #searchByTitleAfter}.
     *
     * @param query   the text to look for in the authors' names, under the rules of a name (not blank, at most
     *                100 characters)
     * @param afterId 0 for the first page, else the id of the last book of the previous page
     * @param limit   the most books to return, 1 to 1000
     * @return up to {@code limit} matching books by title, after the book {@code afterId}, each once and with
     *         all its authors by name; empty after the last one
     * @throws NotFoundException if {@code afterId} names a book that no longer exists
     */
    public List<BookWithAuthors> searchByAuthorAfter(String query, long afterId, int limit) {
        return AFTER.search(sessions, bound, query, Validation.NAME_MAX, afterId, limit,
                (books, q) -> Assemble.booksWithAuthors(q.afterId() == 0
                        ? (q.fts() ? books.searchByAuthor(q) : books.searchByShortAuthor(q))
                        : (q.fts() ? books.searchByAuthorAfter(q) : books.searchByShortAuthorAfter(q))));
    }

    /**
     * The next page of {@link #searchByAuthor} by the title itself: up to {@code limit} (1 to 1000) of those
     * books whose title sorts after {@code afterTitle}, each with all its authors, in the order of
     * {@link #searchByAuthorAfter}. Pass the title of the last book received; it may have been deleted or
     * renamed meanwhile (no {@link NotFoundException}).
     *
     * @param query      the text to look for in the authors' names, under the rules of a name (not blank, at
     *                   most 100 characters)
     * @param afterTitle the title of the last book of the previous page, under the rules of a title
     * @param limit      the most books to return, 1 to 1000
     * @return up to {@code limit} matching books by title, after {@code afterTitle}, each once and with all its
     *         authors by name; empty after the last one
     */
    public List<BookWithAuthors> searchByAuthorAfterTitle(String query, String afterTitle, int limit) {
        return AFTER.searchAfterKey(sessions, bound, query, Validation.NAME_MAX, afterTitle, limit,
                (books, q) -> Assemble.booksWithAuthors(
                        q.fts() ? books.searchByAuthorAfterTitle(q) : books.searchByShortAuthorAfterTitle(q)));
    }

    /** {@return the number of books} */
    public long count() {
        return sessions.read(bound, uow -> uow.mapper(BookMapper.class).count());
    }

    /**
     * Links the books just created to their authors, an author given twice once. On SQLite enforcing foreign
     * keys: one batch of one-row inserts (multi-row statements), the database checking the authors (the faster
     * way there), each link bound as the books are read; else set-based inserts of up to {@value Bulk#CHUNK} links
     * that skip links to missing authors, counted.
     */
    private static void insertLinks(UnitOfWork uow, BookMapper mapper, List<NewBook> books, List<Book> created) {
        if (uow.batchesCheckForeignKeys()) {
            uow.insertRows(BookMapper.class, "insertLinkRow",
                    row -> forEachLink(books, created, (authorId, bookId) -> row.add(authorId).add(bookId).endRow()),
                    () -> missingAuthor(uow, allAuthorIds(books)));
            return;
        }
        List<Long> authorIds = new ArrayList<>(books.size() * 3);
        List<Long> bookIds = new ArrayList<>(books.size() * 3);
        forEachLink(books, created, (authorId, bookId) -> {
            authorIds.add(authorId);
            bookIds.add(bookId);
        });
        for (int from = 0; from < authorIds.size(); from += Bulk.CHUNK) {
            List<Long> authors = authorIds.subList(from, Math.min(authorIds.size(), from + Bulk.CHUNK));
            if (uow.backend() == Backend.POSTGRESQL && NewRows.beyondInteger(authors)) {
                // no such author can exist in PostgreSQL's INTEGER column, which would refuse the value itself
                throw uow.rollbackOnlyWith(missingAuthor(uow, authors));
            }
            if (mapper.insertLinks(Bulk.of(authors, bookIds.subList(from, from + authors.size()))) != authors.size()) {
                // the links whose author exists are written: this transaction must not commit
                throw uow.rollbackOnlyWith(missingAuthor(uow, authors));
            }
        }
    }

    /** Each (author id, book id) link of {@code books}, stored as {@code created}, once per author and book. */
    private static void forEachLink(List<NewBook> books, List<Book> created, BiConsumer<Long, Long> link) {
        Set<Long> linkedOnce = new HashSet<>();
        for (int i = 0; i < books.size(); i++) {
            Long bookId = created.get(i).id();
            linkedOnce.clear();
            for (Long authorId : books.get(i).authorIds()) {
                if (linkedOnce.add(authorId)) {
                    link.accept(authorId, bookId);
                }
            }
        }
    }

    private static List<Long> allAuthorIds(List<NewBook> books) {
        List<Long> ids = new ArrayList<>();
        for (NewBook book : books) {
            ids.addAll(book.authorIds());
        }
        return ids;
    }

    /** After a bulk link insert skipped rows: the first author id that does not exist. */
    private static NotFoundException missingAuthor(UnitOfWork uow, List<Long> authorIds) {
        AuthorMapper authors = uow.mapper(AuthorMapper.class);
        for (Long id : new LinkedHashSet<>(authorIds)) {
            if (authors.selectById(id) == null) {
                return new NotFoundException("author", "id=" + id);
            }
        }
        return new NotFoundException("author", "one of the given ids");
    }
}
