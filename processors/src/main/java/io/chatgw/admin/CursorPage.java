package io.chatgw.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keyset paging of an admin listing, newest first by id: the cursor is the last row's id (stable while rows are
 * added, unlike an offset). The listing reads {@code limit + 1} rows with {@code id < cursor}; the extra row only tells
 * that there is a next page. {@code next_cursor} is null on the last page. Used by the audit and shadow-sample listings.
 */
public final class CursorPage {

    private CursorPage() {
    }

    /** The {@code cursor} parameter (a {@code next_cursor} from a previous page), or the first page's. */
    public static long cursor(AdminRequest query) {
        return query.text("cursor").map(CursorPage::parse).orElse(Long.MAX_VALUE);
    }

    /** The page body from up to {@code limit + 1} rows, each with its {@code id}: {@code data} and {@code next_cursor}. */
    public static Map<String, Object> of(List<Map<String, Object>> rows, int limit) {
        boolean more = rows.size() > limit;
        List<Map<String, Object>> data = new ArrayList<>(more ? rows.subList(0, limit) : rows);
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("data", data);
        page.put("next_cursor", more ? String.valueOf(data.get(data.size() - 1).get("id")) : null);
        return page;
    }

    private static long parse(String raw) {
        if (!raw.matches("^[0-9]{1,18}$")) {
            throw AdminRequest.invalid("cursor", "must be a next_cursor value from a previous page");
        }
        return Long.parseLong(raw);
    }
}
