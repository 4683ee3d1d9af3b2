package io.chatgw.runtime.plane;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/**
 * The canned tool use of a turn whose message contains the word "tool" (any case): a three-step
 * plan that loads a skill ({@code get_skill_files}), calls an MCP tool ({@code mcp_call}) and
 * searches the user's memories ({@code memory_search}), each through a {@code request} to the
 * gateway, reporting calls and results as events. A shadow turn reads (skill files, memories) but makes no MCP call.
 * Each request's output goes into the turn's checkpoint as it arrives, so a turn resumed after a crash takes the
 * outputs of the requests its earlier run completed from there instead of asking again (an MCP call is not made
 * twice); a request in flight at the crash is made again.
 */
final class ToolSteps {

  static final String SKILL_NAME = "search_docs";
  static final String MCP_TOOL_NAME = "weather.lookup";
  static final int MEMORY_LIMIT = 3;
  /** The MCP result of a shadow turn: the call was not made. */
  static final String SHADOW_SKIPPED = "shadow: no side effects";

  private static final Pattern TOOL_WORD = Pattern.compile("\\btools?\\b", Pattern.CASE_INSENSITIVE);

  private final PlaneTurn turn;
  private final TurnHost host;
  private final String query;
  /** Index of the turn's next tool request (its place among the checkpointed outputs). */
  private int requests;

  ToolSteps(PlaneTurn turn, TurnHost host, String query) {
    this.turn = turn;
    this.host = host;
    this.query = query;
  }

  /** Whether the message asks for tools: it contains the word "tool" (or "tools"), any case. */
  static boolean isRequested(String message) {
    return TOOL_WORD.matcher(message).find();
  }

  /**
   * Emits, in order: plan step 1, the skill call and its result; plan step 2, the MCP call and
   * its result; plan step 3 with the number of memories found. Failed requests become
   * {@code {"error": {"code", "message"}}} outputs. Completes when done (or the turn ended).
   */
  Future<Void> run() {
    turn.emit("plan_step", step(1, "Load the skill"));
    JsonObject skillArguments = new JsonObject().put("skill", SKILL_NAME);
    turn.emit("skill_call", call("call-1", SKILL_NAME, skillArguments));
    return output("get_skill_files", new JsonObject().put("skill", SKILL_NAME))
        .compose(skillOutput -> {
          turn.emit("skill_result", result("call-1", SKILL_NAME, skillOutput));
          if (turn.ended()) {
            return Future.succeededFuture();
          }
          turn.emit("plan_step", step(2, "Ask the MCP server"));
          JsonObject mcpArguments = new JsonObject().put("city", "Berlin");
          turn.emit("mcp_call", call("call-2", MCP_TOOL_NAME, mcpArguments));
          Future<JsonObject> mcp = turn.shadow() // a shadow calls no tool with effects (docs/protocol.md)
              ? Future.succeededFuture(new JsonObject().put("skipped", SHADOW_SKIPPED))
              : output("mcp_call", new JsonObject().put("tool", MCP_TOOL_NAME).put("arguments", mcpArguments.copy()));
          return mcp
              .compose(mcpOutput -> {
                turn.emit("mcp_result", result("call-2", MCP_TOOL_NAME, mcpOutput));
                if (turn.ended()) {
                  return Future.succeededFuture();
                }
                return output("memory_search", new JsonObject().put("query", query).put("limit", MEMORY_LIMIT))
                    .map(memories -> {
                      turn.emit("plan_step", step(3, "Found " + memoryCount(memories) + " memories"));
                      return null;
                    });
              });
        });
  }

  /** The request's result, or {@code {"error": {...}}} if it failed. */
  private Future<JsonObject> output(String method, JsonObject params) {
    int index = requests++;
    JsonObject checkpointed = turn.toolOutput(index);
    if (checkpointed != null) {
      return Future.succeededFuture(checkpointed); // answered before the crash: not asked again
    }
    Future<Void> held = turn.toolDelayMs() > 0 ? host.after(turn.toolDelayMs()) : Future.succeededFuture();
    return held.compose(ignored -> host.request(method, params))
        .recover(error -> Future.succeededFuture(new JsonObject().put("error",
            error instanceof GatewayRequestException ? ((GatewayRequestException) error).toJson()
                : new JsonObject().put("code", "internal_error").put("message", String.valueOf(error.getMessage())))))
        .onSuccess(output -> turn.toolAnswered(index, output));
  }

  private static int memoryCount(JsonObject output) {
    Object memories = output.getValue("memories");
    return memories instanceof JsonArray ? ((JsonArray) memories).size() : 0;
  }

  private static JsonObject step(int step, String title) {
    return new JsonObject().put("step", step).put("title", title);
  }

  private static JsonObject call(String callId, String name, JsonObject arguments) {
    return new JsonObject().put("call_id", callId).put("name", name).put("arguments", arguments);
  }

  private static JsonObject result(String callId, String name, JsonObject output) {
    return new JsonObject().put("call_id", callId).put("name", name).put("output", output);
  }
}
