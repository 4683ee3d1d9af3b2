package io.chatgw.runtime;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/**
 * The legacy runtime's canned tool use: when a message mentions "tool", the run first shows a
 * two-step plan with one skill call and one MCP call, all with fixed, deterministic results.
 */
final class ToolDemo {

  static final String SKILL_NAME = "search_docs";
  static final String MCP_TOOL_NAME = "weather.lookup";
  /** The MCP output of a shadow run: a shadow calls no tool that could have effects. */
  static final String SHADOW_SKIPPED = "shadow: no side effects";

  private static final Pattern TOOL_WORD = Pattern.compile("\\btools?\\b", Pattern.CASE_INSENSITIVE);

  private ToolDemo() {
  }

  /** Whether the message asks for the demo: it contains the word "tool" (or "tools"), any case. */
  static boolean isRequested(String message) {
    return TOOL_WORD.matcher(message).find();
  }

  /**
   * Emits, in order: plan 1, the skill call and its output, plan 2, the MCP call and its output (for a shadow
   * run, an output saying the call was not made).
   */
  static void emit(NativeEventWriter writer, String message, boolean shadow) {
    writer.emit("plan", plan(1, "Look up the relevant skill"));
    JsonObject skillArguments = new JsonObject().put("query", message);
    JsonObject skillOutput = new JsonObject().put("results", new JsonArray().add(new JsonObject()
        .put("title", "Getting started with the chat gateway")
        .put("url", "docs://chat-gateway/getting-started")
        .put("snippet", "Send a message; the runtime streams tokens back as they are generated.")));
    emitCall(writer, "call-1", "skill", SKILL_NAME, skillArguments, skillOutput);

    writer.emit("plan", plan(2, "Ask the MCP server"));
    JsonObject mcpArguments = new JsonObject().put("city", "Berlin");
    JsonObject mcpOutput = shadow ? new JsonObject().put("skipped", SHADOW_SKIPPED) : new JsonObject()
        .put("city", "Berlin")
        .put("condition", "sunny")
        .put("temperature_c", 21);
    emitCall(writer, "call-2", "mcp", MCP_TOOL_NAME, mcpArguments, mcpOutput);
  }

  private static JsonObject plan(int step, String title) {
    return new JsonObject().put("step", step).put("title", title);
  }

  private static void emitCall(NativeEventWriter writer, String callId, String kind, String name,
      JsonObject arguments, JsonObject output) {
    writer.emit("tool_call", new JsonObject()
        .put("call_id", callId).put("kind", kind).put("name", name).put("arguments", arguments));
    writer.emit("tool_output", new JsonObject()
        .put("call_id", callId).put("kind", kind).put("name", name).put("output", output));
  }
}
