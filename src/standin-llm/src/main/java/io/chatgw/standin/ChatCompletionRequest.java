package io.chatgw.standin;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The parts of an OpenAI Chat Completions request the stand-in looks at.
 *
 * @param model           the requested model, or {@code null}
 * @param stream          whether the caller asked for {@code stream: true}
 * @param includeUsage    whether the caller asked for {@code stream_options.include_usage: true}
 * @param lastUserMessage text of the last message with role {@code user} ("" when there is none)
 * @param promptTokens    whitespace-separated words across the text of all messages
 * @param parameters      the OpenAI parameters it honours (max_tokens, stop, response_format, logprobs, tools, ...)
 * @param messages        the messages as received (for {@code [[standin echo_messages]]})
 * @param toolResults     the contents of the {@code tool} messages after the last user message, in order
 * @param userLast        whether the last message is the user's (only then does it call a tool)
 */
record ChatCompletionRequest(String model, boolean stream, boolean includeUsage,
    String lastUserMessage, int promptTokens, StandinParameters parameters, JsonArray messages,
    java.util.List<String> toolResults, boolean userLast) {

  private static final String INVALID_JSON = "invalid_json";
  private static final String INVALID_VALUE = "invalid_value";

  /**
   * Parses and validates a request body.
   *
   * @throws InvalidRequestException when the body is not a valid chat completion request
   */
  static ChatCompletionRequest parse(Buffer body) throws InvalidRequestException {
    JsonObject json = parseObject(body);
    JsonArray messages = requireMessages(json.getValue("messages"));
    String lastUserMessage = "";
    int promptTokens = 0;
    java.util.List<String> toolResults = new java.util.ArrayList<>();
    String lastRole = null;
    for (int i = 0; i < messages.size(); i++) {
      Object entry = messages.getValue(i);
      String param = "messages[" + i + "]";
      if (!(entry instanceof JsonObject)) {
        throw new InvalidRequestException(param + " must be an object with 'role' and 'content'",
            param, INVALID_VALUE);
      }
      JsonObject message = (JsonObject) entry;
      String role = requireRole(message.getValue("role"), param + ".role");
      String text = contentText(message, role, param + ".content");
      promptTokens += countWords(text);
      if ("user".equals(role)) {
        lastUserMessage = text;
        toolResults.clear();
      } else if ("tool".equals(role)) {
        toolResults.add(text);
      }
      lastRole = role;
    }
    boolean stream = optionalBoolean("stream", json.getValue("stream"));
    boolean includeUsage = false;
    Object streamOptions = json.getValue("stream_options");
    if (streamOptions instanceof JsonObject) {
      JsonObject options = (JsonObject) streamOptions;
      includeUsage = optionalBoolean("stream_options.include_usage", options.getValue("include_usage"));
    } else if (streamOptions != null) {
      throw new InvalidRequestException("'stream_options' must be an object", "stream_options", INVALID_VALUE);
    }
    Object model = json.getValue("model");
    if (model != null && !(model instanceof String)) {
      throw new InvalidRequestException("'model' must be a string", "model", INVALID_VALUE);
    }
    String modelName = model == null || ((String) model).isBlank() ? null : (String) model;
    return new ChatCompletionRequest(modelName, stream, includeUsage, lastUserMessage, promptTokens,
        StandinParameters.parse(json), messages, java.util.List.copyOf(toolResults), "user".equals(lastRole));
  }

  static int countWords(String text) {
    String trimmed = text.strip();
    return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
  }

  private static JsonObject parseObject(Buffer body) throws InvalidRequestException {
    Object parsed;
    try {
      parsed = body.length() == 0 ? null : body.toJson();
    } catch (DecodeException e) {
      parsed = null;
    }
    if (!(parsed instanceof JsonObject)) {
      throw new InvalidRequestException("The request body must be a JSON object.", null, INVALID_JSON);
    }
    return (JsonObject) parsed;
  }

  private static JsonArray requireMessages(Object messages) throws InvalidRequestException {
    if (!(messages instanceof JsonArray) || ((JsonArray) messages).isEmpty()) {
      throw new InvalidRequestException("'messages' must be a non-empty array of {role, content} objects",
          "messages", messages == null ? "missing_required_parameter" : INVALID_VALUE);
    }
    return (JsonArray) messages;
  }

  private static String requireRole(Object role, String param) throws InvalidRequestException {
    if (!(role instanceof String) || ((String) role).isBlank()) {
      throw new InvalidRequestException("'" + param + "' must be a non-empty string", param, INVALID_VALUE);
    }
    return (String) role;
  }

  /**
   * Text of a message: a string content, or the {@code text} of the parts of an array content;
   * {@code null} content is accepted from assistants only (tool-call turns).
   */
  private static String contentText(JsonObject message, String role, String param)
      throws InvalidRequestException {
    Object content = message.getValue("content");
    if (content instanceof String) {
      return (String) content;
    }
    if (content == null && "assistant".equals(role)) {
      return "";
    }
    if (content instanceof JsonArray) {
      StringBuilder text = new StringBuilder();
      for (Object part : (JsonArray) content) {
        if (!(part instanceof JsonObject)) {
          throw new InvalidRequestException("'" + param + "' parts must be objects", param, INVALID_VALUE);
        }
        Object partText = ((JsonObject) part).getValue("text");
        if (partText instanceof String) {
          if (text.length() > 0) {
            text.append('\n');
          }
          text.append((String) partText);
        }
      }
      return text.toString();
    }
    throw new InvalidRequestException("'" + param + "' must be a string or an array of content parts",
        param, INVALID_VALUE);
  }

  private static boolean optionalBoolean(String param, Object value)
      throws InvalidRequestException {
    if (value == null) {
      return false;
    }
    if (!(value instanceof Boolean)) {
      throw new InvalidRequestException("'" + param + "' must be a boolean", param, INVALID_VALUE);
    }
    return (Boolean) value;
  }
}
