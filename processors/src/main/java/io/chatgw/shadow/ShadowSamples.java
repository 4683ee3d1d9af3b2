package io.chatgw.shadow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.admin.AdminRequest;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * {@code GET /api/v1/admin/shadow/samples?kind=&sample=&org_id=&limit=&cursor=} (routes/admin.yaml, docs/shadow.md):
 * the pairs that diverged, newest first, optionally in one divergence {@code kind} only, of one {@code sample} kind
 * ({@code shadow} or {@code noise}) or org; each with both sides' event sequences and what differed. The cursor is
 * the last row's id; {@code next_cursor} is null on the last page.
 */
@Component("shadowSamples")
public class ShadowSamples {

    private static final Set<String> KEYS = Set.of("kind", "sample", "org_id", "limit", "cursor");

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    private final io.chatgw.admin.AdminScope adminScope;

    public ShadowSamples(JdbcTemplate jdbc, ObjectMapper json, io.chatgw.admin.AdminScope adminScope) {
        this.adminScope = adminScope;
        this.jdbc = jdbc;
        this.json = json;
    }

    public void list(Exchange exchange) {
        AdminRequest q = AdminRequest.query(exchange, json, KEYS);
        String kind = q.oneOf("kind", ShadowComparison.KINDS).orElse(null);
        String sample = q.oneOf("sample", List.of(ShadowPlan.SHADOW, ShadowPlan.NOISE)).orElse(null);
        String org = adminScope.orgFilter(exchange, q.id("org_id").orElse(null)); // an org admin: its own org only
        int limit = q.integer("limit", 1, 100).orElse(20);
        long cursor = q.text("cursor").map(ShadowSamples::cursor).orElse(Long.MAX_VALUE);
        String kindJson = kind == null ? null : "[\"" + kind + "\"]"; // one of KINDS: nothing from outside
        List<Map<String, Object>> rows = jdbc.query("""
                SELECT id, created_at, kind, org_id, user_id, session_id, primary_request_id, shadow_request_id,
                       primary_path, primary_status, primary_error_code, primary_ttfe_ms, primary_duration_ms, primary_events::text,
                       shadow_path, shadow_status, shadow_error_code, shadow_ttfe_ms, shadow_duration_ms, shadow_events::text,
                       divergences::text, text_similarity, details::text
                FROM shadow_comparisons
                WHERE diverged AND id < ? AND (CAST(? AS VARCHAR) IS NULL OR divergences @> CAST(? AS JSONB))
                  AND (CAST(? AS VARCHAR) IS NULL OR kind = ?) AND (CAST(? AS VARCHAR) IS NULL OR org_id = ?)
                ORDER BY id DESC LIMIT ?""", (rs, i) -> row(rs),
                cursor, kindJson, kindJson, sample, sample, org, org, limit + 1);
        boolean more = rows.size() > limit;
        List<Map<String, Object>> data = new ArrayList<>(more ? rows.subList(0, limit) : rows);
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("data", data);
        page.put("next_cursor", more ? String.valueOf(data.get(data.size() - 1).get("id")) : null);
        exchange.getMessage().setBody(page);
    }

    private Map<String, Object> row(ResultSet rs) throws SQLException {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", rs.getLong(1));
        row.put("created_at", rs.getTimestamp(2).toInstant().toString());
        row.put("sample", rs.getString(3));
        row.put("org_id", rs.getString(4));
        row.put("user_id", rs.getString(5));
        row.put("session_id", rs.getString(6));
        row.put("primary_request_id", rs.getString(7));
        row.put("shadow_request_id", rs.getString(8));
        row.put("primary", side(rs, 9));
        row.put("shadow", side(rs, 15));
        row.put("divergences", tree(rs.getString(21)));
        row.put("text_similarity", rs.getObject(22));
        row.put("details", tree(rs.getString(23)));
        return row;
    }

    private Map<String, Object> side(ResultSet rs, int at) throws SQLException {
        Map<String, Object> side = new LinkedHashMap<>();
        side.put("path", rs.getString(at));
        side.put("status", rs.getString(at + 1));
        side.put("error_code", rs.getString(at + 2));
        side.put("ttfe_ms", rs.getObject(at + 3));
        side.put("duration_ms", rs.getInt(at + 4));
        JsonNode events = tree(rs.getString(at + 5));
        side.put("sequence", events.path("sequence"));
        side.put("event_count", events.path("count"));
        side.put("events", events.path("events"));
        return side;
    }

    private JsonNode tree(String text) {
        try {
            return json.readTree(text);
        } catch (IOException e) {
            return json.nullNode();
        }
    }

    private static long cursor(String raw) {
        if (!raw.matches("^[0-9]{1,18}$")) {
            throw AdminRequest.invalid("cursor", "must be a next_cursor value from a previous page");
        }
        return Long.parseLong(raw);
    }
}
