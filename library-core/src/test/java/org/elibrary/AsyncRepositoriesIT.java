package org.elibrary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.elibrary.CatalogIT.withLibrary;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.elibrary.domain.Author;
import org.elibrary.domain.Book;
import org.elibrary.domain.BookWithAuthors;
import org.elibrary.domain.Comment;
import org.elibrary.domain.User;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The asynchronous repositories do what their synchronous twins do: each call's result is compared with the
 * synchronous call's on the same rows. (AsyncTwinsTest compares signatures only, which cannot see a twin that
 * passes its arguments in the wrong order or calls the wrong method of the same shape.) Ids are chosen so that
 * no two kinds of row share an id, so swapped arguments name rows that do not exist or the wrong ones.
 */
class AsyncRepositoriesIT {
    private static final Duration BOUND = Duration.ofSeconds(60);

    private static <T> T done(CompletableFuture<T> future) {
        assertThat(future).succeedsWithin(BOUND);
        return future.join();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void readsReturnWhatTheSynchronousCallsReturn(Backend backend) {
        withLibrary(backend, library -> {
            Catalog c = Catalog.create(library);
            AsyncLibrary async = library.async();

            assertThat(done(async.authors().findById(c.gogol.id()))).contains(c.gogol);
            assertThat(done(async.authors().findByName("Гоголь"))).contains(c.gogol);
            assertThat(done(async.authors().findDetails(c.gogol.id())))
                    .isEqualTo(library.authors().findDetails(c.gogol.id())).isPresent();
            assertThat(done(async.authors().listAfter(c.gogol.id() - 1, 10)))
                    .isEqualTo(library.authors().listAfter(c.gogol.id() - 1, 10)).isNotEmpty();
            assertThat(done(async.authors().page(1, 2))).isEqualTo(library.authors().page(1, 2));
            assertThat(done(async.authors().search("гол", 10)))
                    .isEqualTo(library.authors().search("гол", 10)).contains(c.gogol);
            assertThat(done(async.authors().count())).isEqualTo(3);

            assertThat(done(async.books().findById(c.nose.id()))).contains(c.nose);
            assertThat(done(async.books().findByTitle("Нос"))).contains(c.nose);
            assertThat(done(async.books().findWithAuthors(c.overcoat.id())))
                    .isEqualTo(library.books().findWithAuthors(c.overcoat.id()))
                    .hasValueSatisfying(b -> assertThat(b.authors()).containsExactly(c.gogol));
            assertThat(done(async.books().findDetails(c.overcoat.id())))
                    .isEqualTo(library.books().findDetails(c.overcoat.id())).isPresent();
            assertThat(done(async.books().listAfter(0, 10))).isEqualTo(library.books().listAfter(0, 10)).hasSize(3);
            assertThat(done(async.books().page(1, 1))).isEqualTo(library.books().page(1, 1));
            assertThat(done(async.books().searchByTitle("Шинел", 10)))
                    .isEqualTo(library.books().searchByTitle("Шинел", 10)).isNotEmpty();
            assertThat(done(async.books().searchTitles("Нос", 10))).contains(c.nose);
            assertThat(done(async.books().searchByAuthor("Гоголь", 10)))
                    .isEqualTo(library.books().searchByAuthor("Гоголь", 10))
                    .extracting(BookWithAuthors::book).containsExactly(c.overcoat);

            assertThat(done(async.users().findById(c.reader.id()))).contains(c.reader);
            assertThat(done(async.users().findByUsername("reader"))).contains(c.reader);
            assertThat(done(async.users().listAfter(0, 10))).isEqualTo(library.users().listAfter(0, 10)).hasSize(2);
            assertThat(done(async.users().page(0, 1))).isEqualTo(library.users().page(0, 1));

            assertThat(done(async.comments().findById(c.comment.id()))).contains(c.comment);
            assertThat(done(async.comments().listForBook(c.overcoat.id())))
                    .isEqualTo(library.comments().listForBook(c.overcoat.id())).hasSize(1);
            assertThat(done(async.comments().listForUser(c.reader.id())))
                    .isEqualTo(library.comments().listForUser(c.reader.id())).containsExactly(c.comment);
            assertThat(done(async.comments().listForUser(c.writer.id()))).isEmpty();
        });
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void writesChangeTheRowsTheyAreGiven(Backend backend) {
        withLibrary(backend, library -> {
            Catalog c = Catalog.create(library);
            AsyncLibrary async = library.async();

            // link the third book to the first author: swapped, that would be book 1 and author 3 (or no such row)
            done(async.books().linkAuthor(c.nose.id(), c.pushkin.id()));
            assertThat(library.books().findWithAuthors(c.nose.id()).orElseThrow().authors()).containsExactly(c.pushkin);
            assertThat(library.authors().findDetails(c.pushkin.id()).orElseThrow().books())
                    .extracting(Book::id).containsExactly(c.nose.id());
            assertThat(library.counts().authorBook()).isEqualTo(2);

            assertThat(done(async.books().unlinkAuthor(c.overcoat.id(), c.gogol.id()))).isTrue();
            assertThat(library.books().findWithAuthors(c.overcoat.id()).orElseThrow().authors()).isEmpty();
            assertThat(library.books().findWithAuthors(c.nose.id()).orElseThrow().authors()).containsExactly(c.pushkin);
            assertThat(done(async.books().unlinkAuthor(c.overcoat.id(), c.gogol.id()))).isFalse();

            Author renamedAuthor = done(async.authors().rename(c.gogol.id(), "Н. В. Гоголь"));
            assertThat(renamedAuthor).isEqualTo(new Author(c.gogol.id(), "Н. В. Гоголь"));
            assertThat(library.authors().findById(c.gogol.id())).contains(renamedAuthor);
            Book renamedBook = done(async.books().rename(c.nose.id(), "Нос (1836)"));
            assertThat(library.books().findById(c.nose.id())).contains(renamedBook);
            assertThat(renamedBook.title()).isEqualTo("Нос (1836)");
            User renamedUser = done(async.users().rename(c.writer.id(), "author"));
            assertThat(library.users().findById(c.writer.id())).contains(renamedUser);
            assertThat(renamedUser.username()).isEqualTo("author");
            Comment edited = done(async.comments().edit(c.comment.id(), "перечитал"));
            assertThat(edited.text()).isEqualTo("перечитал");
            assertThat(library.comments().findById(c.comment.id())).contains(edited);
            assertThat(library.authors().findById(c.pushkin.id())).contains(c.pushkin);
        });
    }

    /** Rows whose ids differ between kinds: three authors, three books (the first two unlinked), two users. */
    private record Catalog(Author pushkin, Author gogol, Book overcoat, Book nose, User writer, User reader,
                           Comment comment) {
        static Catalog create(Library library) {
            library.books().create("Мёртвые души");
            Author pushkin = library.authors().create("Пушкин");
            library.authors().create("Лермонтов");
            Author gogol = library.authors().create("Гоголь");
            Book overcoat = library.books().create("Шинель");
            library.books().linkAuthor(overcoat.id(), gogol.id());
            Book nose = library.books().create("Нос");
            User writer = library.users().create("writer");
            User reader = library.users().create("reader");
            Comment comment = library.comments().add(reader.id(), overcoat.id(), "прочитал");
            assertThat(nose.id()).isNotEqualTo(pushkin.id());
            return new Catalog(pushkin, gogol, overcoat, nose, writer, reader, comment);
        }
    }
}
