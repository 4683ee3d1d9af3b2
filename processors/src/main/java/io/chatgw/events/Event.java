package io.chatgw.events;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One usage, audit or shadow comparison event on its way out (docs/events.md). {@code id} is the idempotency key everywhere: the
 * PostgreSQL inserts skip an id they already have and Kafka consumers dedupe by it. {@code key} is the Kafka key
 * (the org for usage, the session or the actor for audit). {@code data} holds only JSON values.
 */
public record Event(UUID id, String type, String key, Instant occurredAt, Map<String, Object> data) {

    public static final int SCHEMA_VERSION = 1;
    public static final String USAGE = "usage";
    public static final String AUDIT = "audit";
    public static final String PLANE_USAGE = "plane_usage";
    /** A compared shadow pair (docs/shadow.md): a shadow_comparisons row, never on Kafka (no outbox row). */
    public static final String SHADOW_COMPARISON = "shadow_comparison";

    public Event {
        if (!USAGE.equals(type) && !AUDIT.equals(type) && !PLANE_USAGE.equals(type) && !SHADOW_COMPARISON.equals(type)) {
            throw new IllegalArgumentException("unknown event type: " + type);
        }
    }

    /** Whether the event also goes to Kafka (an event_outbox row): every type but shadow comparisons. */
    public boolean published() {
        return !SHADOW_COMPARISON.equals(type);
    }

    /** The value of a data field as text, or null. */
    public String text(String field) {
        Object v = data.get(field);
        return v == null ? null : String.valueOf(v).replace('\u0000', '\ufffd'); // PostgreSQL text cannot hold NUL
    }
}
