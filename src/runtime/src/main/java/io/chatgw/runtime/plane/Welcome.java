package io.chatgw.runtime.plane;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@code welcome}'s {@code sessions}: per session the last seq the gateway accepted, the request it still runs
 * (if any), and the entry as sent ({@code first_seq}, {@code snapshot}: what it hands over, docs/protocol.md).
 */
record Welcome(Map<String, Long> lastSeqs, Map<String, String> running, Map<String, JsonObject> listed) {

  /** A session without a number for {@code last_seq} counts as accepted up to what it acknowledged. */
  static Welcome of(JsonObject welcome, PlaneState state) {
    Map<String, Long> lastSeqs = new LinkedHashMap<>();
    Map<String, String> running = new LinkedHashMap<>();
    Map<String, JsonObject> listed = new LinkedHashMap<>();
    if (welcome.getValue("sessions") instanceof JsonObject sessions) {
      for (Map.Entry<String, Object> entry : sessions) {
        JsonObject session = entry.getValue() instanceof JsonObject ? (JsonObject) entry.getValue() : new JsonObject();
        listed.put(entry.getKey(), session);
        Object lastSeq = session.getValue("last_seq");
        lastSeqs.put(entry.getKey(), lastSeq instanceof Number ? ((Number) lastSeq).longValue()
            : state.session(entry.getKey()).ackedSeq);
        if (session.getValue("request_id") instanceof String) {
          running.put(entry.getKey(), session.getString("request_id"));
        }
      }
    }
    return new Welcome(lastSeqs, running, listed);
  }
}
