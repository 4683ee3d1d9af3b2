package io.chatgw.standin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The tool calls of a stand-in answer, deterministic so tests can assert them. The stand-in calls tools only when
 * the request offers {@code tools} and its last message is the user's (after {@code tool} results it answers with
 * text that quotes them, see {@link StandinAnswer}):
 * <ul>
 *   <li>{@code tool_choice: "none"}: never;</li>
 *   <li>{@code tool_choice: {"type": "function", "function": {"name": X}}}: X;</li>
 *   <li>{@code [[standin tool_call=a,b]]} in the last user message: a, then b (only a with
 *       {@code parallel_tool_calls: false}); each must be one of the offered tools (else a 400);</li>
 *   <li>{@code tool_choice: "required"} without that directive: the first offered tool;</li>
 *   <li>otherwise ({@code auto}): none.</li>
 * </ul>
 * Call {@code i} (0-based) has id {@code call_standin_<i+1>} and as arguments the JSON object of the tool's
 * {@code parameters} schema's required properties ({@link StandinParameters#sample}), e.g. {@code {"city":"stand-in"}}.
 */
final class StandinToolCalls {

  /** One call: what goes into {@code tool_calls}. */
  record Call(String id, String name, String arguments) {
  }

  private StandinToolCalls() {
  }

  static List<Call> decide(ChatCompletionRequest chat, StandinKnobs knobs) throws InvalidRequestException {
    JsonArray tools = chat.parameters().tools();
    if (!knobs.toolCalls().isEmpty() && tools.isEmpty()) {
      throw new InvalidRequestException("[[standin tool_call=...]] but the request offers no tools", "tools",
          "invalid_standin_directive");
    }
    if (tools.isEmpty() || !chat.userLast()) {
      return List.of();
    }
    Object choice = chat.parameters().toolChoice();
    List<String> names = new ArrayList<>();
    if ("none".equals(choice)) {
      return List.of();
    } else if (choice instanceof JsonObject forced) {
      names.add(forced.getJsonObject("function", new JsonObject()).getString("name", ""));
    } else if (!knobs.toolCalls().isEmpty()) {
      names.addAll(chat.parameters().parallelToolCalls() ? knobs.toolCalls() : knobs.toolCalls().subList(0, 1));
    } else if ("required".equals(choice)) {
      names.add(function(tools.getJsonObject(0)).getString("name"));
    }
    List<Call> calls = new ArrayList<>(names.size());
    for (String name : names) {
      JsonObject function = find(tools, name);
      if (function == null) {
        throw new InvalidRequestException("the stand-in was asked to call '" + name + "', which is not in 'tools'",
            "tools", "invalid_standin_directive");
      }
      calls.add(new Call("call_standin_" + (calls.size() + 1), name,
          StandinParameters.sample(function.getJsonObject("parameters", new JsonObject())).encode()));
    }
    return List.copyOf(calls);
  }

  private static JsonObject find(JsonArray tools, String name) {
    for (Object tool : tools) {
      if (tool instanceof JsonObject t && name.equals(function(t).getString("name"))) {
        return function(t);
      }
    }
    return null;
  }

  private static JsonObject function(JsonObject tool) {
    return tool.getValue("function") instanceof JsonObject f ? f : new JsonObject();
  }
}
