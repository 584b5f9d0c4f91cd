package org.elibrary.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import org.elibrary.Backend;
import org.elibrary.DuplicateException;
import org.elibrary.InvalidInputException;
import org.elibrary.Library;
import org.elibrary.LibrarySettings;
import org.elibrary.domain.Author;
import org.elibrary.domain.Book;
import org.elibrary.domain.BookWithAuthors;
import org.elibrary.domain.CatalogCounts;
import org.elibrary.domain.Comment;
import org.elibrary.domain.NewBook;
import org.elibrary.domain.NewComment;
import org.elibrary.domain.User;
import org.elibrary.testing.TestDatabases;

/**
 * Hostile input: random Unicode (all planes, combining marks, right-to-left text, NUL, unpaired
 * surrogates, very long strings, SQL-injection attempts) through every write path and every search. Each
 * input is either stored and read back exactly equal, or rejected with {@link InvalidInputException} with no
 * table changed; never any other exception. The oracle is the documented rule set (not blank, at most N code
 * points, no NUL, no unpaired surrogate), identical on both backends.
 *
 * <p>One subclass per backend; each opens one library on a fresh database for all its properties.
 */
abstract class HostileInputProperties {
    // Tries per property: jqwik.tries.default in junit-platform.properties (200), or -Djqwik.tries.default=N.
    static final int NAME_MAX = 100;
    static final int TITLE_MAX = 150;
    static final int USERNAME_MAX = 50;
    static final int TEXT_MAX = 300;

    private static final Map<Backend, Library> LIBRARIES = new EnumMap<>(Backend.class);
    private static final AtomicLong UNIQUE = new AtomicLong();

    abstract Backend backend();

    static synchronized Library library(Backend backend) {
        return LIBRARIES.computeIfAbsent(backend, b -> Library.open(LibrarySettings.builder()
                .databaseUrl(TestDatabases.newDatabaseUrl(b))
                // fsync per commit is not what this test is about; it only slows the 2,000+ writes
                .sqliteSynchronous(LibrarySettings.SqliteSynchronous.NORMAL)
                .statementTimeout(Duration.ofSeconds(30))
                .build()));
    }

    static synchronized void closeLibrary(Backend backend) {
        Library library = LIBRARIES.remove(backend);
        if (library != null) {
            library.close();
        }
    }

    Library library() {
        return library(backend());
    }

    static String unique(String prefix) {
        return prefix + "-" + UNIQUE.incrementAndGet();
    }

    // ------------------------------------------------------------------------------------------ generators

    @Provide
    Arbitrary<String> names() {
        return HostileStrings.any(NAME_MAX);
    }

    @Provide
    Arbitrary<String> titles() {
        return HostileStrings.any(TITLE_MAX);
    }

    @Provide
    Arbitrary<String> usernames() {
        return HostileStrings.any(USERNAME_MAX);
    }

    @Provide
    Arbitrary<String> texts() {
        return HostileStrings.any(TEXT_MAX);
    }

    @Provide
    Arbitrary<List<String>> nameLists() {
        return HostileStrings.any(NAME_MAX).filter(s -> s != null).list().ofMinSize(0).ofMaxSize(3);
    }

    // ----------------------------------------------------------------------------------------- properties

    @Property(shrinking = ShrinkingMode.BOUNDED)
    void authorCreate(@ForAll("names") String name) {
        Library library = library();
        writes(name, HostileStrings.valid(name, NAME_MAX), () -> {
            Author author = library.authors().create(name);
            assertThat(library.authors().findById(author.id())).contains(new Author(author.id(), name));
            assertThat(library.authors().findByName(name)).contains(author);
        }, () -> library.authors().findByName(name).isPresent());
    }

    @Property(shrinking = ShrinkingMode.BOUNDED)
    void authorRename(@ForAll("names") String name) {
        Library library = library();
        Author original = library.authors().create(unique("author"));
        writes(name, HostileStrings.valid(name, NAME_MAX), () -> {
            library.authors().rename(original.id(), name);
            assertThat(library.authors().findById(original.id())).contains(new Author(original.id(), name));
        }, () -> library.authors().findByName(name).isPresent());
        if (!library.authors().findById(original.id()).map(a -> a.name().equals(name)).orElse(false)) {
            assertThat(library.authors().findById(original.id())).contains(original);
        }
    }

    @Property(shrinking = ShrinkingMode.BOUNDED)
    void bookCreateAndFindBySearch(@ForAll("titles") String title) {
        Library library = library();
        writes(title, HostileStrings.valid(title, TITLE_MAX), () -> {
            Book book = library.books().create(title);
            assertThat(library.books().findById(book.id())).contains(new Book(book.id(), title));
            assertThat(library.books().findByTitle(title)).contains(book);
            // the stored title, used as a search query, finds its own book (case folding is applied to both)
            List<BookWithAuthors> found = library.books().searchByTitle(title, 1000);
            assertThat(found.size() == 1000 || found.stream().anyMatch(b -> b.book().id() == book.id()))
                    .as("searchByTitle(%s) finds book %d, found %s", HostileStrings.describe(title), book.id(),
                            found.stream().map(b -> b.book().id()).collect(Collectors.toList()))
                    .isTrue();
        }, () -> library.books().findByTitle(title).isPresent());
    }

    @Property(shrinking = ShrinkingMode.BOUNDED)
    void bookRename(@ForAll("titles") String title) {
        Library library = library();
        Book original = library.books().create(unique("book"));
        writes(title, HostileStrings.valid(title, TITLE_MAX), () -> {
            library.books().rename(original.id(), title);
            assertThat(library.books().findById(original.id())).contains(new Book(original.id(), title));
        }, () -> library.books().findByTitle(title).isPresent());
    }

    @Property(shrinking = ShrinkingMode.BOUNDED)
    void bookCreateWithAuthors(@ForAll("titles") String title, @ForAll("nameLists") List<String> authorNames) {
        Library library = library();
        boolean valid = HostileStrings.valid(title, TITLE_MAX)
                && authorNames.stream().allMatch(n -> HostileStrings.valid(n, NAME_MAX));
        writes(title + " / " + authorNames, valid, () -> {
            BookWithAuthors created = library.books().createWithAuthors(title, authorNames);
            BookWithAuthors read = library.books().findWithAuthors(created.book().id()).orElseThrow();
            assertThat(read.book().title()).isEqualTo(title);
            Set<String> readNames = read.authors().stream().map(Author::name)
                    .collect(Collectors.toCollection(LinkedHashSet::new));
            assertThat(readNames).isEqualTo(new LinkedHashSet<>(authorNames));
            assertThat(read).isEqualTo(created);
        }, () -> library.books().findByTitle(title).isPresent());
    }

    @Property(shrinking = ShrinkingMode.BOUNDED)
    void userCreateAndRename(@ForAll("usernames") String username, @ForAll("usernames") String newUsername) {
        Library library = library();
        writes(username, HostileStrings.valid(username, USERNAME_MAX), () -> {
            User user = library.users().create(username);
            assertThat(library.users().findById(user.id())).contains(new User(user.id(), username));
            assertThat(library.users().findByUsername(username)).contains(user);
        }, () -> library.users().findByUsername(username).isPresent());

        User original = library.users().create(unique("user"));
        writes(newUsername, HostileStrings.valid(newUsername, USERNAME_MAX), () -> {
            library.users().rename(original.id(), newUsername);
            assertThat(library.users().findById(original.id())).contains(new User(original.id(), newUsername));
        }, () -> library.users().findByUsername(newUsername).isPresent());
    }

    @Property(shrinking = ShrinkingMode.BOUNDED)
    void commentAddAndEdit(@ForAll("texts") String text, @ForAll("texts") String edited) {
        Library library = library();
        User user = library.users().create(unique("reader"));
        Book book = library.books().create(unique("commented"));
        boolean valid = HostileStrings.valid(text, TEXT_MAX);
        writes(text, valid, () -> {
            Comment comment = library.comments().add(user.id(), book.id(), text);
            assertThat(library.comments().findById(comment.id()))
                    .contains(new Comment(comment.id(), text, user.id(), book.id()));
        }, () -> false);
        writes(text, valid, () -> {
            Comment comment = library.comments().add(user.username(), book.id(), text);
            assertThat(library.comments().listForBook(book.id()))
                    .anyMatch(c -> c.id() == comment.id() && c.text().equals(text)
                            && c.username().equals(user.username()));
        }, () -> false);

        Comment existing = library.comments().add(user.id(), book.id(), unique("comment"));
        writes(edited, HostileStrings.valid(edited, TEXT_MAX), () -> {
            library.comments().edit(existing.id(), edited);
            assertThat(library.comments().findById(existing.id()).orElseThrow().text()).isEqualTo(edited);
        }, () -> false);
    }

    /** A value repeated before a null: the repetition comes first, so it decides (a case jqwik once generated). */
    @Example
    void aRepeatBeforeANullIsTheDuplicate() {
        bulkCreatesAreAllOrNothing(java.util.Arrays.asList("x", "x", null));
    }

    /** The bulk paths (imports use them): all or none, each value read back exactly, in the order given. */
    @Property(tries = 100, shrinking = ShrinkingMode.BOUNDED)
    void bulkCreatesAreAllOrNothing(@ForAll("bulkNames") List<String> values) {
        Library library = library();
        String tag = unique("bulk") + " ";
        List<String> names = values.stream().map(v -> v == null ? null : tag + v).collect(Collectors.toList());
        // the library checks the values in order: the first invalid (null included) or repeated value decides
        // the exception
        Class<? extends RuntimeException> expectedNames = firstProblem(names, NAME_MAX);
        Class<? extends RuntimeException> expectedUsers = firstProblem(names, USERNAME_MAX);
        // NewBook rejects a null title in its constructor (InvalidInputException): not sent
        List<String> titles = names.stream().filter(n -> n != null).collect(Collectors.toList());
        Class<? extends RuntimeException> expectedTitles = firstProblem(titles, TITLE_MAX);

        List<Long> authorIds = bulk(names, expectedNames, () -> {
            List<Author> created = library.authors().createAll(names);
            assertThat(created).extracting(Author::name).containsExactlyElementsOf(names);
            for (Author author : created) {
                assertThat(library.authors().findById(author.id())).contains(author);
            }
            return created.stream().map(Author::id).collect(Collectors.toList());
        });
        bulk(names, expectedUsers, () -> {
            List<User> created = library.users().createAll(names);
            assertThat(created).extracting(User::username).containsExactlyElementsOf(names);
            for (User user : created) {
                assertThat(library.users().findById(user.id())).contains(user);
            }
            return List.of();
        });
        List<Long> links = authorIds == null ? List.of() : authorIds;
        List<Long> bookIds = bulk(titles, expectedTitles, () -> {
            List<NewBook> books = titles.stream().map(n -> new NewBook(n, links)).collect(Collectors.toList());
            List<Book> created = library.books().createAll(books);
            assertThat(created).extracting(Book::title).containsExactlyElementsOf(titles);
            for (Book book : created) {
                BookWithAuthors read = library.books().findWithAuthors(book.id()).orElseThrow();
                assertThat(read.book()).isEqualTo(book);
                assertThat(read.authors()).extracting(Author::id).containsExactlyInAnyOrderElementsOf(links);
            }
            return created.stream().map(Book::id).collect(Collectors.toList());
        });

        // comments: hostile texts on an existing user and book
        User user = library.users().create(unique("bulk-reader"));
        Book book = library.books().create(unique("bulk-book"));
        List<NewComment> comments = new ArrayList<>();
        boolean textsValid = true;
        for (String value : values) {
            if (value == null) {
                continue; // NewComment itself does not take null text in this test
            }
            comments.add(new NewComment(user.id(), book.id(), value));
            textsValid &= HostileStrings.valid(value, TEXT_MAX);
        }
        CatalogCounts before = library.counts();
        try {
            int added = library.comments().addAll(comments);
            assertThat(textsValid).as("invalid comment texts accepted: %s", describeAll(values)).isTrue();
            assertThat(added).isEqualTo(comments.size());
            List<String> texts = library.comments().listForBook(book.id()).stream().map(c -> c.text())
                    .collect(Collectors.toList());
            assertThat(texts).containsExactlyInAnyOrderElementsOf(comments.stream().map(NewComment::text)
                    .collect(Collectors.toList()));
        } catch (InvalidInputException e) {
            assertThat(textsValid).as("valid comment texts rejected: %s", e.getMessage()).isFalse();
            assertThat(library.counts()).isEqualTo(before);
        } catch (RuntimeException e) {
            fail("raw or unexpected exception from comments().addAll: " + e, e);
        }
        assertThat(bookIds == null || bookIds.size() == titles.size()).isTrue();
    }

    @Provide
    Arbitrary<List<String>> bulkNames() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, HostileStrings.any(40).filter(v -> v != null)),
                net.jqwik.api.Tuple.of(1, HostileStrings.any(40)))
                .list().ofMinSize(0).ofMaxSize(12);
    }

    private static Class<? extends RuntimeException> firstProblem(List<String> values, int max) {
        Set<String> seen = new java.util.HashSet<>();
        for (String value : values) {
            if (!HostileStrings.valid(value, max)) {
                return InvalidInputException.class;
            }
            if (!seen.add(value)) {
                return DuplicateException.class;
            }
        }
        return null;
    }

    /** A bulk write that must either succeed (expected null) or throw exactly {@code expected}, changing nothing. */
    private <T> T bulk(List<String> values, Class<? extends RuntimeException> expected, Supplier<T> write) {
        Library library = library();
        CatalogCounts before = library.counts();
        try {
            T result = write.get();
            assertThat(expected).as("bulk write of %s succeeded", describeAll(values)).isNull();
            return result;
        } catch (InvalidInputException | DuplicateException e) {
            assertThat(e).as("bulk write of %s", describeAll(values)).isInstanceOf(
                    expected == null ? Void.class : expected);
            assertThat(library.counts()).as("a rejected bulk write changed a table").isEqualTo(before);
            return null;
        } catch (RuntimeException e) {
            fail("raw or unexpected exception from a bulk write of " + describeAll(values) + ": " + e, e);
            return null;
        }
    }

    @Property(shrinking = ShrinkingMode.BOUNDED)
    void searchNeverFailsButForInvalidInput(@ForAll("titles") String query) {
        Library library = library();
        searches(query, HostileStrings.valid(query, NAME_MAX), () -> library.authors().search(query, 20));
        searches(query, HostileStrings.valid(query, TITLE_MAX), () -> library.books().searchByTitle(query, 20));
        searches(query, HostileStrings.valid(query, NAME_MAX), () -> library.books().searchByAuthor(query, 20));
        searches(query, HostileStrings.valid(query, NAME_MAX), () -> library.authors().findByName(query));
        searches(query, HostileStrings.valid(query, TITLE_MAX), () -> library.books().findByTitle(query));
        searches(query, HostileStrings.valid(query, USERNAME_MAX), () -> library.users().findByUsername(query));
    }

    @Property(tries = 20)
    void injectionAttemptsAreStoredAsText(@ForAll("injections") String attack) {
        Library library = library();
        CatalogCounts before = library.counts();
        String name = attack + " " + unique("i");
        Author author = library.authors().create(name);
        Book book = library.books().create(name);
        User user = library.users().create(unique("u") + attack.substring(0, Math.min(attack.length(), 30)));
        Comment comment = library.comments().add(user.id(), book.id(), attack);
        assertThat(library.authors().findById(author.id()).orElseThrow().name()).isEqualTo(name);
        assertThat(library.books().findById(book.id()).orElseThrow().title()).isEqualTo(name);
        assertThat(library.comments().findById(comment.id()).orElseThrow().text()).isEqualTo(attack);
        assertThat(library.books().searchByTitle(attack, 1000)).anyMatch(b -> b.book().id() == book.id());
        assertThat(library.authors().search(attack, 1000)).anyMatch(a -> a.id() == author.id());
        CatalogCounts after = library.counts();
        // exactly the four rows written, nothing dropped or deleted
        assertThat(after).isEqualTo(new CatalogCounts(before.author() + 1, before.book() + 1, before.authorBook(),
                before.user() + 1, before.comment() + 1));
    }

    @Provide
    Arbitrary<String> injections() {
        return Arbitraries.of(HostileStrings.INJECTIONS);
    }

    // ---------------------------------------------------------------------------------------------- checks

    /**
     * Runs a write (with its read-back assertions). Valid input must be stored (or be a duplicate of a stored
     * value); invalid input must be rejected with InvalidInputException. A rejection changes no table.
     */
    private void writes(Object input, boolean valid, Runnable writeAndReadBack, Supplier<Boolean> alreadyStored) {
        Library library = library();
        CatalogCounts before = library.counts();
        Throwable failure = null;
        try {
            writeAndReadBack.run();
        } catch (Throwable t) {
            failure = t;
        }
        String shown = input instanceof String s ? HostileStrings.describe(s) : describeAll(input);
        if (failure == null) {
            assertThat(valid).as("invalid input %s was accepted", shown).isTrue();
            return;
        }
        if (failure instanceof AssertionError assertion) {
            throw assertion;
        }
        if (failure instanceof InvalidInputException) {
            assertThat(valid).as("valid input %s was rejected: %s", shown, failure.getMessage()).isFalse();
        } else if (failure instanceof DuplicateException) {
            assertThat(valid && alreadyStored.get())
                    .as("DuplicateException for %s which is not stored: %s", shown, failure.getMessage()).isTrue();
        } else {
            fail("raw or unexpected exception for input " + shown + ": " + failure, failure);
        }
        assertThat(library.counts()).as("a rejected write changed a table (input %s)", shown).isEqualTo(before);
    }

    private static void searches(String query, boolean valid, Runnable search) {
        try {
            search.run();
            assertThat(valid).as("invalid query %s was accepted", HostileStrings.describe(query)).isTrue();
        } catch (InvalidInputException e) {
            assertThat(valid).as("valid query %s was rejected: %s", HostileStrings.describe(query), e.getMessage())
                    .isFalse();
        } catch (RuntimeException e) {
            fail("search with " + HostileStrings.describe(query) + " threw " + e, e);
        }
    }

    private static String describeAll(Object input) {
        if (input instanceof List<?> list) {
            List<String> parts = new ArrayList<>();
            list.forEach(o -> parts.add(HostileStrings.describe((String) o)));
            return parts.toString();
        }
        return String.valueOf(input).chars().limit(60).mapToObj(c -> String.format("%04X", c))
                .collect(Collectors.joining(" "));
    }
}
