package org.elibrary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.elibrary.CatalogIT.failsUnchanged;
import static org.elibrary.CatalogIT.withLibrary;

import java.util.List;
import org.elibrary.domain.Author;
import org.elibrary.domain.Book;
import org.elibrary.domain.CatalogCounts;
import org.elibrary.domain.NewBook;
import org.elibrary.domain.NewComment;
import org.elibrary.domain.User;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The bulk writes ({@code comments().addAll}, {@code books().createAll}) when a row points nowhere: on their
 * own they write nothing; inside a caller's transaction, whose earlier rows may be written, that transaction
 * cannot commit. On SQLite the library's connections check references through foreign keys (JDBC batches),
 * a caller's connection without {@code PRAGMA foreign_keys} through the statements themselves.
 */
class BulkWriteIT {

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aBulkWriteWithAMissingReferenceWritesNothingAndNamesIt(Backend backend) {
        withLibrary(backend, BulkWriteIT::missingReferencesAreRefused);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aBulkWriteThatFailsInsideATransactionLeavesItAbleOnlyToRollBack(Backend backend) {
        withLibrary(backend, library -> {
            User user = library.users().create("reader");
            Book book = library.books().create("Book");
            Author author = library.authors().create("Author");
            CatalogCounts before = library.counts();
            List<NewComment> comments = List.of(new NewComment(user.id(), book.id(), "written first"),
                    new NewComment(user.id() + 100, book.id(), "no such user"));
            Throwable thrown = catchThrowable(() -> library.useTransaction(tx -> {
                assertThatThrownBy(() -> tx.comments().addAll(comments)).isInstanceOf(NotFoundException.class);
                // the caller swallows it and carries on
            }));
            assertThat(thrown).isInstanceOf(NotFoundException.class);
            assertThat(library.counts()).isEqualTo(before);

            List<NewBook> books = List.of(new NewBook("first", List.of(author.id())),
                    new NewBook("second", List.of(author.id() + 100)));
            thrown = catchThrowable(() -> library.useTransaction(tx -> {
                assertThatThrownBy(() -> tx.books().createAll(books)).isInstanceOf(NotFoundException.class);
            }));
            assertThat(thrown).isInstanceOf(NotFoundException.class);
            assertThat(library.counts()).isEqualTo(before);
        });
    }

    @Test
    void onASqliteConnectionWithoutForeignKeysMissingReferencesAreStillRefused() {
        SQLiteConfig config = new SQLiteConfig();
        config.enforceForeignKeys(false);
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl(TestDatabases.newDatabaseUrl(Backend.SQLITE));
        try (Library library = Library.open(dataSource)) {
            missingReferencesAreRefused(library);
        }
    }

    private static void missingReferencesAreRefused(Library library) {
        User user = library.users().create("reader");
        Book book = library.books().create("Book");
        Author author = library.authors().create("Author");

        NotFoundException noUser = failsUnchanged(library, NotFoundException.class, () -> library.comments().addAll(
                List.of(new NewComment(user.id(), book.id(), "fine"), new NewComment(user.id() + 100, book.id(), "x"))));
        assertThat(noUser.entity()).isEqualTo("user");
        assertThat(noUser.key()).isEqualTo("id=" + (user.id() + 100));
        NotFoundException noBook = failsUnchanged(library, NotFoundException.class, () -> library.comments().addAll(
                List.of(new NewComment(user.id(), book.id() + 100, "x"))));
        assertThat(noBook.entity()).isEqualTo("book");
        // several bad rows: the first one is named, and in a row missing both, its user (as PostgreSQL's own
        // check names it)
        long absentUser = user.id() + 100;
        long absentBook = book.id() + 100;
        NotFoundException first = failsUnchanged(library, NotFoundException.class, () -> library.comments().addAll(
                List.of(new NewComment(user.id(), book.id(), "fine"), new NewComment(user.id(), absentBook, "x"),
                        new NewComment(absentUser, book.id(), "y"))));
        assertThat(first.entity() + " " + first.key()).isEqualTo("book id=" + absentBook);
        first = failsUnchanged(library, NotFoundException.class, () -> library.comments().addAll(
                List.of(new NewComment(absentUser, book.id(), "y"), new NewComment(user.id(), absentBook, "x"))));
        assertThat(first.entity() + " " + first.key()).isEqualTo("user id=" + absentUser);
        first = failsUnchanged(library, NotFoundException.class, () -> library.comments().addAll(
                List.of(new NewComment(absentUser, absentBook, "both"))));
        assertThat(first.entity() + " " + first.key()).isEqualTo("user id=" + absentUser);
        // and so does a single comment
        first = failsUnchanged(library, NotFoundException.class,
                () -> library.comments().add(absentUser, absentBook, "both"));
        assertThat(first.entity() + " " + first.key()).isEqualTo("user id=" + absentUser);
        // ids no PostgreSQL INTEGER column can hold are missing rows there too, not a database error
        long huge = Integer.MAX_VALUE + 1L;
        first = failsUnchanged(library, NotFoundException.class, () -> library.comments().addAll(
                List.of(new NewComment(user.id(), book.id(), "fine"), new NewComment(huge, book.id(), "x"))));
        assertThat(first.entity() + " " + first.key()).isEqualTo("user id=" + huge);
        first = failsUnchanged(library, NotFoundException.class, () -> library.comments().addAll(
                List.of(new NewComment(user.id(), Long.MAX_VALUE, "x"))));
        assertThat(first.entity() + " " + first.key()).isEqualTo("book id=" + Long.MAX_VALUE);
        first = failsUnchanged(library, NotFoundException.class,
                () -> library.books().createWithAuthorIds("huge", List.of(author.id(), huge)));
        assertThat(first.entity() + " " + first.key()).isEqualTo("author id=" + huge);
        first = failsUnchanged(library, NotFoundException.class, () -> library.books().createAll(
                List.of(new NewBook("a", List.of(author.id() + 9)), new NewBook("b", List.of(huge)))));
        assertThat(first.entity() + " " + first.key()).isEqualTo("author id=" + (author.id() + 9));

        NotFoundException noAuthor = failsUnchanged(library, NotFoundException.class, () -> library.books().createAll(
                List.of(new NewBook("kept out", List.of(author.id())), new NewBook("also", List.of(author.id() + 7)))));
        assertThat(noAuthor.entity()).isEqualTo("author");
        assertThat(noAuthor.key()).isEqualTo("id=" + (author.id() + 7));

        assertThat(library.comments().addAll(List.of(new NewComment(user.id(), book.id(), "a"),
                new NewComment(user.id(), book.id(), "b")))).isEqualTo(2);
        assertThat(library.books().createAll(List.of(new NewBook("linked", List.of(author.id())))))
                .extracting(Book::title).containsExactly("linked");
        assertThat(library.counts()).isEqualTo(new CatalogCounts(1, 2, 1, 1, 2));
    }
}
