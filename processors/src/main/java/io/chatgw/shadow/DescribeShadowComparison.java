package io.chatgw.shadow;

import io.chatgw.events.Event;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * The compared pair (compareShadow's body) as a {@code shadow_comparison} event for the one way out
 * (routes/events.yaml's record-event): appended to the spool, then written into shadow_comparisons by the spool's
 * drain, once per shadow request id. PostgreSQL down: the row waits in the spool like every event, and is written
 * when it is back; a full spool refuses it (ERROR log with the row, gateway_events_refused_total{type}).
 */
@Component("describeShadowComparison")
public class DescribeShadowComparison implements Processor {

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) throws Exception {
        Map<String, Object> row = exchange.getMessage().getMandatoryBody(Map.class);
        RunSummary p = (RunSummary) row.get("primary");
        RunSummary s = (RunSummary) row.get("shadow");
        ShadowComparison c = (ShadowComparison) row.get("comparison");
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("primaryRequestId", String.valueOf(row.get("primaryRequestId")));
        data.put("shadowRequestId", String.valueOf(row.get("shadowRequestId")));
        data.put("kind", row.get("kind"));
        data.put("orgId", row.get("orgId"));
        data.put("userId", row.get("userId"));
        data.put("sessionId", String.valueOf(row.get("sessionId")));
        data.put("primaryPath", p.path());
        data.put("shadowPath", s.path());
        data.put("primaryStatus", p.status());
        data.put("primaryErrorCode", p.errorCode());
        data.put("shadowStatus", s.status());
        data.put("shadowErrorCode", s.errorCode());
        data.put("bothCompleted", c.bothCompleted());
        data.put("diverged", c.diverged());
        data.put("divergences", c.divergences());
        data.put("textSimilarity", c.textSimilarity());
        data.put("primaryTtfeMs", p.ttfeMs());
        data.put("shadowTtfeMs", s.ttfeMs());
        data.put("primaryDurationMs", p.durationMs());
        data.put("shadowDurationMs", s.durationMs());
        data.put("primaryEvents", events(p));
        data.put("shadowEvents", events(s));
        data.put("details", c.details());
        String shadowRequest = String.valueOf(row.get("shadowRequestId"));
        exchange.getMessage().setBody(new Event(eventId(shadowRequest), Event.SHADOW_COMPARISON,
                String.valueOf(row.get("orgId")), Instant.now(), data));
    }

    /** The comparison event's id, from the shadow's request id (one pair per shadow). */
    static UUID eventId(String shadowRequestId) {
        return UUID.nameUUIDFromBytes(("shadow-comparison:" + shadowRequestId).getBytes(StandardCharsets.UTF_8));
    }

    /** The side's events as stored: the kept ones, and how many there were in all. */
    private static Map<String, Object> events(RunSummary side) {
        return Map.of("events", side.events(), "count", side.eventCount(), "sequence", side.eventTypes());
    }
}
