package io.chatgw.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Keyset pages: limit + 1 rows read means a next page whose cursor is the last row shown; fewer, the last page. */
class CursorPageTest {

    private static List<Map<String, Object>> rows(long from, long to) {
        return LongStream.iterate(from, id -> id >= to, id -> id - 1).<Map<String, Object>>mapToObj(id -> Map.of("id", id)).toList();
    }

    @Test
    void aFullPagePlusOneRowShowsTheLimitAndPointsAtItsLastRow() {
        Map<String, Object> page = CursorPage.of(rows(10, 7), 3);
        assertThat((List<?>) page.get("data")).hasSize(3);
        assertThat(page.get("next_cursor")).isEqualTo("8");
    }

    @Test
    void theLastPageHasNoNextCursor() {
        assertThat(CursorPage.of(rows(3, 1), 3).get("next_cursor")).isNull();
        assertThat(CursorPage.of(List.of(), 3)).containsEntry("data", List.of()).containsEntry("next_cursor", null);
    }
}
