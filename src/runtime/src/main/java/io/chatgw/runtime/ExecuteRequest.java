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
 * @param history   earlier messages, oldest first (possibly empty): OpenAI chat messages {role, content}, with
 *                  {@code tool_calls} on an assistant's and {@code tool_call_id} on a {@code tool} result
 * @param continuation messages after {@code message}, same shape (the assistant's tool calls, their results, a last
 *                  assistant message to continue); possibly empty
 * @param parameters OpenAI parameters for the LLM call ({@code max_tokens}, {@code temperature}, {@code tools},
 *                  ...), possibly empty
 */
record ExecuteRequest(String sessionId, String userId, String orgId, String requestId, String message,
    List<JsonObject> history, List<JsonObject> continuation, JsonObject parameters) {

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
    return new ExecuteRequest(sessionId, userId, orgId, requestId, message,
        messages("history", json.getValue("history")), messages("continuation", json.getValue("continuation")),
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

  private static List<JsonObject> messages(String field, Object value) throws BadRequestException {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray)) {
      throw new BadRequestException("'" + field + "' must be an array of {role, content} objects");
    }
    JsonArray entries = (JsonArray) value;
    JsonObject[] messages = new JsonObject[entries.size()];
    for (int i = 0; i < entries.size(); i++) {
      Object entry = entries.getValue(i);
      String name = field + "[" + i + "]";
      if (!(entry instanceof JsonObject)) {
        throw new BadRequestException("'" + name + "' must be an object with 'role' and 'content'");
      }
      JsonObject message = (JsonObject) entry;
      Object role = message.getValue("role");
      Object content = message.getValue("content");
      boolean toolCalls = message.getValue("tool_calls") instanceof JsonArray;
      if (!(role instanceof String) || ((String) role).isBlank()
          || !(content instanceof String || (content == null && toolCalls))) {
        throw new BadRequestException("'" + name + "' needs a non-blank string 'role' and a string 'content' "
            + "(null only beside 'tool_calls')");
      }
      if ("tool".equals(role) && !(message.getValue("tool_call_id") instanceof String)) {
        throw new BadRequestException("'" + name + "' is a tool result without a string 'tool_call_id'");
      }
      messages[i] = message.copy();
    }
    return List.of(messages);
  }
}
