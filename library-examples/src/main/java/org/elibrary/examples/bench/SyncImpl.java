package org.elibrary.examples.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.elibrary.Library;
import org.elibrary.LibrarySettings;
import org.elibrary.domain.Author;
import org.elibrary.domain.BookDetails;
import org.elibrary.domain.Book;
import org.elibrary.domain.CatalogCounts;
import org.elibrary.domain.NewBook;
import org.elibrary.domain.NewComment;

/**
 * The workload through the library's synchronous repositories, as an application would call them: the
 * library opened with its defaults on the fresh database (it migrates on open), the bulk {@code createAll} /
 * {@code addAll} calls for the import (one call, one transaction, per batch), {@code findDetails},
 * {@code searchTitles} (the phase asks for books, not their authors), {@code comments().add} and
 * {@code books().delete}.
 */
final class SyncImpl implements BenchImpl {
    private final Library library;
    private final Map<String, Object> settings;

    SyncImpl(Library library, Map<String, Object> settings) {
        this.library = library;
        this.settings = settings;
    }

    static SyncImpl open(String jdbcUrl) {
        LibrarySettings librarySettings = LibraryDefaults.forUrl(jdbcUrl);
        Library library = Library.open(librarySettings);
        try {
            return new SyncImpl(library, LibraryDefaults.describe(library, librarySettings, jdbcUrl));
        } catch (RuntimeException e) {
            library.close();
            throw e;
        }
    }

    Library library() {
        return library;
    }

    @Override
    public Map<String, Object> settings() {
        return new LinkedHashMap<>(settings);
    }

    @Override
    public void insertAuthors(Workload workload, int from, int to) {
        library.authors().createAll(authorNames(workload, from, to));
    }

    @Override
    public void insertBooks(Workload workload, int from, int to) {
        library.books().createAll(newBooks(workload, from, to));
    }

    static List<NewBook> newBooks(Workload workload, int from, int to) {
        List<NewBook> books = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            int[] authorRows = workload.bookAuthorRows(i);
            List<Long> authorIds = new ArrayList<>(authorRows.length);
            for (int authorRow : authorRows) {
                authorIds.add((long) Workload.id(authorRow));
            }
            books.add(new NewBook(workload.bookTitle(i), authorIds));
        }
        return books;
    }

    @Override
    public void insertUsers(Workload workload, int from, int to) {
        library.users().createAll(usernames(workload, from, to));
    }

    static List<String> usernames(Workload workload, int from, int to) {
        List<String> usernames = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            usernames.add(workload.username(i));
        }
        return usernames;
    }

    static List<String> authorNames(Workload workload, int from, int to) {
        List<String> names = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            names.add(workload.authorName(i));
        }
        return names;
    }

    @Override
    public void insertComments(Workload workload, int from, int to) {
        library.comments().addAll(newComments(workload, from, to));
    }

    static List<NewComment> newComments(Workload workload, int from, int to) {
        List<NewComment> comments = new ArrayList<>(to - from);
        for (int j = from; j < to; j++) {
            comments.add(new NewComment(Workload.id(workload.commentUserRow(j)), Workload.id(workload.commentBookRow(j)),
                    workload.commentText(j)));
        }
        return comments;
    }

    @Override
    public DetailsView details(int bookId) {
        return view(library.books().findDetails(bookId).orElse(null));
    }

    static DetailsView view(BookDetails details) {
        return details == null ? null
                : DetailsView.of(details.book().title(), details.authors(), Author::name, details.comments().size());
    }

    @Override
    public List<String> searchTitles(String query, int limit) {
        return titles(library.books().searchTitles(query, limit));
    }

    static List<String> titles(List<Book> books) {
        List<String> titles = new ArrayList<>(books.size());
        for (Book book : books) {
            titles.add(book.title());
        }
        return titles;
    }

    @Override
    public void addComment(String text, int userId, int bookId) {
        library.comments().add(userId, bookId, text);
    }

    @Override
    public void deleteBook(int bookId) {
        if (!library.books().delete(bookId)) {
            throw BenchImpl.notThereToDelete(bookId);
        }
    }

    @Override
    public Counts counts() {
        return counts(library.counts());
    }

    static Counts counts(CatalogCounts counts) {
        return new Counts(counts.author(), counts.book(), counts.authorBook(), counts.user(), counts.comment());
    }

    @Override
    public void close() {
        library.close();
    }
}
