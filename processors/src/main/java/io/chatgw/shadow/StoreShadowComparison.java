package io.chatgw.shadow;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Writes the compared pair (compareShadow's body) into shadow_comparisons, once per shadow request id. PostgreSQL
 * failing loses the row (logged at WARN, counted in gateway_shadow_comparisons_unstored_total): the pair is still in
 * the metrics, and nothing of the client's turn depends on it.
 */
@Component("storeShadowComparison")
public class StoreShadowComparison implements Processor {

    private static final Logger log = LoggerFactory.getLogger(StoreShadowComparison.class);

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final ShadowMeters meters;

    public StoreShadowComparison(JdbcTemplate jdbc, ObjectMapper json, ShadowMeters meters) {
        this.jdbc = jdbc;
        this.json = json;
        this.meters = meters;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) throws Exception {
        Map<String, Object> row = exchange.getMessage().getMandatoryBody(Map.class);
        RunSummary p = (RunSummary) row.get("primary");
        RunSummary s = (RunSummary) row.get("shadow");
        ShadowComparison c = (ShadowComparison) row.get("comparison");
        try {
            jdbc.update("""
                    INSERT INTO shadow_comparisons (primary_request_id, shadow_request_id, kind, org_id, user_id, session_id,
                      primary_path, shadow_path, primary_status, primary_error_code, shadow_status, shadow_error_code,
                      both_completed, diverged, divergences, text_similarity, primary_ttfe_ms, shadow_ttfe_ms,
                      primary_duration_ms, shadow_duration_ms, primary_events, shadow_events, details)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb)
                    ON CONFLICT (shadow_request_id) DO NOTHING""",
                    row.get("primaryRequestId"), row.get("shadowRequestId"), row.get("kind"), row.get("orgId"),
                    row.get("userId"), row.get("sessionId"), p.path(), s.path(), p.status(), p.errorCode(), s.status(),
                    s.errorCode(), c.bothCompleted(), c.diverged(), json.writeValueAsString(c.divergences()),
                    c.textSimilarity(), p.ttfeMs(), s.ttfeMs(), p.durationMs(), s.durationMs(),
                    json.writeValueAsString(events(p)), json.writeValueAsString(events(s)),
                    json.writeValueAsString(c.details()));
        } catch (DataAccessException e) {
            meters.unstored();
            log.warn("shadow comparison of request {} not stored: {}", row.get("primaryRequestId"), e.getMessage());
        }
    }

    /** The side's events as stored: the kept ones, and how many there were in all. */
    private static Map<String, Object> events(RunSummary side) {
        return Map.of("events", side.events(), "count", side.eventCount(), "sequence", side.eventTypes());
    }
}
