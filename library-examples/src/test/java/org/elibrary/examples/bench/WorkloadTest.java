package org.elibrary.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkloadTest {

    @Test
    void scaleOneEndsWithTheSpecsCounts() {
        Workload workload = new Workload(1, 1);

        assertThat(workload.expectedCounts()).isEqualTo(new Counts(2000, 9000, 19800, 1000, 48600));
        // 2,000 authors + 10,000 books + 22,000 links + 1,000 users + 50,000 comments
        assertThat(workload.importRows()).isEqualTo(85_000);
        assertThat(workload.detailsOps).isEqualTo(20_000);
        assertThat(workload.searchOps).isEqualTo(2_000);
        assertThat(workload.concurrentOps).isEqualTo(20_000);
        assertThat(workload.deleteOps).isEqualTo(1_000);
    }

    @Test
    void countsScaleWithS() {
        Counts counts = new Workload(3, 1).expectedCounts();

        assertThat(counts.author()).isEqualTo(6000);
        assertThat(counts.book()).isEqualTo(29_000);
        assertThat(counts.user()).isEqualTo(3000);
    }

    @Test
    void rowsAreFormattedAsTheSpecSays() {
        Workload workload = new Workload(1, 1);

        assertThat(workload.authorName(0)).isEqualTo("Author 000000");
        assertThat(workload.authorName(1)).isEqualTo("Автор 000001");
        assertThat(workload.authorName(1234)).isEqualTo(String.format("Author %06d", 1234));
        assertThat(workload.bookTitle(0)).isEqualTo("Book 0000000 war");
        assertThat(workload.bookTitle(19)).isEqualTo("Book 0000019 война");
        assertThat(workload.bookTitle(9999)).isEqualTo("Book 0009999 свет");
        assertThat(workload.username(7)).isEqualTo("user00007");
        assertThat(workload.commentText(42)).isEqualTo("Comment 42 on book");
        assertThat(workload.commentUserRow(1003)).isEqualTo(3);
        assertThat(workload.commentBookRow(1000)).isEqualTo(31_000 % 10_000);
        assertThat(workload.concurrentCommentText(4)).isEqualTo("Concurrent 4");
    }

    @Test
    void bookLinksFollowTheFormulaAndDropDuplicates() {
        Workload workload = new Workload(1, 1);

        assertThat(workload.bookAuthorRows(1)).containsExactly(1, 10);
        assertThat(workload.bookAuthorRows(5)).containsExactly(5, 38, 70);
        // no book ever links one author twice (the three formulas never collide: 6i+3 and 12i+5 are odd,
        // and 7i+3 = 13i+5 mod 2000S needs i = 3 mod 5), so the spec's 22,000 links are all there
        int links = 0;
        for (int i = 0; i < workload.books; i++) {
            links += workload.bookAuthorRows(i).length;
        }
        assertThat(links).isEqualTo(22_000);
    }

    @Test
    void searchQueriesAlternateCaseAndEveryWordFinds625TitlesPerScale() {
        Workload workload = new Workload(1, 1);

        assertThat(List.of(workload.searchQuery(0), workload.searchQuery(1), workload.searchQuery(2),
                workload.searchQuery(3))).containsExactly("WAR", "peace", "МИР", "война");
        for (String word : Workload.WORDS) {
            int found = 0;
            for (int i = 0; i < workload.books; i++) {
                if (workload.bookTitle(i).toLowerCase(java.util.Locale.ROOT).contains(word)) {
                    found++;
                }
            }
            assertThat(found).as(word).isEqualTo(625);
        }
    }

    @Test
    void expectedSearchResultsAreTheFirstTwentyMatchingTitlesByTitle() {
        Workload workload = new Workload(1, 1);
        for (int k = 0; k < 16; k++) {
            String query = workload.searchQuery(k).toLowerCase(java.util.Locale.ROOT);
            List<String> matching = new ArrayList<>();
            for (int i = 0; i < workload.books; i++) {
                if (workload.bookTitle(i).toLowerCase(java.util.Locale.ROOT).contains(query)) {
                    matching.add(workload.bookTitle(i));
                }
            }
            matching.sort(null);
            assertThat(workload.expectedSearchTitles(k)).isEqualTo(matching.subList(0, 20));
        }
    }

    @Test
    void theDivisorShrinksOperationsButNotData() {
        Workload workload = new Workload(1, 20);

        assertThat(workload.detailsOps).isEqualTo(1000);
        assertThat(workload.concurrentOps).isEqualTo(1000);
        assertThat(workload.deleteOps).isEqualTo(50);
        assertThat(workload.importRows()).isEqualTo(85_000);
        assertThat(workload.expectedCounts().book()).isEqualTo(9950);
    }

    @Test
    void rejectsScaleBelowOne() {
        assertThatThrownBy(() -> new Workload(0, 1)).hasMessageContaining("scale");
        assertThatThrownBy(() -> new Workload(BenchOptions.MAX_SCALE + 1, 1)).hasMessageContaining("scale");
    }

    @Test
    void expectedDetailsListTheAuthorsByNameAndTheImportedComments() {
        Workload workload = new Workload(1, 1);

        // book 5 links authors 5, 38 and 70: "Автор 000005" sorts after the Latin names
        assertThat(workload.expectedDetails(5)).isEqualTo(new BenchImpl.DetailsView("Book 0000005 река",
                List.of("Author 000038", "Author 000070", "Автор 000005"), 5));
        assertThat(workload.expectedDetails(1).authors()).containsExactly("Author 000010", "Автор 000001");
    }

    @Test
    void importedCommentsCountEveryCommentOfTheBook() {
        // S = 31 is where 31 divides the number of books: comments go to every 31st book only
        for (int scale : new int[] {1, 2, 31}) {
            Workload workload = new Workload(scale, 1);
            int[] counted = new int[workload.books];
            for (int j = 0; j < workload.comments; j++) {
                counted[workload.commentBookRow(j)]++;
            }
            int[] expected = new int[workload.books];
            for (int row = 0; row < workload.books; row++) {
                expected[row] = workload.importedComments(row);
            }
            assertThat(expected).as("S=%d", scale).isEqualTo(counted);
        }
        assertThat(new Workload(1, 1).importedComments(1234)).isEqualTo(5);
    }
}
