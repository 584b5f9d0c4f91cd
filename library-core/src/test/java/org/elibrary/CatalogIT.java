package org.elibrary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.ToLongFunction;
import org.elibrary.domain.Author;
import org.elibrary.domain.AuthorDetails;
import org.elibrary.domain.Book;
import org.elibrary.domain.BookComment;
import org.elibrary.domain.BookDetails;
import org.elibrary.domain.BookWithAuthors;
import org.elibrary.domain.CatalogCounts;
import org.elibrary.domain.Comment;
import org.elibrary.domain.NewBook;
import org.elibrary.domain.NewComment;
import org.elibrary.domain.Page;
import org.elibrary.domain.User;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The catalog scenario suite: every operation, on SQLite and on PostgreSQL, each test on a fresh database. */
class CatalogIT {

    static void withLibrary(Backend backend, Consumer<Library> test) {
        String url = TestDatabases.newDatabaseUrl(backend);
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(url).build())) {
            assertThat(library.backend()).isEqualTo(backend);
            test.accept(library);
        }
    }

    /** Runs {@code failing}, expects {@code type}, and checks that no table changed. */
    static <E extends Throwable> E failsUnchanged(Library library, Class<E> type, Runnable failing) {
        CatalogCounts before = library.counts();
        E error = catchThrowableOfType(type, failing::run);
        assertThat(error).as("expected %s", type.getSimpleName()).isNotNull();
        assertThat(library.counts()).isEqualTo(before);
        return error;
    }

    // ---------------------------------------------------------------- authors

    @ParameterizedTest
    @EnumSource(Backend.class)
    void authorsCreateFindRenameDelete(Backend backend) {
        withLibrary(backend, library -> {
            AuthorRepository authors = library.authors();
            Author tolstoy = authors.create("Лев Толстой");
            assertThat(tolstoy.id()).isPositive();
            assertThat(authors.findById(tolstoy.id())).contains(tolstoy);
            assertThat(authors.findByName("Лев Толстой")).contains(tolstoy);
            assertThat(authors.findByName("лев толстой")).isEmpty();
            assertThat(authors.findById(tolstoy.id() + 100)).isEmpty();

            Author renamed = authors.rename(tolstoy.id(), "Leo Tolstoy");
            assertThat(renamed).isEqualTo(new Author(tolstoy.id(), "Leo Tolstoy"));
            assertThat(authors.findById(tolstoy.id())).contains(renamed);
            assertThat(authors.count()).isEqualTo(1);

            assertThat(authors.delete(tolstoy.id())).isTrue();
            assertThat(authors.delete(tolstoy.id())).isFalse();
            assertThat(authors.findById(tolstoy.id())).isEmpty();
            assertThat(authors.count()).isZero();
        });
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void authorErrorsLeaveTheDatabaseUnchanged(Backend backend) {
        withLibrary(backend, library -> {
            AuthorRepository authors = library.authors();
            Author a = authors.create("Anna");
            Author b = authors.create("Boris");
            DuplicateException dup = failsUnchanged(library, DuplicateException.class, () -> authors.create("Anna"));
            assertThat(dup.field()).isEqualTo("author.name");
            assertThat(dup.value()).isEqualTo("Anna");
            dup = failsUnchanged(library, DuplicateException.class, () -> authors.rename(b.id(), "Anna"));
            assertThat(dup.value()).isEqualTo("Anna");
            assertThat(authors.findById(b.id())).contains(b);
            NotFoundException missing = failsUnchanged(library, NotFoundException.class,
                    () -> authors.rename(a.id() + b.id(), "Carl"));
            assertThat(missing.entity()).isEqualTo("author");
            // a bulk create names the value already taken (SQLite's own message names only the column)
            dup = failsUnchanged(library, DuplicateException.class, () -> authors.createAll(List.of("Carl", "Dora", "Anna")));
            assertThat(dup.field()).isEqualTo("author.name");
            assertThat(dup.value()).isEqualTo("Anna");
            dup = failsUnchanged(library, DuplicateException.class,
                    () -> authors.createAll(List.of("Carl", "Dora", "Carl")));
            assertThat(dup).hasMessage("author.name 'Carl' is given twice, in names[0] and names[2]");
            assertThat(authors.findByName("Carl")).isEmpty();
        });
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void findOrCreateAllAnswersEveryNameInOrderCreatingOnlyTheNewOnes(Backend backend) {
        withLibrary(backend, library -> {
            AuthorRepository authors = library.authors();
            Author tolstoy = authors.create("Толстой");
            List<Author> found = authors.findOrCreateAll(List.of("Пушкин", "Толстой", "Гоголь", "Пушкин", "толстой"));
            assertThat(found).extracting(Author::name).containsExactly("Пушкин", "Толстой", "Гоголь", "Пушкин", "толстой");
            assertThat(found.get(1)).isEqualTo(tolstoy);
            assertThat(found.get(3)).isEqualTo(found.get(0));
            assertThat(authors.count()).isEqualTo(4);
            found.forEach(author -> assertThat(authors.findById(author.id())).contains(author));
            assertThat(authors.findOrCreateAll(List.of("Гоголь", "Толстой"))).containsExactly(found.get(2), tolstoy);
            assertThat(library.async().authors().findOrCreateAll(List.of("Чехов", "Гоголь")).join())
                    .extracting(Author::name).containsExactly("Чехов", "Гоголь");
            assertThat(authors.count()).isEqualTo(5);
            assertThat(authors.findOrCreateAll(List.of())).isEmpty();

            // more than a chunk of new names, each given twice, between names that exist
            List<String> many = new ArrayList<>();
            for (int i = 0; i < 2500; i++) {
                many.add(i % 100 == 0 ? "Толстой" : "Автор " + (i % 1250));
            }
            List<Author> manyFound = authors.findOrCreateAll(many);
            assertThat(manyFound).extracting(Author::name).isEqualTo(many);
            assertThat(manyFound.get(1)).isEqualTo(manyFound.get(1251));
            assertThat(manyFound.get(0)).isEqualTo(tolstoy);
            assertThat(authors.count()).isEqualTo(5 + 1250);
            assertThat(authors.findByName("Автор 1249")).contains(manyFound.get(1249));

            // inside a transaction: what it created is rolled back with it
            assertThatThrownBy(() -> library.useTransaction(tx -> {
                assertThat(tx.authors().findOrCreateAll(List.of("Временный", "Толстой"))).element(1).isEqualTo(tolstoy);
                throw new IllegalStateException("roll back");
            })).hasMessage("roll back");
            assertThat(authors.findByName("Временный")).isEmpty();

            UserRepository users = library.users();
            User anna = users.create("anna");
            List<User> readers = users.findOrCreateAll(List.of("bob", "anna", "Анна", "bob"));
            assertThat(readers).extracting(User::username).containsExactly("bob", "anna", "Анна", "bob");
            assertThat(readers.get(1)).isEqualTo(anna);
            assertThat(readers.get(3)).isEqualTo(readers.get(0));
            assertThat(library.async().users().findOrCreateAll(List.of("Анна", "bob")).join())
                    .containsExactly(readers.get(2), readers.get(0));
            assertThat(users.count()).isEqualTo(3);

            // a bad element is named by its index, and nothing is written
            InvalidInputException e = failsUnchanged(library, InvalidInputException.class,
                    () -> authors.findOrCreateAll(List.of("Новый", "Толстой", "я".repeat(101))));
            assertThat(e).hasMessage("author.name of names[2]: must be at most 100 characters");
            assertThat(e.index()).hasValue(2);
            e = failsUnchanged(library, InvalidInputException.class,
                    () -> authors.findOrCreateAll(Arrays.asList("Новый", null)));
            assertThat(e).hasMessage("author.name of names[1]: is required");
            e = failsUnchanged(library, InvalidInputException.class, () -> authors.findOrCreateAll(null));
            assertThat(e.field()).isEqualTo("names");
            e = failsUnchanged(library, InvalidInputException.class,
                    () -> users.findOrCreateAll(List.of("new", "anna", " ")));
            assertThat(e).hasMessage("user.username of usernames[2]: must not be blank");
            assertThat(e.index()).hasValue(2);
            e = failsUnchanged(library, InvalidInputException.class, () -> users.findOrCreateAll(List.of("u".repeat(51))));
            assertThat(e).hasMessage("user.username of usernames[0]: must be at most 50 characters");
        });
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void authorDetailsAndDeleteKeepsBooks(Backend backend) {
        withLibrary(backend, library -> {
            BookWithAuthors war = library.books().createWithAuthors("War and Peace", List.of("Tolstoy"));
            BookWithAuthors anna = library.books().createWithAuthors("Anna Karenina", List.of("Tolstoy", "Editor"));
            Author tolstoy = library.authors().findByName("Tolstoy").orElseThrow();
            AuthorDetails details = library.authors().findDetails(tolstoy.id()).orElseThrow();
            assertThat(details.author()).isEqualTo(tolstoy);
            assertThat(details.books()).containsExactly(anna.book(), war.book());
            Author lonely = library.authors().create("Lonely");
            assertThat(library.authors().findDetails(lonely.id()).orElseThrow().books()).isEmpty();
            assertThat(library.authors().findDetails(999)).isEmpty();

            assertThat(library.authors().delete(tolstoy.id())).isTrue();
            assertThat(library.books().count()).isEqualTo(2);
            assertThat(library.counts().authorBook()).isEqualTo(1);
            assertThat(library.books().findWithAuthors(anna.id()).orElseThrow().authors())
                    .extracting(Author::name).containsExactly("Editor");
        });
    }

    // ---------------------------------------------------------------- books

    @ParameterizedTest
    @EnumSource(Backend.class)
    void booksCreateFindRenameLinkUnlink(Backend backend) {
        withLibrary(backend, library -> {
            BookRepository books = library.books();
            Book book = books.create("Война и мир");
            assertThat(books.findById(book.id())).contains(book);
            assertThat(books.findByTitle("Война и мир")).contains(book);
            assertThat(books.findWithAuthors(book.id()).orElseThrow().authors()).isEmpty();
            Author a = library.authors().create("Толстой");
            Author b = library.authors().create("Aнонимус");
            books.linkAuthor(book.id(), a.id());
            books.linkAuthor(book.id(), b.id());
            DuplicateException dup = failsUnchanged(library, DuplicateException.class,
                    () -> books.linkAuthor(book.id(), a.id()));
            assertThat(dup.field()).isEqualTo("author_book");
            NotFoundException nf = failsUnchanged(library, NotFoundException.class,
                    () -> books.linkAuthor(book.id(), 9999));
            assertThat(nf.entity()).isEqualTo("author");
            nf = failsUnchanged(library, NotFoundException.class, () -> books.linkAuthor(9999, a.id()));
            assertThat(nf.entity()).isEqualTo("book");
            assertThat(books.findWithAuthors(book.id()).orElseThrow().authors()).containsExactlyInAnyOrder(a, b);
            assertThat(books.unlinkAuthor(book.id(), b.id())).isTrue();
            assertThat(books.unlinkAuthor(book.id(), b.id())).isFalse();
            assertThat(books.findWithAuthors(book.id()).orElseThrow().authors()).containsExactly(a);

            Book renamed = books.rename(book.id(), "War and Peace");
            assertThat(books.findById(book.id())).contains(renamed);
            assertThat(books.findByTitle("Война и мир")).isEmpty();
            failsUnchanged(library, NotFoundException.class, () -> books.rename(9999, "x"));
            books.create("Other");
            DuplicateException taken = failsUnchanged(library, DuplicateException.class,
                    () -> books.rename(book.id(), "Other"));
            assertThat(taken.field()).isEqualTo("book.title");
            assertThat(taken.value()).isEqualTo("Other");
        });
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void createBookWithAuthorsCreatesOnlyMissingAuthorsAtomically(Backend backend) {
        withLibrary(backend, library -> {
            Author existing = library.authors().create("Ильф");
            BookWithAuthors created = library.books().createWithAuthors("Двенадцать стульев",
                    List.of("Петров", "Ильф", "Петров"));
            assertThat(created.authors()).extracting(Author::name).containsExactly("Ильф", "Петров");
            assertThat(created.authors()).contains(existing);
            assertThat(library.authors().count()).isEqualTo(2);
            assertThat(library.books().findWithAuthors(created.id())).contains(created);

            // The title is taken: the new author "Новый" must not survive the failed call.
            DuplicateException dup = failsUnchanged(library, DuplicateException.class,
                    () -> library.books().createWithAuthors("Двенадцать стульев", List.of("Новый")));
            assertThat(dup.field()).isEqualTo("book.title");
            assertThat(library.authors().findByName("Новый")).isEmpty();
        });
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void bulkCreateIsAllOrNothing(Backend backend) {
        withLibrary(backend, library -> {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < 1500; i++) {
                names.add(i % 2 == 0 ? "Author %06d".formatted(i) : "Автор %06d".formatted(i));
            }
            List<Author> authors = library.authors().createAll(names);
            assertThat(authors).extracting(Author::name).containsExactlyElementsOf(names);
            assertThat(authors).extracting(Author::id).doesNotHaveDuplicates();
            assertThat(library.authors().findById(authors.get(1234).id())).contains(authors.get(1234));
            // the returned lists are the caller's, empty ones too
            library.authors().createAll(List.of()).add(authors.get(0));
            library.books().createAll(List.of()).add(new Book(1, "x"));
            library.users().createAll(List.of()).add(new User(1, "x"));

            List<NewBook> books = new ArrayList<>();
            for (int i = 0; i < 1200; i++) {
                books.add(new NewBook("Book %07d".formatted(i),
                        List.of(authors.get(i % 1500).id(), authors.get((i * 7 + 3) % 1500).id())));
            }
            List<Book> created = library.books().createAll(books);
            assertThat(created).extracting(Book::title).containsExactlyElementsOf(books.stream().map(NewBook::title).toList());
            CatalogCounts counts = library.counts();
            assertThat(counts.book()).isEqualTo(1200);
            assertThat(counts.authorBook()).isEqualTo(2400);

            // One missing author id: nothing of the batch is stored.
            NotFoundException nf = failsUnchanged(library, NotFoundException.class, () -> library.books().createAll(
                    List.of(new NewBook("New 1", List.of(authors.get(0).id())), new NewBook("New 2", List.of(99_999L)))));
            assertThat(nf.key()).isEqualTo("id=99999");
            // A taken title in the middle of a batch: nothing stored.
            DuplicateException taken = failsUnchanged(library, DuplicateException.class, () -> library.books().createAll(
                    List.of(new NewBook("New 1", List.of()), new NewBook("Book 0000005", List.of()))));
            assertThat(taken.field()).isEqualTo("book.title");
            assertThat(taken.value()).isEqualTo("Book 0000005");
            assertThat(library.books().createWithAuthorIds("Solo", List.of(authors.get(0).id(), authors.get(0).id())).title())
                    .isEqualTo("Solo");

            List<User> users = library.users().createAll(List.of("u1", "u2", "u3"));
            taken = failsUnchanged(library, DuplicateException.class, () -> library.users().createAll(List.of("u4", "u2")));
            assertThat(taken.field()).isEqualTo("user.username");
            assertThat(taken.value()).isEqualTo("u2");
            List<NewComment> comments = new ArrayList<>();
            for (int j = 0; j < 2500; j++) {
                comments.add(new NewComment(users.get(j % 3).id(), created.get((j * 31) % 1200).id(), "Comment %d on book".formatted(j)));
            }
            assertThat(library.comments().addAll(comments)).isEqualTo(2500);
            assertThat(library.comments().count()).isEqualTo(2500);
            NotFoundException missingUser = failsUnchanged(library, NotFoundException.class,
                    () -> library.comments().addAll(List.of(new NewComment(users.get(0).id(), created.get(0).id(), "ok"),
                            new NewComment(777, created.get(0).id(), "bad"))));
            assertThat(missingUser.entity()).isEqualTo("user");
        });
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void bookDetailsHaveAuthorsByNameAndCommentsByIdWithUsernames(Backend backend) {
        withLibrary(backend, library -> {
            BookWithAuthors book = library.books().createWithAuthors("Мастер и Маргарита", List.of("Булгаков", "Анонимный"));
            User ivan = library.users().create("ivan");
            User olga = library.users().create("ольга 👩‍💻");
            Comment first = library.comments().add(ivan.id(), book.id(), "Первый!");
            Comment second = library.comments().add("ольга 👩‍💻", book.id(), "Отлично 👍");
            BookDetails details = library.books().findDetails(book.id()).orElseThrow();
            assertThat(details.book()).isEqualTo(book.book());
            assertThat(details.authors()).extracting(Author::name).containsExactly("Анонимный", "Булгаков");
            assertThat(details.comments()).containsExactly(
                    new BookComment(first.id(), "Первый!", ivan.id(), "ivan"),
                    new BookComment(second.id(), "Отлично 👍", olga.id(), "ольга 👩‍💻"));
            assertThat(library.books().findDetails(book.id() + 1000)).isEmpty();

            Book bare = library.books().create("Bare");
            BookDetails empty = library.books().findDetails(bare.id()).orElseThrow();
            assertThat(empty.authors()).isEmpty();
            assertThat(empty.comments()).isEmpty();
        });
    }

    // ---------------------------------------------------------------- users and comments

    @ParameterizedTest
    @EnumSource(Backend.class)
    void usersCreateFindRenameDeleteWithComments(Backend backend) {
        withLibrary(backend, library -> {
            UserRepository users = library.users();
            User u = users.create("reader");
            assertThat(users.findById(u.id())).contains(u);
            assertThat(users.findByUsername("reader")).contains(u);
            assertThat(users.rename(u.id(), "читатель")).isEqualTo(new User(u.id(), "читатель"));
            DuplicateException dup = failsUnchanged(library, DuplicateException.class, () -> users.create("читатель"));
            assertThat(dup.field()).isEqualTo("user.username");
            assertThat(dup.value()).isEqualTo("читатель");
            failsUnchanged(library, NotFoundException.class, () -> users.rename(999, "nobody"));

            User other = users.create("other");
            Book book = library.books().create("Book");
            library.comments().add(u.id(), book.id(), "one");
            library.comments().add(u.id(), book.id(), "two");
            Comment kept = library.comments().add(other.id(), book.id(), "kept");
            assertThat(users.delete(u.id())).isTrue();
            assertThat(users.delete(u.id())).isFalse();
            assertThat(library.comments().listForBook(book.id())).extracting(BookComment::id).containsExactly(kept.id());
            assertThat(library.counts()).isEqualTo(new CatalogCounts(0, 1, 0, 1, 1));
        });
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void commentsAddListEditDelete(Backend backend) {
        withLibrary(backend, library -> {
            User u = library.users().create("u");
            Book b1 = library.books().create("B1");
            Book b2 = library.books().create("B2");
            Comment c1 = library.comments().add(u.id(), b1.id(), "first");
            Comment c2 = library.comments().add("u", b2.id(), "second");
            assertThat(c1).isEqualTo(new Comment(c1.id(), "first", u.id(), b1.id()));
            assertThat(library.comments().findById(c2.id())).contains(c2);
            assertThat(library.comments().listForUser(u.id())).containsExactly(c1, c2);
            assertThat(library.comments().listForBook(b1.id())).containsExactly(new BookComment(c1.id(), "first", u.id(), "u"));
            assertThat(library.comments().edit(c1.id(), "edited")).isEqualTo(new Comment(c1.id(), "edited", u.id(), b1.id()));
            failsUnchanged(library, NotFoundException.class, () -> library.comments().edit(999, "x"));
            assertThat(library.comments().delete(c1.id())).isTrue();
            assertThat(library.comments().delete(c1.id())).isFalse();
            assertThat(library.comments().listForUser(u.id())).containsExactly(c2);

            NotFoundException nf = failsUnchanged(library, NotFoundException.class,
                    () -> library.comments().add(999, b1.id(), "x"));
            assertThat(nf.entity()).isEqualTo("user");
            assertThat(nf.key()).isEqualTo("id=999");
            nf = failsUnchanged(library, NotFoundException.class, () -> library.comments().add(u.id(), 999, "x"));
            assertThat(nf.entity()).isEqualTo("book");
            assertThat(nf.key()).isEqualTo("id=999");
            nf = failsUnchanged(library, NotFoundException.class, () -> library.comments().add("ghost", b1.id(), "x"));
            assertThat(nf.entity()).isEqualTo("user");
            assertThat(nf.key()).isEqualTo("username=ghost");
        });
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void deletingABookRemovesItsCommentsAndLinksButNotAuthorsOrUsers(Backend backend) {
        withLibrary(backend, library -> {
            BookWithAuthors doomed = library.books().createWithAuthors("Doomed", List.of("A", "B"));
            BookWithAuthors kept = library.books().createWithAuthors("Kept", List.of("A"));
            User u = library.users().create("u");
            for (int i = 0; i < 5; i++) {
                library.comments().add(u.id(), doomed.id(), "c" + i);
            }
            library.comments().add(u.id(), kept.id(), "stays");
            assertThat(library.books().delete(doomed.id())).isTrue();
            assertThat(library.books().delete(doomed.id())).isFalse();
            assertThat(library.counts()).isEqualTo(new CatalogCounts(2, 1, 1, 1, 1));
            assertThat(library.books().findDetails(kept.id()).orElseThrow().comments()).hasSize(1);
        });
    }

    // ---------------------------------------------------------------- lists and pages

    @ParameterizedTest
    @EnumSource(Backend.class)
    void keysetAndOffsetPagination(Backend backend) {
        withLibrary(backend, library -> {
            List<String> titles = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                titles.add("Title %02d".formatted((i * 7) % 25));
            }
            Author author = library.authors().create("Shared");
            List<Book> books = library.books().createAll(titles.stream()
                    .map(t -> new NewBook(t, List.of(author.id()))).toList());
            List<String> seen = new ArrayList<>();
            long after = 0;
            while (true) {
                List<BookWithAuthors> page = library.books().listAfter(after, 10);
                if (page.isEmpty()) {
                    break;
                }
                page.forEach(b -> assertThat(b.authors()).containsExactly(author));
                page.forEach(b -> seen.add(b.book().title()));
                after = page.get(page.size() - 1).id();
            }
            assertThat(seen).isSorted().hasSize(25).doesNotHaveDuplicates();

            Page<BookWithAuthors> page = library.books().page(20, 10);
            assertThat(page.total()).isEqualTo(25);
            assertThat(page.items()).hasSize(5);
            assertThat(page.items().get(0).book().title()).isEqualTo("Title 20");
            assertThat(page.hasNext()).isFalse();
            Page<BookWithAuthors> beyond = library.books().page(100, 10);
            assertThat(beyond.items()).isEmpty();
            assertThat(beyond.total()).isEqualTo(25);
            assertThat(library.books().page(0, 3).hasNext()).isTrue();

            Book deleted = books.get(0);
            library.books().delete(deleted.id());
            assertThatThrownBy(() -> library.books().listAfter(deleted.id(), 10)).isInstanceOf(NotFoundException.class);

            List<Author> authors = library.authors().createAll(List.of("Cc", "Aa", "Bb", "Dd"));
            assertThat(library.authors().listAfter(0, 2)).extracting(Author::name).containsExactly("Aa", "Bb");
            long bb = authors.get(2).id();
            assertThat(library.authors().listAfter(bb, 10)).extracting(Author::name).containsExactly("Cc", "Dd", "Shared");
            Page<Author> authorPage = library.authors().page(1, 2);
            assertThat(authorPage.items()).extracting(Author::name).containsExactly("Bb", "Cc");
            assertThat(authorPage.total()).isEqualTo(5);

            library.users().createAll(List.of("zed", "amy", "bob"));
            List<User> firstUsers = library.users().listAfter(0, 2);
            assertThat(firstUsers).extracting(User::username).containsExactly("amy", "bob");
            assertThat(library.users().listAfter(firstUsers.get(1).id(), 2)).extracting(User::username).containsExactly("zed");
            assertThat(library.users().page(0, 2).total()).isEqualTo(3);
            assertThat(library.users().page(5, 2).total()).isEqualTo(3);
            assertThat(library.users().page(0, 2).items()).extracting(User::username).containsExactly("amy", "bob");
        });
    }

    /**
     * Keys whose order differs between code points and a linguistic collation: mixed case, Cyrillic with
     * Ё (outside А-я in code points), accents, digits, punctuation, other scripts and a character beyond the
     * BMP. Short enough for usernames.
     */
    static final List<String> MIXED_KEYS = List.of("apple", "Apple", "APPLE", "banana", "Banana", "Ёлка", "ёлка",
            "Елка", "елка", "Жук", "жук", "Яблоко", "яблоко", "Zebra", "zebra", "éclair", "Eclair", "eclair",
            "10 days", "9 days", "a-b", "ab", "a b", "Ω", "中文", "😀 smile", "Ёж и ёлка", "ЖУК-АПЕЛЬСИН");

    @ParameterizedTest
    @EnumSource(Backend.class)
    void keysetByKeyGivesTheSequenceOfTheKeysetById(Backend backend) {
        withLibrary(backend, library -> assertPagingByKeyFollowsPagingById(library, MIXED_KEYS));
    }

    /**
     * The test databases collate in code-point order (C.UTF-8), as SQLite does; a database of a linguistic
     * collation orders case and Cyrillic otherwise, and a key bound as a parameter must follow it there too.
     */
    @Test
    void keysetByKeyFollowsALinguisticCollationOnPostgres() {
        String url = TestDatabases.newPostgresUrl(
                "ENCODING 'UTF8' LOCALE 'C.UTF-8' LOCALE_PROVIDER icu ICU_LOCALE 'ru-RU' TEMPLATE template0");
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(url).build())) {
            List<String> ordered = assertPagingByKeyFollowsPagingById(library, MIXED_KEYS);
            List<String> codePoints = MIXED_KEYS.stream().sorted(Comparator.comparing(CatalogIT::codePoints,
                    Arrays::compare)).toList();
            assertThat(ordered).as("ordered by the database's collation, not by code points").isNotEqualTo(codePoints);
            assertThat(ordered.indexOf("Apple")).isEqualTo(ordered.indexOf("apple") + 1);
        }
    }

    private static int[] codePoints(String text) {
        return text.codePoints().toArray();
    }

    /**
     * Fills the catalog with books, authors and users named {@code keys} (book i by author i), then checks that
     * every list and search paged after the last row's key gives exactly what paging after its id gives (the
     * whole list, in the ORDER BY of one statement), and that a page after a row deleted meanwhile goes on after
     * its key where paging by id fails. Returns the books' titles in the database's order.
     */
    static List<String> assertPagingByKeyFollowsPagingById(Library library, List<String> keys) {
        List<Author> authors = library.authors().createAll(keys);
        library.books().createAll(authors.stream().map(a -> new NewBook(a.name(), List.of(a.id()))).toList());
        library.users().createAll(keys);
        BookRepository books = library.books();
        AuthorRepository byName = library.authors();
        List<BookWithAuthors> all = books.listAfter(0, 1000);
        assertThat(titles(all)).containsExactlyInAnyOrderElementsOf(keys);
        assertThat(byName.listAfter(0, 1000)).extracting(Author::name).isEqualTo(titles(all));
        assertThat(library.users().listAfter(0, 1000)).extracting(User::username).isEqualTo(titles(all));
        for (int size : new int[] {1, 4}) {
            assertThat(pagedByKey(books.listAfter(0, size), key -> books.listAfterTitle(key, size), BookWithAuthors::title))
                    .isEqualTo(paged(after -> books.listAfter(after, size), BookWithAuthors::id)).isEqualTo(all);
            assertThat(pagedByKey(byName.listAfter(0, size), key -> byName.listAfterName(key, size), Author::name))
                    .isEqualTo(paged(after -> byName.listAfter(after, size), Author::id)).hasSize(keys.size());
            UserRepository users = library.users();
            assertThat(pagedByKey(users.listAfter(0, size), key -> users.listAfterUsername(key, size), User::username))
                    .isEqualTo(paged(after -> users.listAfter(after, size), User::id)).hasSize(keys.size());
            for (String query : List.of("a", "APP", "ёл", "ЁЛКА", "жук", "e")) {
                assertThat(pagedByKey(books.searchByTitle(query, size),
                        key -> books.searchByTitleAfterTitle(query, key, size), BookWithAuthors::title))
                        .as("books by title %s", query).isEqualTo(pagedByTitle(library, query, size)).isNotEmpty();
                assertThat(pagedByKey(books.searchByAuthor(query, size),
                        key -> books.searchByAuthorAfterTitle(query, key, size), BookWithAuthors::title))
                        .as("books by author %s", query).isEqualTo(pagedByAuthor(library, query, size)).isNotEmpty();
                assertThat(pagedByKey(byName.search(query, size),
                        key -> byName.searchAfterName(query, key, size), Author::name))
                        .as("authors %s", query).isEqualTo(paged(after -> byName.searchAfter(query, after, size), Author::id))
                        .isNotEmpty();
            }
        }

        // another client deletes the last row of a page: by id the next page fails, by key it goes on
        BookWithAuthors last = all.get(4);
        assertThat(books.delete(last.id())).isTrue();
        assertThatThrownBy(() -> books.listAfter(last.id(), 5)).isInstanceOf(NotFoundException.class);
        assertThat(books.listAfterTitle(last.title(), 5)).isEqualTo(all.subList(5, 10));
        assertThat(library.async().books().listAfterTitle(last.title(), 5).join()).isEqualTo(all.subList(5, 10));
        List<BookWithAuthors> matching = books.searchByTitle("a", 1000);
        BookWithAuthors lastMatch = matching.get(1);
        List<BookWithAuthors> expected = matching.subList(2, Math.min(matching.size(), 5));
        assertThat(books.delete(lastMatch.id())).isTrue();
        assertThatThrownBy(() -> books.searchByTitleAfter("a", lastMatch.id(), 3)).isInstanceOf(NotFoundException.class);
        assertThat(books.searchByTitleAfterTitle("a", lastMatch.title(), 3)).isEqualTo(expected);
        assertThat(library.async().books().searchByTitleAfterTitle("a", lastMatch.title(), 3).join()).isEqualTo(expected);
        List<BookWithAuthors> byAuthor = books.searchByAuthor("a", 1000);
        assertThat(books.searchByAuthorAfterTitle("a", lastMatch.title(), 1000))
                .isEqualTo(byAuthor.stream().filter(b -> titles(matching).indexOf(b.title()) > 1).toList())
                .isEqualTo(library.async().books().searchByAuthorAfterTitle("a", lastMatch.title(), 1000).join());
        Author gone = byName.listAfter(0, 3).get(2);
        List<Author> afterGone = byName.listAfter(gone.id(), 3);
        List<Author> afterGoneMatching = byName.searchAfter("a", gone.id(), 3);
        assertThat(byName.delete(gone.id())).isTrue();
        assertThat(byName.listAfterName(gone.name(), 3)).isEqualTo(afterGone)
                .isEqualTo(library.async().authors().listAfterName(gone.name(), 3).join());
        assertThat(byName.searchAfterName("a", gone.name(), 3)).isEqualTo(afterGoneMatching)
                .isEqualTo(library.async().authors().searchAfterName("a", gone.name(), 3).join());
        User goneUser = library.users().listAfter(0, 2).get(1);
        List<User> afterGoneUser = library.users().listAfter(goneUser.id(), 2);
        assertThat(library.users().delete(goneUser.id())).isTrue();
        assertThatThrownBy(() -> library.users().listAfter(goneUser.id(), 2)).isInstanceOf(NotFoundException.class);
        assertThat(library.users().listAfterUsername(goneUser.username(), 2)).isEqualTo(afterGoneUser)
                .isEqualTo(library.async().users().listAfterUsername(goneUser.username(), 2).join());
        // a key no row ever had: the rows after it; after the last key, nothing
        assertThat(books.listAfterTitle(all.get(all.size() - 1).title(), 10)).isEmpty();
        return titles(all);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void keysetByKeyValidatesTheKeyAsItsColumn(Backend backend) {
        withLibrary(backend, library -> {
            library.books().create("B");
            InvalidInputException e = failsUnchanged(library, InvalidInputException.class,
                    () -> library.books().listAfterTitle(null, 10));
            assertThat(e).hasMessage("afterTitle: is required");
            e = failsUnchanged(library, InvalidInputException.class, () -> library.books().listAfterTitle(" ", 10));
            assertThat(e).hasMessage("afterTitle: must not be blank");
            e = failsUnchanged(library, InvalidInputException.class,
                    () -> library.books().listAfterTitle("x".repeat(151), 10));
            assertThat(e).hasMessage("afterTitle: must be at most 150 characters");
            assertThat(library.books().listAfterTitle("x".repeat(150), 10)).isEmpty();
            e = failsUnchanged(library, InvalidInputException.class, () -> library.books().listAfterTitle("A", 0));
            assertThat(e.field()).isEqualTo("limit");
            e = failsUnchanged(library, InvalidInputException.class,
                    () -> library.books().searchByTitleAfterTitle("b", "a\0b", 10));
            assertThat(e).hasMessage("afterTitle: must not contain the NUL character");
            e = failsUnchanged(library, InvalidInputException.class,
                    () -> library.books().searchByAuthorAfterTitle("b", "", 10));
            assertThat(e.field()).isEqualTo("afterTitle");
            e = failsUnchanged(library, InvalidInputException.class,
                    () -> library.books().searchByTitleAfterTitle(" ", "a", 10));
            assertThat(e.field()).isEqualTo("query");
            e = failsUnchanged(library, InvalidInputException.class,
                    () -> library.authors().listAfterName("я".repeat(101), 10));
            assertThat(e).hasMessage("afterName: must be at most 100 characters");
            e = failsUnchanged(library, InvalidInputException.class,
                    () -> library.authors().searchAfterName("я", null, 10));
            assertThat(e).hasMessage("afterName: is required");
            e = failsUnchanged(library, InvalidInputException.class,
                    () -> library.users().listAfterUsername("u".repeat(51), 10));
            assertThat(e).hasMessage("afterUsername: must be at most 50 characters");
            assertThat(catchThrowableOfType(() -> library.async().users().listAfterUsername("\t", 10).join(),
                    java.util.concurrent.CompletionException.class)).hasCauseInstanceOf(InvalidInputException.class);
        });
    }

    /** Every row, page by page: the first page given, each next one after the key of the last row received. */
    static <T> List<T> pagedByKey(List<T> firstPage, Function<String, List<T>> pageAfter, Function<T, String> key) {
        List<T> all = new ArrayList<>();
        List<T> page = firstPage;
        while (!page.isEmpty()) {
            all.addAll(page);
            assertThat(all).as("a keyset that does not move on").hasSizeLessThan(1000);
            page = pageAfter.apply(key.apply(page.get(page.size() - 1)));
        }
        return all;
    }

    // ---------------------------------------------------------------- search

    @ParameterizedTest
    @EnumSource(Backend.class)
    void searchIsCaseInsensitiveAcrossUnicodeAndTreatsWildcardsLiterally(Backend backend) {
        withLibrary(backend, library -> {
            library.books().createWithAuthors("Война и мир", List.of("Лев Толстой"));
            library.books().createWithAuthors("War and Peace", List.of("Leo Tolstoy"));
            library.books().create("100% Pure_Fun");
            library.books().create("1000 Pure Fun");
            library.books().create("Back\\slash");
            library.books().create("Emoji 😀 book");
            library.books().create("Ёлка");
            assertThat(searched(library, "ВОЙНА", 20)).containsExactly("Война и мир");
            assertThat(searched(library, "война и", 20)).containsExactly("Война и мир");
            assertThat(searched(library, "wAR", 20)).containsExactly("War and Peace");
            assertThat(searched(library, "%", 20)).containsExactly("100% Pure_Fun");
            assertThat(searched(library, "0%", 20)).containsExactly("100% Pure_Fun");
            assertThat(searched(library, "_", 20)).containsExactly("100% Pure_Fun");
            assertThat(searched(library, "e_f", 20)).containsExactly("100% Pure_Fun");
            assertThat(searched(library, "\\", 20)).containsExactly("Back\\slash");
            assertThat(searched(library, "k\\s", 20)).containsExactly("Back\\slash");
            assertThat(searched(library, "😀", 20)).containsExactly("Emoji 😀 book");
            assertThat(searched(library, "ЁЛ", 20)).containsExactly("Ёлка");
            assertThat(searched(library, "ЁЛКА", 20)).containsExactly("Ёлка");
            library.books().create("ΟΔΟΣ");
            assertThat(searched(library, "σ", 20)).containsExactly("ΟΔΟΣ"); // short: a scan with the fold
            assertThat(searched(library, "δοσ", 20)).containsExactly("ΟΔΟΣ"); // the trigram index
            assertThat(searched(library, "ΔΟΣ", 20)).containsExactly("ΟΔΟΣ");
            library.books().create("Kırmızı");
            assertThat(searched(library, "ı", 20)).containsExactly("Kırmızı"); // the dotless i is a letter of its own
            assertThat(searched(library, "i", 20)).doesNotContain("Kırmızı").isNotEmpty();
            assertThat(searched(library, "\"", 20)).isEmpty();
            assertThat(searched(library, "a\" OR \"b", 20)).isEmpty();
            assertThat(searched(library, "pure", 20)).containsExactly("100% Pure_Fun", "1000 Pure Fun");
            assertThat(searched(library, "pure", 1)).containsExactly("100% Pure_Fun");
            assertThat(searched(library, "nothing here", 20)).isEmpty();

            List<BookWithAuthors> byAuthor = library.books().searchByAuthor("ТОЛСТ", 20);
            assertThat(titles(byAuthor)).containsExactly("Война и мир");
            assertThat(byAuthor.get(0).authors()).extracting(Author::name).containsExactly("Лев Толстой");
            assertThat(titles(library.books().searchByAuthor("tolst", 20))).containsExactly("War and Peace");
            assertThat(titles(library.books().searchByAuthor("ле", 20))).containsExactly("Война и мир");
            assertThat(library.authors().search("ЛЕВ", 10)).extracting(Author::name).containsExactly("Лев Толстой");
            assertThat(library.authors().search("o", 10)).extracting(Author::name).containsExactly("Leo Tolstoy");
        });
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void searchesPageByKeysetPastTheFirstPage(Backend backend) {
        withLibrary(backend, library -> {
            Author shared = library.authors().create("Общий Автор");
            List<NewBook> books = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                // the matching titles in shuffled order, between books that match none of the queries
                books.add(new NewBook("Страница %02d".formatted((i * 7) % 25), List.of(shared.id())));
                books.add(new NewBook("Глава %02d".formatted(i), List.of()));
            }
            library.books().createAll(books);
            // a co-author the author queries do not match: an after page still brings all of a book's authors
            Book three = library.books().findByTitle("Страница 03").orElseThrow();
            Author coauthor = library.authors().create("Второй Соавтор");
            library.books().linkAuthor(three.id(), coauthor.id());
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                expected.add("Страница %02d".formatted(i));
            }
            // 3+ characters (trigram index) and 1-2 characters (scan), by title and by author
            assertThat(titles(pagedByTitle(library, "СТРАНИЦА", 7))).isEqualTo(expected);
            assertThat(titles(pagedByTitle(library, "ст", 10))).isEqualTo(expected);
            assertThat(titles(pagedByTitle(library, "страница", 25))).isEqualTo(expected);
            assertThat(titles(pagedByAuthor(library, "ОБЩИЙ", 4))).isEqualTo(expected);
            assertThat(titles(pagedByAuthor(library, "об", 25))).isEqualTo(expected);
            pagedByAuthor(library, "общий", 6).forEach(b -> assertThat(b.authors())
                    .containsExactlyElementsOf(b.id() == three.id() ? List.of(coauthor, shared) : List.of(shared)));

            // after a book that does not match: the matches whose title sorts after its title
            Book other = library.books().findByTitle("Глава 11").orElseThrow();
            Book twelve = library.books().findByTitle("Страница 12").orElseThrow();
            assertThat(titles(library.books().searchByTitleAfter("страница", twelve.id(), 2)))
                    .containsExactly("Страница 13", "Страница 14");
            assertThat(titles(library.books().searchByTitleAfter("страница", other.id(), 2)))
                    .as("every match sorts after a title starting with Г").containsExactly("Страница 00", "Страница 01");
            assertThat(titles(library.books().searchByTitleAfter("страница", 0, 3)))
                    .containsExactly("Страница 00", "Страница 01", "Страница 02");
            assertThat(titles(library.books().searchByAuthorAfter("об", other.id(), 2)))
                    .containsExactly("Страница 00", "Страница 01");
            assertThat(library.async().books().searchByTitleAfter("страница", twelve.id(), 3).join())
                    .isEqualTo(library.books().searchByTitleAfter("страница", twelve.id(), 3));
            assertThat(library.async().books().searchByAuthorAfter("общий", twelve.id(), 3).join())
                    .isEqualTo(library.books().searchByAuthorAfter("общий", twelve.id(), 3));
            Book last = library.books().findByTitle("Страница 24").orElseThrow();
            assertThat(library.books().searchByTitleAfter("страница", last.id(), 5)).isEmpty();
            assertThat(library.books().searchByAuthorAfter("общий", last.id(), 5)).isEmpty();

            // after a book deleted meanwhile, as listAfter: not found; a negative keyset is refused
            library.books().delete(twelve.id());
            assertThatThrownBy(() -> library.books().searchByTitleAfter("страница", twelve.id(), 5))
                    .isInstanceOf(NotFoundException.class).hasMessageContaining("id=" + twelve.id());
            assertThatThrownBy(() -> library.books().searchByTitleAfter("ст", twelve.id(), 5))
                    .isInstanceOf(NotFoundException.class);
            assertThatThrownBy(() -> library.books().searchByAuthorAfter("общий", twelve.id(), 5))
                    .isInstanceOf(NotFoundException.class);
            assertThatThrownBy(() -> library.books().searchByAuthorAfter("об", twelve.id(), 5))
                    .isInstanceOf(NotFoundException.class);
            assertThat(catchThrowableOfType(() -> library.books().searchByTitleAfter("страница", -1, 5),
                    InvalidInputException.class).field()).isEqualTo("afterId");

            List<Author> authors = library.authors().createAll(List.of("Имя 03", "Имя 01", "Имя 04", "Имя 00", "Имя 02"));
            assertThat(paged(after -> library.authors().searchAfter("ИМЯ", after, 2), Author::id))
                    .extracting(Author::name).containsExactly("Имя 00", "Имя 01", "Имя 02", "Имя 03", "Имя 04");
            Author second = authors.get(1);
            assertThat(library.authors().searchAfter("им", second.id(), 10)).extracting(Author::name)
                    .containsExactly("Имя 02", "Имя 03", "Имя 04");
            assertThat(library.async().authors().searchAfter("им", second.id(), 10).join())
                    .isEqualTo(library.authors().searchAfter("им", second.id(), 10));
            library.authors().delete(second.id());
            assertThatThrownBy(() -> library.authors().searchAfter("имя", second.id(), 10))
                    .isInstanceOf(NotFoundException.class).hasMessageContaining("author").hasMessageContaining("id=" + second.id());
            assertThatThrownBy(() -> library.authors().searchAfter("им", second.id(), 10))
                    .isInstanceOf(NotFoundException.class);
            assertThat(catchThrowableOfType(() -> library.authors().searchAfter("имя", -5, 10),
                    InvalidInputException.class).field()).isEqualTo("afterId");
        });
    }

    /** Every match of a title search, page by page, through the keyset. */
    static List<BookWithAuthors> pagedByTitle(Library library, String query, int pageSize) {
        return paged(after -> library.books().searchByTitleAfter(query, after, pageSize), BookWithAuthors::id);
    }

    static List<BookWithAuthors> pagedByAuthor(Library library, String query, int pageSize) {
        return paged(after -> library.books().searchByAuthorAfter(query, after, pageSize), BookWithAuthors::id);
    }

    static <T> List<T> paged(LongFunction<List<T>> pageAfter, ToLongFunction<T> id) {
        List<T> all = new ArrayList<>();
        List<T> page = pageAfter.apply(0);
        while (!page.isEmpty()) {
            all.addAll(page);
            assertThat(all).as("a keyset that does not move on").hasSizeLessThan(1000);
            page = pageAfter.apply(id.applyAsLong(page.get(page.size() - 1)));
        }
        return all;
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void searchSeesRowsWrittenBehindTheLibrarysBack(Backend backend) throws Exception {
        String url = TestDatabases.newDatabaseUrl(backend);
        try (Library library = Library.open(LibrarySettings.builder().databaseUrl(url).build())) {
            try (var connection = java.sql.DriverManager.getConnection(url);
                 var statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO book (title) VALUES ('Преступление и наказание')");
            }
            assertThat(searched(library, "НАКАЗАНИЕ", 5)).containsExactly("Преступление и наказание");
        }
    }

    // ---------------------------------------------------------------- validation, Unicode, injection

    @ParameterizedTest
    @EnumSource(Backend.class)
    void validationRejectsBadInputBeforeTheDatabase(Backend backend) {
        withLibrary(backend, library -> {
            Book book = library.books().create("B");
            User user = library.users().create("u");
            InvalidInputException e = failsUnchanged(library, InvalidInputException.class, () -> library.books().create("  \t"));
            assertThat(e.field()).isEqualTo("book.title");
            assertThat(e.rule()).contains("blank");
            e = failsUnchanged(library, InvalidInputException.class, () -> library.books().create(null));
            assertThat(e.rule()).contains("required");
            e = failsUnchanged(library, InvalidInputException.class, () -> library.books().create("a\0b"));
            assertThat(e.rule()).contains("NUL");
            e = failsUnchanged(library, InvalidInputException.class, () -> library.books().create("x".repeat(151)));
            assertThat(e.rule()).contains("150");
            failsUnchanged(library, InvalidInputException.class, () -> library.authors().create("я".repeat(101)));
            failsUnchanged(library, InvalidInputException.class, () -> library.users().create("u".repeat(51)));
            failsUnchanged(library, InvalidInputException.class, () -> library.comments().add(user.id(), book.id(), "c".repeat(301)));
            failsUnchanged(library, InvalidInputException.class, () -> library.books().create("bad \uD800 surrogate"));
            e = failsUnchanged(library, InvalidInputException.class, () -> library.books().findById(0));
            assertThat(e.field()).isEqualTo("book.id");
            failsUnchanged(library, InvalidInputException.class, () -> library.books().delete(-1));
            e = failsUnchanged(library, InvalidInputException.class, () -> library.books().listAfter(0, 0));
            assertThat(e.field()).isEqualTo("limit");
            failsUnchanged(library, InvalidInputException.class, () -> library.books().page(0, 1001));
            failsUnchanged(library, InvalidInputException.class, () -> library.books().page(-1, 10));
            failsUnchanged(library, InvalidInputException.class, () -> library.books().searchByTitle("", 10));
            failsUnchanged(library, InvalidInputException.class, () -> library.books().createAll(null));
            failsUnchanged(library, InvalidInputException.class, () -> library.books().create("\u200B\uFEFF"));

            // a bulk call names the element that broke the rule
            e = failsUnchanged(library, InvalidInputException.class, () -> library.books().createAll(List.of(
                    new NewBook("fine", List.of()), new NewBook("also fine", List.of()),
                    new NewBook(" ", List.of()))));
            assertThat(e).hasMessage("book.title of books[2]: must not be blank");
            assertThat(e.field()).isEqualTo("book.title");
            assertThat(e.index()).hasValue(2);
            e = failsUnchanged(library, InvalidInputException.class, () -> library.books().createAll(List.of(
                    new NewBook("fine", List.of()), new NewBook("linked", List.of(1L, 0L)))));
            assertThat(e).hasMessage("author.id of books[1]: must be a positive id");
            e = failsUnchanged(library, InvalidInputException.class,
                    () -> library.authors().createAll(List.of("Ann", "я".repeat(101))));
            assertThat(e).hasMessage("author.name of names[1]: must be at most 100 characters");
            e = failsUnchanged(library, InvalidInputException.class,
                    () -> library.users().createAll(List.of("\u0000")));
            assertThat(e).hasMessage("user.username of usernames[0]: must not contain the NUL character");
            e = failsUnchanged(library, InvalidInputException.class, () -> library.comments().addAll(List.of(
                    new NewComment(user.id(), book.id(), "ok"), new NewComment(user.id(), -1, "ok"))));
            assertThat(e).hasMessage("book.id of comments[1]: must be a positive id");
            // a null element too, before any element after it
            e = failsUnchanged(library, InvalidInputException.class, () -> library.books().createAll(Arrays.asList(
                    new NewBook("fine", List.of()), null, new NewBook(" ", List.of()))));
            assertThat(e).hasMessage("book of books[1]: is required");
            assertThat(e.field()).isEqualTo("book");
            assertThat(e.index()).hasValue(1);
            e = failsUnchanged(library, InvalidInputException.class, () -> library.comments().addAll(Arrays.asList(
                    new NewComment(user.id(), -1, "bad"), null)));
            assertThat(e).hasMessage("book.id of comments[0]: must be a positive id");
            e = failsUnchanged(library, InvalidInputException.class,
                    () -> library.comments().addAll(Arrays.asList(null, new NewComment(user.id(), book.id(), "ok"))));
            assertThat(e).hasMessage("comment of comments[0]: is required");
            e = failsUnchanged(library, InvalidInputException.class,
                    () -> library.users().createAll(Arrays.asList("anna", null)));
            assertThat(e).hasMessage("user.username of usernames[1]: is required");
            assertThat(e.index()).hasValue(1);
            e = failsUnchanged(library, InvalidInputException.class,
                    () -> library.authors().createAll(Arrays.asList(null, "Ann")));
            assertThat(e).hasMessage("author.name of names[0]: is required");
            e = failsUnchanged(library, InvalidInputException.class, () -> library.books().create(""));
            assertThat(e.index()).isEmpty();
            // a null collection argument is named, not a NullPointerException from iterating it
            e = failsUnchanged(library, InvalidInputException.class, () -> library.books().createWithAuthors("T", null));
            assertThat(e).hasMessage("authorNames: is required");
            assertThat(e.field()).isEqualTo("authorNames");
            e = failsUnchanged(library, InvalidInputException.class, () -> library.books().createWithAuthorIds("T", null));
            assertThat(e.field()).isEqualTo("authorIds");
            assertThat(e.rule()).contains("required");

            // a one-book create names its first missing author, ids past PostgreSQL's INTEGER too
            Author existing = library.authors().create("Есть такой");
            NotFoundException missing = failsUnchanged(library, NotFoundException.class, () -> library.books()
                    .createWithAuthorIds("Нет автора", List.of(existing.id(), 999_998L, 3_000_000_000L)));
            assertThat(missing).hasMessage("author id=999998 not found");
            missing = failsUnchanged(library, NotFoundException.class, () -> library.books()
                    .createWithAuthorIds("Нет автора", List.of(3_000_000_000L, existing.id())));
            assertThat(missing).hasMessage("author id=3000000000 not found");
            assertThat(library.books().createWithAuthorIds("Есть автор", List.of(existing.id(), existing.id())))
                    .extracting(Book::title).isEqualTo("Есть автор");

            // Limits are characters (code points) as PostgreSQL counts them: 150 emoji fit in a title.
            String emoji = "😀".repeat(150);
            assertThat(emoji.length()).isEqualTo(300);
            Book wide = library.books().create(emoji);
            assertThat(library.books().findById(wide.id())).contains(wide);
            assertThat(library.users().create("🙂".repeat(50)).username()).hasSize(100);
            assertThat(library.comments().add(user.id(), book.id(), "ж".repeat(300)).text()).hasSize(300);
            assertThat(library.authors().create("Ω".repeat(100)).name()).hasSize(100);
        });
    }

    static final List<String> INJECTIONS = List.of(
            "'; DROP TABLE book; --",
            "Robert'); DELETE FROM \"user\"; --",
            "\" OR 1=1 --",
            "x' OR '1'='1",
            "%' OR title LIKE '%",
            "NEAR(a b) * ^ \" AND OR NOT",
            "$$; SELECT pg_sleep(1); $$",
            "\\'; --");

    @ParameterizedTest
    @EnumSource(Backend.class)
    void injectionStringsAreStoredVerbatimThroughEveryTextInput(Backend backend) {
        withLibrary(backend, library -> {
            for (String evil : INJECTIONS) {
                Author author = library.authors().create(evil);
                assertThat(library.authors().findByName(evil)).contains(author);
                Author renamed = library.authors().rename(author.id(), evil + " 2");
                assertThat(library.authors().findById(author.id())).contains(renamed);
                Book book = library.books().create(evil);
                assertThat(library.books().findByTitle(evil)).contains(book);
                assertThat(library.books().rename(book.id(), evil + " b").title()).isEqualTo(evil + " b");
                BookWithAuthors withAuthors = library.books().createWithAuthors(evil + " c", List.of(evil + " a"));
                assertThat(withAuthors.authors()).extracting(Author::name).containsExactly(evil + " a");
                User user = library.users().create(evil);
                assertThat(library.users().findByUsername(evil)).contains(user);
                assertThat(library.users().rename(user.id(), evil + " u").username()).isEqualTo(evil + " u");
                Comment comment = library.comments().add(user.id(), book.id(), evil);
                assertThat(library.comments().findById(comment.id()).orElseThrow().text()).isEqualTo(evil);
                assertThat(library.comments().add(evil + " u", book.id(), evil).text()).isEqualTo(evil);
                assertThat(library.comments().edit(comment.id(), evil + "!").text()).isEqualTo(evil + "!");
                assertThat(searched(library, evil, 10)).contains(evil + " b", evil + " c");
                assertThat(titles(library.books().searchByAuthor(evil, 10))).contains(evil + " c");
                assertThat(library.authors().search(evil, 10)).extracting(Author::name).contains(evil + " 2");
            }
            int n = INJECTIONS.size();
            assertThat(library.counts()).isEqualTo(new CatalogCounts(2L * n, 2L * n, n, n, 2L * n));
        });
    }

    // ---------------------------------------------------------------- lifecycle

    @ParameterizedTest
    @EnumSource(Backend.class)
    void closeIsIdempotentAndLaterCallsFailClearly(Backend backend) {
        Library library = Library.open(LibrarySettings.builder().databaseUrl(TestDatabases.newDatabaseUrl(backend)).build());
        library.books().create("x");
        assertThat(library.settings()).isPresent();
        library.close();
        library.close();
        assertThatThrownBy(() -> library.books().count()).isInstanceOf(LibraryClosedException.class)
                .hasMessageContaining("closed");
    }

    /** The titles a title search finds, checking that both search methods find the same books in order. */
    static List<String> searched(Library library, String query, int limit) {
        List<String> withAuthors = titles(library.books().searchByTitle(query, limit));
        assertThat(library.books().searchTitles(query, limit)).extracting(Book::title)
                .as("searchTitles(%s) finds what searchByTitle finds", query).isEqualTo(withAuthors);
        return withAuthors;
    }

    // ---------------------------------------------------------------- a database without the schema

    /**
     * README, Configuration: with {@code DATABASE_MIGRATE_ON_OPEN=false} a database without the schema is refused
     * at open with {@code ConfigurationException} (fix the configuration), not an outage to retry, and not at
     * the first call.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void openingADatabaseWithoutTheSchemaWithoutMigratingIsAConfigurationError(Backend backend) throws Exception {
        String url = TestDatabases.newDatabaseUrl(backend);
        if (backend == Backend.SQLITE) {
            Files.createFile(Path.of(url.substring("jdbc:sqlite:".length())));
        }
        assertThatThrownBy(() -> Library.open(LibrarySettings.builder().databaseUrl(url).migrateOnOpen(false).build()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("has no migration history")
                .hasMessageContaining("run the migrations");
    }

    static List<String> titles(List<BookWithAuthors> books) {
        return books.stream().map(b -> b.book().title()).toList();
    }
}
