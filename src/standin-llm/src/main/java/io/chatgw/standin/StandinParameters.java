package io.chatgw.standin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The OpenAI parameters the stand-in honours, deterministically, so tests can assert their effect:
 * <ul>
 *   <li>{@code max_tokens} / {@code max_completion_tokens} (the latter wins): at most that many content pieces
 *       (one piece = one completion token); cut short, the answer ends with {@code finish_reason: length};</li>
 *   <li>{@code stop} (a string or up to 4): the content ends before the first occurrence of any of them;</li>
 *   <li>{@code response_format}: {@code json_object} makes the content {@code {"reply": "<the usual text>"}};
 *       {@code json_schema} makes it an object with every {@code required} property of the schema, valued by its
 *       {@code type} (string: "stand-in", number/integer: 0, boolean: false, array: [], object: {});</li>
 *   <li>{@code logprobs}: each content piece gets a {@code logprobs.content} entry with {@code logprob: 0.0}
 *       (and {@code top_logprobs} entries of the piece itself);</li>
 *   <li>{@code tools}, {@code tool_choice}, {@code parallel_tool_calls}: see {@link StandinToolCalls};</li>
 *   <li>{@code seed}, {@code temperature}, {@code top_p}, penalties, {@code user}: accepted (the answer is
 *       deterministic anyway).</li>
 * </ul>
 * With {@code [[standin echo_params]]} in the last user message the content is instead the JSON object of the
 * parameters received (keys sorted), for a test to see exactly what reached the LLM.
 */
record StandinParameters(Integer maxTokens, List<String> stop, JsonObject responseFormat, boolean logprobs,
    int topLogprobs, JsonObject received, JsonArray tools, Object toolChoice, boolean parallelToolCalls) {

  /** The parameters echoed by {@code echo_params}: every OpenAI request parameter but the conversation itself. */
  private static final List<String> ECHOED = List.of("max_tokens", "max_completion_tokens", "temperature", "top_p",
      "seed", "stop", "presence_penalty", "frequency_penalty", "response_format", "tools", "tool_choice",
      "parallel_tool_calls", "logprobs", "top_logprobs", "user", "model");

  static StandinParameters parse(JsonObject json) throws InvalidRequestException {
    Integer maxTokens = positive(json, "max_completion_tokens");
    if (maxTokens == null) {
      maxTokens = positive(json, "max_tokens");
    }
    List<String> stop = new ArrayList<>();
    Object stopValue = json.getValue("stop");
    if (stopValue instanceof String s) {
      stop.add(s);
    } else if (stopValue instanceof JsonArray array) {
      for (Object s : array) {
        if (!(s instanceof String)) {
          throw new InvalidRequestException("'stop' entries must be strings", "stop", "invalid_value");
        }
        stop.add((String) s);
      }
    } else if (stopValue != null) {
      throw new InvalidRequestException("'stop' must be a string or an array of strings", "stop", "invalid_value");
    }
    Object format = json.getValue("response_format");
    if (format != null && !(format instanceof JsonObject)) {
      throw new InvalidRequestException("'response_format' must be an object", "response_format", "invalid_value");
    }
    boolean logprobs = Boolean.TRUE.equals(json.getValue("logprobs"));
    Integer top = json.getValue("top_logprobs") instanceof Number n ? n.intValue() : 0;
    TreeMap<String, Object> received = new TreeMap<>();
    for (String name : ECHOED) {
      if (json.containsKey(name) && json.getValue(name) != null) {
        received.put(name, json.getValue(name));
      }
    }
    Object tools = json.getValue("tools");
    if (tools != null && !(tools instanceof JsonArray)) {
      throw new InvalidRequestException("'tools' must be an array", "tools", "invalid_value");
    }
    return new StandinParameters(maxTokens, List.copyOf(stop), (JsonObject) format, logprobs, top,
        new JsonObject(new java.util.LinkedHashMap<>(received)), tools == null ? new JsonArray() : (JsonArray) tools,
        json.getValue("tool_choice"), !Boolean.FALSE.equals(json.getValue("parallel_tool_calls")));
  }

  private static Integer positive(JsonObject json, String name) throws InvalidRequestException {
    Object value = json.getValue(name);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Number n) || n.doubleValue() != Math.floor(n.doubleValue()) || n.intValue() < 1) {
      throw new InvalidRequestException("'" + name + "' must be a positive integer", name, "invalid_value");
    }
    return n.intValue();
  }

  /** The content {@code response_format} asks for instead of the usual text, or null for the usual text. */
  String formattedContent(String usual) {
    if (responseFormat == null) {
      return null;
    }
    String type = responseFormat.getString("type", "text");
    if ("json_object".equals(type)) {
      return new JsonObject().put("reply", usual).encode();
    }
    if ("json_schema".equals(type)) {
      return sample(responseFormat.getJsonObject("json_schema", new JsonObject())
          .getJsonObject("schema", new JsonObject())).encode();
    }
    return null;
  }

  /**
   * An object with every {@code required} property of a JSON schema, valued by its {@code type} (string:
   * "stand-in", number/integer: 0, boolean: false, array: [], object: {}).
   */
  static JsonObject sample(JsonObject schema) {
    JsonObject value = new JsonObject();
    JsonObject properties = schema.getJsonObject("properties", new JsonObject());
    for (Object required : schema.getJsonArray("required", new JsonArray())) {
      String name = String.valueOf(required);
      String propertyType = properties.getJsonObject(name, new JsonObject()).getString("type", "string");
      value.put(name, switch (propertyType) {
        case "number", "integer" -> 0;
        case "boolean" -> false;
        case "array" -> new JsonArray();
        case "object" -> new JsonObject();
        default -> "stand-in";
      });
    }
    return value;
  }
}
