package io.chatgw.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.camel.Exchange;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * {@code GET /api/v1/admin/audit?since=&actor=&action=&limit=&cursor=}: audit_log newest first. The cursor is the
 * last row's id (stable while rows are added, unlike an offset); {@code next_cursor} is null on the last page.
 */
@Component("auditListing")
public class AuditListing {

    private static final Set<String> KEYS = Set.of("since", "actor", "action", "org_id", "limit", "cursor");

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    private final io.chatgw.admin.AdminScope adminScope;

    public AuditListing(JdbcTemplate jdbc, ObjectMapper json, io.chatgw.admin.AdminScope adminScope) {
        this.adminScope = adminScope;
        this.jdbc = jdbc;
        this.json = json;
    }

    public void list(Exchange exchange) {
        AdminRequest q = AdminRequest.query(exchange, json, KEYS);
        Timestamp since = q.text("since").map(AuditListing::instant).map(Timestamp::from).orElse(null);
        String actor = q.id("actor").orElse(null);
        String org = adminScope.orgFilter(exchange, q.id("org_id").orElse(null)); // an org admin: its own org's rows
        Optional<String> action = q.text("action");
        if (action.isPresent() && !action.get().matches("^[a-z0-9_.]{1,64}$")) {
            throw AdminRequest.invalid("action", "must match [a-z0-9_.]{1,64}, e.g. policy.rollback");
        }
        int limit = q.integer("limit", 1, 500).orElse(50);
        long cursor = q.text("cursor").map(AuditListing::cursor).orElse(Long.MAX_VALUE);
        List<Map<String, Object>> rows = jdbc.query("""
                SELECT id, occurred_at, actor, org_id, action, target, details::text FROM audit_log
                WHERE id < ? AND (CAST(? AS TIMESTAMPTZ) IS NULL OR occurred_at >= ?)
                  AND (CAST(? AS VARCHAR) IS NULL OR actor = ?) AND (CAST(? AS VARCHAR) IS NULL OR action = ?)
                  AND (CAST(? AS VARCHAR) IS NULL OR org_id = ?)
                ORDER BY id DESC LIMIT ?""", (rs, i) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", rs.getLong(1));
            row.put("occurred_at", rs.getTimestamp(2).toInstant().toString());
            row.put("actor", rs.getString(3));
            row.put("org_id", rs.getString(4));
            row.put("action", rs.getString(5));
            row.put("target", rs.getString(6));
            try {
                row.put("details", json.readTree(rs.getString(7)));
            } catch (java.io.IOException e) {
                row.put("details", null);
            }
            return row;
        }, cursor, since, since, actor, actor, action.orElse(null), action.orElse(null), org, org, limit + 1);
        boolean more = rows.size() > limit;
        List<Map<String, Object>> data = new ArrayList<>(more ? rows.subList(0, limit) : rows);
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("data", data);
        page.put("next_cursor", more ? String.valueOf(data.get(data.size() - 1).get("id")) : null);
        exchange.getMessage().setBody(page);
    }

    private static Instant instant(String raw) {
        try {
            return Instant.parse(raw);
        } catch (DateTimeParseException e) {
            throw AdminRequest.invalid("since", "must be an ISO-8601 instant such as 2026-12-01T09:00:00Z, got " + AdminRequest.shown(raw));
        }
    }

    private static long cursor(String raw) {
        if (!raw.matches("^[0-9]{1,18}$")) {
            throw AdminRequest.invalid("cursor", "must be a next_cursor value from a previous page");
        }
        return Long.parseLong(raw);
    }
}
