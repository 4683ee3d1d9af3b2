package io.chatgw.runtime;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A validated {@code POST /api/v1/execute/stream} body.
 *
 * @param sessionId session of the conversation (required)
 * @param userId    user who sent the message (required)
 * @param orgId     organisation, or {@code null}
 * @param requestId caller's request id, or {@code null}
 * @param message   the user's message, as sent (required)
 * @param history   earlier turns, oldest first (possibly empty)
 * @param parameters OpenAI parameters for the LLM call ({@code max_tokens}, {@code temperature}, ...), possibly empty
 */
record ExecuteRequest(String sessionId, String userId, String orgId, String requestId, String message,
    List<ChatTurn> history, JsonObject parameters) {

  /** One earlier turn of the conversation. */
  record ChatTurn(String role, String content) {

    JsonObject toJson() {
      return new JsonObject().put("role", role).put("content", content);
    }
  }

  /**
   * Parses and validates a request body.
   *
   * @throws BadRequestException when the body is not JSON or misses a required field
   */
  static ExecuteRequest parse(Buffer body) throws BadRequestException {
    JsonObject json = parseObject(body);
    String sessionId = requiredText(json, "session_id");
    String userId = requiredText(json, "user_id");
    String message = requiredText(json, "message");
    String orgId = optionalText(json, "org_id");
    String requestId = optionalText(json, "request_id");
    Object parameters = json.getValue("parameters");
    if (parameters != null && !(parameters instanceof JsonObject)) {
      throw new BadRequestException("'parameters' must be an object of OpenAI chat completion parameters");
    }
    return new ExecuteRequest(sessionId, userId, orgId, requestId, message, history(json.getValue("history")),
        parameters == null ? new JsonObject() : (JsonObject) parameters);
  }

  private static JsonObject parseObject(Buffer body) throws BadRequestException {
    Object parsed;
    try {
      parsed = body.length() == 0 ? null : body.toJson();
    } catch (DecodeException e) {
      parsed = null;
    }
    if (!(parsed instanceof JsonObject)) {
      throw new BadRequestException("the request body must be a JSON object");
    }
    return (JsonObject) parsed;
  }

  private static String requiredText(JsonObject json, String field) throws BadRequestException {
    Object value = json.getValue(field);
    if (!(value instanceof String) || ((String) value).isBlank()) {
      throw new BadRequestException("'" + field + "' is required and must be a non-blank string");
    }
    return (String) value;
  }

  private static String optionalText(JsonObject json, String field) throws BadRequestException {
    Object value = json.getValue(field);
    if (value != null && !(value instanceof String)) {
      throw new BadRequestException("'" + field + "' must be a string");
    }
    return (String) value;
  }

  private static List<ChatTurn> history(Object value) throws BadRequestException {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray)) {
      throw new BadRequestException("'history' must be an array of {role, content} objects");
    }
    JsonArray entries = (JsonArray) value;
    ChatTurn[] turns = new ChatTurn[entries.size()];
    for (int i = 0; i < entries.size(); i++) {
      Object entry = entries.getValue(i);
      if (!(entry instanceof JsonObject)) {
        throw new BadRequestException("'history[" + i + "]' must be an object with 'role' and 'content'");
      }
      JsonObject turn = (JsonObject) entry;
      Object role = turn.getValue("role");
      Object content = turn.getValue("content");
      if (!(role instanceof String) || ((String) role).isBlank() || !(content instanceof String)) {
        throw new BadRequestException("'history[" + i + "]' needs a non-blank string 'role' and a string 'content'");
      }
      turns[i] = new ChatTurn((String) role, (String) content);
    }
    return List.of(turns);
  }
}
