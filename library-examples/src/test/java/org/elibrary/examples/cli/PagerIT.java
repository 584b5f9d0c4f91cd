package org.elibrary.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.elibrary.Backend;
import org.elibrary.Library;
import org.elibrary.LibrarySettings;
import org.elibrary.domain.Author;
import org.elibrary.domain.NewBook;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The listings and the export walk the catalog page by page while other clients write: a row deleted meanwhile,
 * even the last one of a page, the next page's keyset, ends nothing.
 */
class PagerIT {
    /** Rows enough for three pages. */
    private static final int ROWS = 2 * Pager.PAGE_SIZE + 10;

    @ParameterizedTest
    @EnumSource(Backend.class)
    void everyListGoesOnWhenTheLastRowOfAPageIsDeletedMeanwhile(Backend backend) {
        String url = TestDatabases.newDatabaseUrl(backend);
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(url).build())) {
            List<String> usernames = numbered("читатель ");
            library.users().createAll(usernames);
            walkDeletingEachPagesLastRow(usernames, Pager.Pages.users(library.users()), u -> u.id(),
                    library.users()::delete);

            List<String> names = numbered("Автор ");
            library.authors().createAll(names);
            walkDeletingEachPagesLastRow(names, Pager.Pages.authors(library.authors()), Author::id,
                    library.authors()::delete);
            walkDeletingEachPagesLastRow(names, Pager.Pages.authorsByName(library.authors(), "ВТОР"), Author::id,
                    library.authors()::delete);

            Author shared = library.authors().create("Общий");
            List<String> titles = numbered("Книга ");
            library.books().createAll(titles.stream().map(t -> new NewBook(t, List.of(shared.id()))).toList());
            walkDeletingEachPagesLastRow(titles, Pager.Pages.books(library.books()), b -> b.id(),
                    library.books()::delete);
            walkDeletingEachPagesLastRow(titles, Pager.Pages.booksByTitle(library.books(), "нига"), b -> b.id(),
                    library.books()::delete);
            walkDeletingEachPagesLastRow(titles, Pager.Pages.booksByAuthor(library.books(), "общ"), b -> b.id(),
                    library.books()::delete);
        }
    }

    private static List<String> numbered(String prefix) {
        List<String> texts = new ArrayList<>();
        for (int i = ROWS - 1; i >= 0; i--) {
            texts.add(prefix + "%04d".formatted(i));
        }
        return texts;
    }

    /**
     * Walks {@code pages} from the start, deleting the last row of each page as it arrives, as another client
     * might; expects every row of {@code keys} (sorted: each ends in a zero-padded number), in order, and leaves
     * {@code keys} without the deleted ones.
     */
    private static <T> void walkDeletingEachPagesLastRow(List<String> keys, Pager.Pages<T> pages, ToLongFunction<T> id,
                                                         Function<Long, Boolean> delete) {
        List<String> expected = new ArrayList<>(keys);
        expected.sort(null);
        List<String> seen = new ArrayList<>();
        new Pager<>(null, null, pages).forEach(row -> {
            seen.add(pages.key().apply(row));
            if (seen.size() % Pager.PAGE_SIZE == 0) {
                assertThat(delete.apply(id.applyAsLong(row))).isTrue();
                keys.remove(pages.key().apply(row));
            }
        });
        assertThat(seen).isEqualTo(expected);
    }
}
