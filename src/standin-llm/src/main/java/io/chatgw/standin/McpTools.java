package io.chatgw.standin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The tools of the STAND-IN MCP server, with fixed, deterministic results (no real data):
 * <ul>
 *   <li>{@code weather.lookup}: {@code {"city": <arguments.city or "Berlin">, "condition": "sunny",
 *       "temperature_c": 21}};</li>
 *   <li>{@code echo}: the arguments, unchanged.</li>
 * </ul>
 */
final class McpTools {

  static final String WEATHER = "weather.lookup";
  static final String ECHO = "echo";
  static final String DEFAULT_CITY = "Berlin";

  private McpTools() {
  }

  /** The result of {@code tools/list}. */
  static JsonObject list() {
    JsonObject weatherSchema = new JsonObject()
        .put("type", "object")
        .put("properties", new JsonObject()
            .put("city", new JsonObject().put("type", "string").put("description", "default " + DEFAULT_CITY))
            .put(McpKnobs.DELAY_MS, delaySchema()));
    JsonObject echoSchema = new JsonObject()
        .put("type", "object")
        .put("properties", new JsonObject().put(McpKnobs.DELAY_MS, delaySchema()))
        .put("additionalProperties", true);
    return new JsonObject().put("tools", new JsonArray()
        .add(tool(WEATHER, "Stand-in weather lookup: always sunny and 21 C (deterministic, not real data).",
            weatherSchema))
        .add(tool(ECHO, "Stand-in tool that returns its arguments unchanged.", echoSchema)));
  }

  /**
   * The result of {@code tools/call} for a known tool.
   *
   * @return {@code null} if there is no tool called {@code name}
   */
  static JsonObject call(String name, JsonObject arguments, boolean toolError) {
    JsonObject structured;
    switch (name) {
      case WEATHER:
        Object city = arguments.getValue("city");
        structured = new JsonObject()
            .put("city", city instanceof String && !((String) city).isBlank() ? city : DEFAULT_CITY)
            .put("condition", "sunny")
            .put("temperature_c", 21);
        break;
      case ECHO:
        structured = arguments.copy();
        break;
      default:
        return null;
    }
    if (toolError) {
      return new JsonObject()
          .put("content", new JsonArray().add(text("The stand-in tool " + name + " failed on purpose (fail=tool_error).")))
          .put("isError", true);
    }
    return new JsonObject()
        .put("content", new JsonArray().add(text(structured.encode())))
        .put("structuredContent", structured)
        .put("isError", false);
  }

  private static JsonObject tool(String name, String description, JsonObject inputSchema) {
    return new JsonObject().put("name", name).put("description", description).put("inputSchema", inputSchema);
  }

  private static JsonObject delaySchema() {
    return new JsonObject().put("type", "integer").put("minimum", 0)
        .put("description", "stand-in knob: answer after this many milliseconds");
  }

  private static JsonObject text(String text) {
    return new JsonObject().put("type", "text").put("text", text);
  }
}
