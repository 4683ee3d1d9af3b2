package io.chatgw.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * A usage record (the map describeUsage made, named like the usage_records columns) as an event: its id derived
 * from request id and attempt (the same run recorded twice is one record), keyed by org; counts the tokens in
 * {@code gen_ai.client.token.usage}. The model name comes from the provider: the metric's tag values are bounded
 * ({@link io.chatgw.metrics.MetricTags}: an odd or one-too-many name is {@code other}); the record keeps it, cut to
 * 100 chars.
 */
public final class DescribeUsageEvent implements Processor {

    private final EventMeters meters;

    public DescribeUsageEvent(EventMeters meters) {
        this.meters = meters;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) throws Exception {
        Map<String, Object> record = new LinkedHashMap<>(exchange.getMessage().getMandatoryBody(Map.class));
        record.replaceAll((k, v) -> v instanceof UUID u ? u.toString() : v);
        record.computeIfPresent("model", (k, v) -> Audit.clip(String.valueOf(v), 100));
        record.putIfAbsent("estimated", false);
        String requestId = String.valueOf(record.get("requestId"));
        String org = String.valueOf(record.get("orgId"));
        exchange.getMessage().setBody(new Event(eventId(requestId, record.get("attempt")),
                Event.USAGE, org, Instant.now(), record));
        String model = record.get("model") == null ? "none" : String.valueOf(record.get("model"));
        if (!"shadow".equals(record.get("status"))) {
            meters.tokens(org, model, "input", number(record.get("tokensIn")));
            meters.tokens(org, model, "output", number(record.get("tokensOut")));
        }
    }

    /** A run's usage event id, from its request id and attempt (also on the run's span: io.chatgw.tracing). */
    public static UUID eventId(String requestId, Object attempt) {
        return UUID.nameUUIDFromBytes(("usage:" + requestId + ":" + attempt).getBytes(StandardCharsets.UTF_8));
    }

    private static long number(Object v) {
        return v instanceof Number n ? n.longValue() : 0;
    }
}
