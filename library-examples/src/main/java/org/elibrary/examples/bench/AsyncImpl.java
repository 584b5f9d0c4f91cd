package org.elibrary.examples.bench;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.elibrary.AsyncLibrary;
import org.elibrary.Library;
import org.elibrary.LibrarySettings;

/**
 * The workload through the library's CompletableFuture facade ({@link Library#async()}, default executor).
 * The harness chains the calls of the sequential phases, the import's batches included (each issued from the
 * previous one's completion), and keeps {@link Workload#CONCURRENT_CALLERS} futures outstanding in the
 * concurrent phase ({@link AsyncBenchImpl}). The blocking methods ({@code insertAuthors}, {@code details}, ...)
 * wait for the future ({@code join()}), one thread hand-off each way per call.
 */
final class AsyncImpl implements AsyncBenchImpl {
    private final Library library;
    private final AsyncLibrary async;
    private final Map<String, Object> settings;

    private AsyncImpl(Library library, Map<String, Object> settings) {
        this.library = library;
        this.async = library.async();
        this.settings = settings;
    }

    static AsyncImpl open(String jdbcUrl) {
        LibrarySettings librarySettings = LibraryDefaults.forUrl(jdbcUrl);
        Library library = Library.open(librarySettings);
        try {
            Map<String, Object> settings = LibraryDefaults.describe(library, librarySettings, jdbcUrl);
            settings.put("async_executor", "library default (" + (Runtime.version().feature() >= 21
                    ? "virtual threads" : "platform threads") + ", bounded by the pool)");
            settings.put("async_queue_capacity", librarySettings.asyncQueueCapacity());
            return new AsyncImpl(library, settings);
        } catch (RuntimeException e) {
            library.close();
            throw e;
        }
    }

    @Override
    public Map<String, Object> settings() {
        return settings;
    }

    @Override
    public void insertAuthors(Workload workload, int from, int to) {
        insertAuthorsAsync(workload, from, to).join();
    }

    @Override
    public CompletableFuture<?> insertAuthorsAsync(Workload workload, int from, int to) {
        return async.authors().createAll(SyncImpl.authorNames(workload, from, to));
    }

    @Override
    public void insertBooks(Workload workload, int from, int to) {
        insertBooksAsync(workload, from, to).join();
    }

    @Override
    public CompletableFuture<?> insertBooksAsync(Workload workload, int from, int to) {
        return async.books().createAll(SyncImpl.newBooks(workload, from, to));
    }

    @Override
    public void insertUsers(Workload workload, int from, int to) {
        insertUsersAsync(workload, from, to).join();
    }

    @Override
    public CompletableFuture<?> insertUsersAsync(Workload workload, int from, int to) {
        return async.users().createAll(SyncImpl.usernames(workload, from, to));
    }

    @Override
    public void insertComments(Workload workload, int from, int to) {
        insertCommentsAsync(workload, from, to).join();
    }

    @Override
    public CompletableFuture<?> insertCommentsAsync(Workload workload, int from, int to) {
        return async.comments().addAll(SyncImpl.newComments(workload, from, to));
    }

    @Override
    public DetailsView details(int bookId) {
        return detailsAsync(bookId).join();
    }

    @Override
    public CompletableFuture<DetailsView> detailsAsync(int bookId) {
        return async.books().findDetails(bookId).thenApply(details -> SyncImpl.view(details.orElse(null)));
    }

    @Override
    public List<String> searchTitles(String query, int limit) {
        return searchTitlesAsync(query, limit).join();
    }

    @Override
    public CompletableFuture<List<String>> searchTitlesAsync(String query, int limit) {
        return async.books().searchTitles(query, limit).thenApply(SyncImpl::titles);
    }

    @Override
    public void addComment(String text, int userId, int bookId) {
        addCommentAsync(text, userId, bookId).join();
    }

    @Override
    public CompletableFuture<?> addCommentAsync(String text, int userId, int bookId) {
        return async.comments().add(userId, bookId, text);
    }

    @Override
    public void deleteBook(int bookId) {
        deleteBookAsync(bookId).join();
    }

    @Override
    public CompletableFuture<?> deleteBookAsync(int bookId) {
        return async.books().delete(bookId).thenAccept(deleted -> {
            if (!deleted) {
                throw BenchImpl.notThereToDelete(bookId);
            }
        });
    }

    @Override
    public Counts counts() {
        return SyncImpl.counts(async.counts().join());
    }

    @Override
    public void close() {
        library.close();
    }
}
