package io.chatgw.runtime.plane;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/** Builds the plane -> gateway frames of {@code docs/protocol.md}. */
final class PlaneFrames {

  static final String PROTOCOL_VERSION = "1";
  /** Longest {@code short_term_memory.last_message} kept in a snapshot, in chars. */
  static final int MAX_SNAPSHOT_MESSAGE_CHARS = 4_096;
  static final JsonArray CAPABILITIES = new JsonArray().add("get_skill_files").add("memory_search").add("mcp_call");

  private PlaneFrames() {
  }

  /**
   * The chat messages of a {@code user_message}'s {@code history} or {@code continuation}: the entries that are
   * objects with a string {@code role}, as sent ({@code content}, {@code tool_calls}, {@code tool_call_id}).
   */
  /** A frame's string field, or null when it is missing, not a string or blank. */
  static String text(JsonObject frame, String field) {
    Object value = frame.getValue(field);
    return value instanceof String && !((String) value).isBlank() ? (String) value : null;
  }

  static JsonArray messages(Object value) {
    JsonArray messages = new JsonArray();
    if (value instanceof JsonArray) {
      for (Object entry : (JsonArray) value) {
        if (entry instanceof JsonObject message && message.getValue("role") instanceof String) {
          messages.add(message.copy());
        }
      }
    }
    return messages;
  }

  /**
   * @param ackedSeqs per session, the highest event seq the gateway acknowledged
   */
  static JsonObject hello(String vmId, long lastDownlinkSeq, Map<String, Long> ackedSeqs) {
    JsonObject sessions = new JsonObject();
    ackedSeqs.forEach(sessions::put);
    return new JsonObject()
        .put("type", "hello")
        .put("vm_id", vmId)
        .put("version", PROTOCOL_VERSION)
        .put("capabilities", CAPABILITIES.copy())
        .put("resume", new JsonObject().put("last_downlink_seq", lastDownlinkSeq).put("sessions", sessions));
  }

  static JsonObject pong(Object ts) {
    return new JsonObject().put("type", "pong").put("ts", ts);
  }

  static JsonObject sseEvent(String sessionId, String requestId, long seq, String event, JsonObject data) {
    return new JsonObject()
        .put("type", "sse_event")
        .put("session_id", sessionId)
        .put("request_id", requestId)
        .put("seq", seq)
        .put("event", event)
        .put("data", data);
  }

  static JsonObject request(String id, String method, JsonObject params) {
    return new JsonObject().put("type", "request").put("id", id).put("method", method).put("params", params);
  }

  static JsonObject usage(String sessionId, String requestId, String model, long promptTokens,
      long completionTokens) {
    return new JsonObject()
        .put("type", "fire_and_forget")
        .put("kind", "usage")
        .put("data", new JsonObject()
            .put("session_id", sessionId)
            .put("request_id", requestId)
            .put("model", model)
            .put("prompt_tokens", promptTokens)
            .put("completion_tokens", completionTokens));
  }

  static JsonObject snapshot(String sessionId, String requestId, long lastSeq, String lastMessage, long turns) {
    return new JsonObject()
        .put("type", "snapshot")
        .put("session_id", sessionId)
        .put("checkpoint", new JsonObject().put("last_seq", lastSeq).put("request_id", requestId))
        .put("short_term_memory", new JsonObject().put("last_message", lastMessage.length() <= MAX_SNAPSHOT_MESSAGE_CHARS
            ? lastMessage : lastMessage.substring(0, MAX_SNAPSHOT_MESSAGE_CHARS)))
        .put("conversation_state", new JsonObject().put("turns", turns))
        .put("file_manifest", new JsonArray());
  }

  /** The {@code history} of a {@code user_message}: its well-formed {@code {role, content}} entries, in order. */
  static JsonArray history(Object value) {
    JsonArray history = new JsonArray();
    if (value instanceof JsonArray) {
      for (Object entry : (JsonArray) value) {
        if (entry instanceof JsonObject && ((JsonObject) entry).getValue("role") instanceof String
            && ((JsonObject) entry).getValue("content") instanceof String) {
          JsonObject turn = (JsonObject) entry;
          history.add(new JsonObject().put("role", turn.getString("role")).put("content", turn.getString("content")));
        }
      }
    }
    return history;
  }
}
