package org.elibrary;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.ArrayList;
import java.util.List;
import org.elibrary.domain.Author;
import org.elibrary.domain.BookDetails;
import org.elibrary.domain.BookWithAuthors;
import org.elibrary.domain.NewBook;
import org.elibrary.domain.NewComment;
import org.elibrary.domain.User;
import org.elibrary.testing.CountingDataSource;
import org.elibrary.testing.TestDatabases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** No N+1: the number of SQL statements per operation is fixed, whatever the number of related rows. */
class StatementCountIT {

    @ParameterizedTest
    @EnumSource(Backend.class)
    void readsAndWritesUseAFixedNumberOfStatements(Backend backend) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(TestDatabases.newDatabaseUrl(backend));
        config.setMaximumPoolSize(2);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            CountingDataSource counting = new CountingDataSource(pool);
            try (Library library = Library.open(counting)) {
                assertThat(library.backend()).isEqualTo(backend);
                List<String> names = new ArrayList<>();
                for (int i = 0; i < 30; i++) {
                    names.add("Author " + i);
                }
                List<Author> authors = library.authors().createAll(names);
                List<NewBook> books = new ArrayList<>();
                for (int i = 0; i < 150; i++) {
                    books.add(new NewBook("Book %03d war".formatted(i),
                            List.of(authors.get(i % 30).id(), authors.get((i + 1) % 30).id(), authors.get((i + 2) % 30).id())));
                }
                long firstBook = library.books().createAll(books).get(0).id();
                List<User> users = library.users().createAll(List.of("a", "b", "c"));
                List<NewComment> comments = new ArrayList<>();
                for (int j = 0; j < 60; j++) {
                    comments.add(new NewComment(users.get(j % 3).id(), firstBook, "comment " + j));
                }
                library.comments().addAll(comments);

                counting.reset();
                BookDetails details = library.books().findDetails(firstBook).orElseThrow();
                assertThat(details.comments()).hasSize(60);
                assertThat(details.authors()).hasSize(3);
                assertThat(counting.executions()).as("details: %s", counting.statements()).isEqualTo(1);

                counting.reset();
                List<BookWithAuthors> page = library.books().listAfter(0, 100);
                assertThat(page).hasSize(100).allSatisfy(b -> assertThat(b.authors()).hasSize(3));
                assertThat(counting.executions()).as("keyset page: %s", counting.statements()).isEqualTo(1);

                counting.reset();
                assertThat(library.books().listAfter(page.get(99).id(), 100)).hasSize(50);
                assertThat(counting.executions()).isEqualTo(1);

                counting.reset();
                assertThat(library.books().page(0, 100).items()).hasSize(100)
                        .allSatisfy(b -> assertThat(b.authors()).hasSize(3));
                assertThat(counting.executions()).as("offset page: %s", counting.statements()).isEqualTo(1);

                counting.reset();
                assertThat(library.books().searchByTitle("WAR", 20)).hasSize(20)
                        .allSatisfy(b -> assertThat(b.authors()).hasSize(3));
                assertThat(counting.executions()).as("search: %s", counting.statements()).isEqualTo(1);

                counting.reset();
                assertThat(library.books().searchTitles("WAR", 20)).hasSize(20);
                assertThat(counting.executions()).as("title search: %s", counting.statements()).isEqualTo(1);

                counting.reset();
                assertThat(library.books().searchByAuthor("AUTHOR 1", 100)).isNotEmpty();
                assertThat(counting.executions()).isEqualTo(1);

                counting.reset();
                library.counts();
                assertThat(counting.executions()).isEqualTo(1);

                counting.reset();
                library.comments().add(users.get(0).id(), firstBook, "one more");
                assertThat(counting.executions()).as("add comment: %s", counting.statements()).isEqualTo(1);

                counting.reset();
                assertThat(library.books().delete(firstBook)).isTrue();
                // PostgreSQL: lock, comments, links and book sent as one text, in one round trip
                assertThat(counting.executions()).as("delete book: %s", counting.statements())
                        .isEqualTo(backend == Backend.POSTGRESQL ? 1 : 3);
            }
            assertThat(pool.isClosed()).as("a borrowed pool stays open").isFalse();
        }
    }
}
