package io.chatgw.shadow;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.admin.AdminRequest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * {@code GET /api/v1/admin/shadow/summary?org_id=&since=} (routes/admin.yaml, docs/shadow.md): per org and path pair,
 * the samples, the divergence rate of every kind with the noise floor beside it (the same org's noise samples of the
 * primary path) and the rate above it, the time-to-first-event and duration deltas (shadow minus primary, p50/p95),
 * the error codes on each side, and the skipped samples by reason. {@code since} defaults to 24 hours ago.
 */
@Component("shadowSummary")
public class ShadowSummary {

    private static final Set<String> KEYS = Set.of("org_id", "since");

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    private final io.chatgw.admin.AdminScope adminScope;

    public ShadowSummary(JdbcTemplate jdbc, ObjectMapper json, io.chatgw.admin.AdminScope adminScope) {
        this.adminScope = adminScope;
        this.jdbc = jdbc;
        this.json = json;
    }

    record Group(String org, String primary, String shadow, String kind) {
    }

    public void summary(Exchange exchange) {
        AdminRequest q = AdminRequest.query(exchange, json, KEYS);
        String org = adminScope.orgFilter(exchange, q.id("org_id").orElse(null)); // an org admin: its own org only
        Instant since = q.text("since").map(ShadowSummary::instant).orElse(Instant.now().minus(Duration.ofHours(24)));
        Timestamp from = Timestamp.from(since);
        Map<Group, Map<String, Object>> groups = new LinkedHashMap<>();
        StringBuilder kinds = new StringBuilder();
        for (String kind : ShadowComparison.KINDS) {
            kinds.append(", count(*) FILTER (WHERE divergences @> '[\"").append(kind).append("\"]')");
        }
        jdbc.query("SELECT org_id, primary_path, shadow_path, kind, count(*), count(*) FILTER (WHERE both_completed), "
                + "percentile_cont(0.5) WITHIN GROUP (ORDER BY shadow_ttfe_ms - primary_ttfe_ms), "
                + "percentile_cont(0.95) WITHIN GROUP (ORDER BY shadow_ttfe_ms - primary_ttfe_ms), "
                + "percentile_cont(0.5) WITHIN GROUP (ORDER BY shadow_duration_ms - primary_duration_ms), "
                + "percentile_cont(0.95) WITHIN GROUP (ORDER BY shadow_duration_ms - primary_duration_ms)" + kinds
                + " FROM shadow_comparisons WHERE created_at >= ? AND (CAST(? AS VARCHAR) IS NULL OR org_id = ?)"
                + " GROUP BY 1, 2, 3, 4 ORDER BY 1, 4, 2, 3", rs -> {
            groups.put(group(rs), figures(rs));
        }, from, org, org);
        jdbc.query("""
                SELECT org_id, primary_path, shadow_path, kind, 'primary', primary_error_code, count(*) FROM shadow_comparisons
                WHERE created_at >= ? AND (CAST(? AS VARCHAR) IS NULL OR org_id = ?) AND primary_error_code IS NOT NULL
                GROUP BY 1, 2, 3, 4, 6
                UNION ALL
                SELECT org_id, primary_path, shadow_path, kind, 'shadow', shadow_error_code, count(*) FROM shadow_comparisons
                WHERE created_at >= ? AND (CAST(? AS VARCHAR) IS NULL OR org_id = ?) AND shadow_error_code IS NOT NULL
                GROUP BY 1, 2, 3, 4, 6""", rs -> {
            Map<String, Object> g = groups.get(group(rs));
            if (g != null) {
                sub(sub(g, "errors"), rs.getString(5)).put(rs.getString(6), rs.getLong(7));
            }
        }, from, org, org, from, org, org);
        jdbc.query("""
                SELECT org_id, primary_path, shadow_path, reason, sum(skipped) FROM shadow_skips
                WHERE minute >= date_trunc('minute', CAST(? AS TIMESTAMPTZ)) AND (CAST(? AS VARCHAR) IS NULL OR org_id = ?)
                GROUP BY 1, 2, 3, 4""", rs -> {
            String kind = rs.getString(2).equals(rs.getString(3)) ? ShadowPlan.NOISE : ShadowPlan.SHADOW;
            Map<String, Object> g = groups.computeIfAbsent(new Group(rs.getString(1), rs.getString(2), rs.getString(3), kind),
                    ShadowSummary::empty);
            sub(g, "skipped").put(rs.getString(4), rs.getLong(5));
        }, from, org, org);
        List<Map<String, Object>> pairs = new ArrayList<>();
        List<Map<String, Object>> noise = new ArrayList<>();
        groups.forEach((key, g) -> (ShadowPlan.NOISE.equals(key.kind()) ? noise : pairs).add(g));
        for (Map<String, Object> pair : pairs) {
            Map<String, Object> floor = groups.get(new Group((String) pair.get("org_id"), (String) pair.get("primary_path"),
                    (String) pair.get("primary_path"), ShadowPlan.NOISE));
            withFloor(pair, floor);
        }
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("since", since.toString());
        reply.put("org_id", org);
        reply.put("pairs", pairs);
        reply.put("noise", noise);
        exchange.getMessage().setBody(reply);
    }

    private static Group group(ResultSet rs) throws SQLException {
        return new Group(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4));
    }

    private static Map<String, Object> empty(Group key) {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("org_id", key.org());
        g.put("primary_path", key.primary());
        g.put("shadow_path", key.shadow());
        g.put("samples", 0L);
        g.put("both_completed", 0L);
        Map<String, Object> divergence = new LinkedHashMap<>();
        ShadowComparison.KINDS.forEach(k -> divergence.put(k, rate(0, 0)));
        g.put("divergence", divergence);
        g.put("first_event_delta_ms", percentiles(null, null));
        g.put("duration_delta_ms", percentiles(null, null));
        g.put("errors", new LinkedHashMap<>(Map.of("primary", new LinkedHashMap<>(), "shadow", new LinkedHashMap<>())));
        Map<String, Object> skipped = new LinkedHashMap<>();
        ShadowAdmission.SKIP_REASONS.forEach(reason -> skipped.put(reason, 0L));
        g.put("skipped", skipped);
        return g;
    }

    private static Map<String, Object> figures(ResultSet rs) throws SQLException {
        Map<String, Object> g = empty(group(rs));
        long samples = rs.getLong(5);
        long both = rs.getLong(6);
        g.put("samples", samples);
        g.put("both_completed", both);
        g.put("first_event_delta_ms", percentiles((Double) rs.getObject(7), (Double) rs.getObject(8)));
        g.put("duration_delta_ms", percentiles((Double) rs.getObject(9), (Double) rs.getObject(10)));
        Map<String, Object> divergence = sub(g, "divergence");
        int column = 11;
        for (String kind : ShadowComparison.KINDS) {
            // outcome is compared on every pair; the content kinds only where both sides completed
            divergence.put(kind, rate(rs.getLong(column++), ShadowComparison.OUTCOME.equals(kind) ? samples : both));
        }
        return g;
    }

    @SuppressWarnings("unchecked")
    private static void withFloor(Map<String, Object> pair, Map<String, Object> noise) {
        Map<String, Object> divergence = (Map<String, Object>) pair.get("divergence");
        pair.put("noise_samples", noise == null ? 0L : noise.get("samples"));
        divergence.forEach((kind, value) -> {
            Map<String, Object> r = (Map<String, Object>) value;
            Object floor = noise == null ? null
                    : ((Map<String, Object>) ((Map<String, Object>) noise.get("divergence")).get(kind)).get("rate");
            r.put("noise_floor", floor);
            r.put("above_floor", floor == null || r.get("rate") == null ? null
                    : Math.max(0.0, (Double) r.get("rate") - (Double) floor));
        });
    }

    private static Map<String, Object> rate(long count, long of) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("count", count);
        r.put("compared", of);
        r.put("rate", of == 0 ? null : (double) count / of);
        return r;
    }

    private static Map<String, Object> percentiles(Double p50, Double p95) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("p50", p50);
        m.put("p95", p95);
        return m;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> sub(Map<String, Object> m, String key) {
        return (Map<String, Object>) m.get(key);
    }

    static Instant instant(String raw) {
        try {
            return Instant.parse(raw);
        } catch (DateTimeParseException e) {
            throw AdminRequest.invalid("since", "must be an ISO-8601 instant such as 2026-12-01T09:00:00Z, got "
                    + AdminRequest.shown(raw));
        }
    }
}
