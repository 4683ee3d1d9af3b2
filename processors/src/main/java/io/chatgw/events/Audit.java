package io.chatgw.events;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Builds audit events (docs/events.md): who ({@code actor}: a user id, {@code system} or {@code vm:<id>}), the
 * org, the action ({@code session.created}, {@code breaker.force_open}, ...), its target, the request it belongs
 * to and details (any JSON-able map: written by Jackson, never by hand). Strings are cut to their column's size,
 * so no value from outside can make the row invalid. The Kafka key is the session when there is one, else the actor.
 */
public final class Audit {

    private Audit() {
    }

    public static Event of(String actor, String orgId, String action, String target, Object details) {
        return of(actor, orgId, action, target, null, null, details);
    }

    public static Event of(String actor, String orgId, String action, String target, UUID requestId, UUID sessionId,
                           Object details) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("actor", clip(actor == null ? "system" : actor, 128));
        data.put("orgId", clip(orgId, 128));
        data.put("action", clip(action, 64));
        data.put("target", clip(target, 255));
        data.put("requestId", requestId == null ? null : requestId.toString());
        data.put("sessionId", sessionId == null ? null : sessionId.toString());
        data.put("details", details == null ? Map.of() : details);
        String key = sessionId != null ? sessionId.toString() : String.valueOf(data.get("actor"));
        return new Event(UUID.randomUUID(), Event.AUDIT, key, Instant.now(), data);
    }

    public static String clip(String s, int max) {
        if (s == null) {
            return null;
        }
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() <= max ? clean : clean.substring(0, max);
    }
}
