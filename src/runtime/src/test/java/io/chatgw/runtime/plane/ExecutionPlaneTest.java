package io.chatgw.runtime.plane;

import static io.chatgw.runtime.plane.FakeGateway.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Turns on the plane against a fake gateway and the stand-in LLM: a plain turn (events, snapshot, usage), a
 * tool turn asking the gateway, cancel, and failures reported as error events.
 * Set-up in {@link ExecutionPlaneSupport}.
 */
class ExecutionPlaneTest extends ExecutionPlaneSupport {

  @Test
  void answersAPlainTurn() {
    ExecutionPlane plane = startPlane(options());
    awaitTrue(plane::connected, "the plane to connect");

    JsonObject hello = gateway.hellos.get(0);
    assertEquals("vm-1", hello.getString("vm_id"));
    assertEquals("1", hello.getString("version"));
    assertEquals(new JsonArray().add("get_skill_files").add("memory_search").add("mcp_call"),
        hello.getJsonArray("capabilities"));
    assertEquals(0L, hello.getJsonObject("resume").getLong("last_downlink_seq"));
    assertEquals(List.of("header"), gateway.authentications);

    JsonArray history = new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", "Earlier"))
        .add(new JsonObject().put("role", "assistant").put("content", "Reply"));
    JsonObject message = gateway.sendUserMessage("s1", "req-1", "Hello there", history);
    gateway.awaitTerminal("req-1");

    List<JsonObject> events = gateway.events("req-1");
    assertEquals(List.of("text", "text", "text", "text", "text", "text", "text", "text", "done"),
        gateway.eventNames("req-1"));
    assertEquals(LongStream.rangeClosed(1, 9).boxed().collect(Collectors.toList()), seqs(events));
    events.forEach(event -> assertEquals("s1", event.getString("session_id")));
    assertEquals("Stand-in reply to \"Hello there\": token-1 token-2 token-3 token-4 token-5 token-6 token-7",
        gateway.text("req-1"));
    JsonObject done = gateway.terminal("req-1").getJsonObject("data");
    assertEquals("standin-1", done.getString("model"));
    assertEquals(new JsonObject().put("prompt_tokens", 4).put("completion_tokens", 8), done.getJsonObject("usage"));

    awaitTrue(() -> !gateway.framesOfType("snapshot").isEmpty(), "a snapshot");
    JsonObject usage = gateway.framesOfType("fire_and_forget").get(0);
    assertEquals("usage", usage.getString("kind"));
    assertEquals(new JsonObject().put("session_id", "s1").put("request_id", "req-1").put("model", "standin-1")
        .put("prompt_tokens", 4).put("completion_tokens", 8), usage.getJsonObject("data"));
    assertTrue(gateway.received.indexOf(usage) > gateway.received.indexOf(gateway.terminal("req-1")));
    JsonObject snapshot = gateway.framesOfType("snapshot").get(0);
    assertEquals(new JsonObject().put("last_seq", 9).put("request_id", "req-1"), snapshot.getJsonObject("checkpoint"));
    assertEquals("Hello there", snapshot.getJsonObject("short_term_memory").getString("last_message"));
    assertEquals(1, snapshot.getJsonObject("conversation_state").getInteger("turns"));
    assertEquals(new JsonArray(), snapshot.getJsonArray("file_manifest"));

    // a redelivered user_message (same downlink seq) is not answered twice
    gateway.send(message);
    gateway.sendUserMessage("s1", "req-2", "Again [[standin chunks=2]]");
    gateway.awaitTerminal("req-2");
    assertEquals(List.of(10L, 11L, 12L), seqs(gateway.events("req-2")));
    assertEquals(9, gateway.events("req-1").size());
    awaitTrue(() -> gateway.framesOfType("snapshot").size() == 2, "the second snapshot");
    assertEquals(2, gateway.framesOfType("snapshot").get(1).getJsonObject("conversation_state").getInteger("turns"));
    assertTrue(gateway.duplicates.isEmpty());
  }

  @Test
  void toolTurnAsksTheGateway() {
    gateway.responder = request -> {
      switch (request.getString("method")) {
        case "get_skill_files":
          return new JsonObject().put("ok", true).put("result", new JsonObject().put("skill", "search_docs")
              .put("files", new JsonArray().add(new JsonObject().put("path", "SKILL.md").put("content", "# Search"))));
        case "mcp_call":
          return new JsonObject().put("ok", false)
              .put("error", new JsonObject().put("code", "mcp_timeout").put("message", "too slow"));
        case "memory_search":
          return request.getJsonObject("params").getString("query").contains("forget") ? null
              : new JsonObject().put("ok", true).put("result", new JsonObject().put("memories", new JsonArray()
                  .add(new JsonObject().put("id", "m1").put("content", "likes sun").put("rank", 0.6))
                  .add(new JsonObject().put("id", "m2").put("content", "lives in Berlin").put("rank", 0.4))));
        default:
          return null;
      }
    };
    ExecutionPlane plane = startPlane(options().setRequestTimeoutMs(500));
    awaitTrue(plane::connected, "the plane to connect");

    gateway.sendUserMessage("s1", "req-1", "Use a Tool please [[standin chunks=2]]");
    gateway.awaitTerminal("req-1");

    assertEquals(List.of("plan_step", "skill_call", "skill_result", "plan_step", "mcp_call", "mcp_result",
        "plan_step", "text", "text", "done"), gateway.eventNames("req-1"));
    List<JsonObject> events = gateway.events("req-1");
    assertEquals(new JsonObject().put("step", 1).put("title", "Load the skill"), events.get(0).getJsonObject("data"));
    assertEquals(new JsonObject().put("call_id", "call-1").put("name", "search_docs")
        .put("arguments", new JsonObject().put("skill", "search_docs")), events.get(1).getJsonObject("data"));
    JsonObject skillResult = events.get(2).getJsonObject("data");
    assertEquals("call-1", skillResult.getString("call_id"));
    assertEquals("SKILL.md", skillResult.getJsonObject("output").getJsonArray("files").getJsonObject(0).getString("path"));
    assertEquals(new JsonObject().put("step", 2).put("title", "Ask the MCP server"), events.get(3).getJsonObject("data"));
    assertEquals(new JsonObject().put("call_id", "call-2").put("name", "weather.lookup")
        .put("arguments", new JsonObject().put("city", "Berlin")), events.get(4).getJsonObject("data"));
    assertEquals(new JsonObject().put("call_id", "call-2").put("name", "weather.lookup").put("output",
            new JsonObject().put("error", new JsonObject().put("code", "mcp_timeout").put("message", "too slow"))),
        events.get(5).getJsonObject("data"));
    assertEquals("Found 2 memories", events.get(6).getJsonObject("data").getString("title"));

    List<JsonObject> requests = gateway.framesOfType("request");
    assertEquals(List.of("get_skill_files", "mcp_call", "memory_search"),
        requests.stream().map(request -> request.getString("method")).collect(Collectors.toList()));
    assertEquals(new JsonObject().put("skill", "search_docs"), requests.get(0).getJsonObject("params"));
    assertEquals(new JsonObject().put("tool", "weather.lookup").put("arguments", new JsonObject().put("city", "Berlin")),
        requests.get(1).getJsonObject("params"));
    assertEquals(new JsonObject().put("query", "Use a Tool please [[standin chunks=2]]").put("limit", 3),
        requests.get(2).getJsonObject("params"));
    Set<String> ids = requests.stream().map(request -> request.getString("id")).collect(Collectors.toSet());
    assertEquals(3, ids.size());

    // a request nobody answers fails locally after the timeout
    gateway.sendUserMessage("s1", "req-2", "tools, but forget memories [[standin chunks=1]]");
    gateway.awaitTerminal("req-2");
    assertEquals("Found 0 memories", gateway.events("req-2").get(6).getJsonObject("data").getString("title"));
    assertEquals("done", gateway.terminal("req-2").getString("event"));
  }

  @Test
  void cancelStopsTheRunningTurn() {
    ExecutionPlane plane = startPlane(options());
    awaitTrue(plane::connected, "the plane to connect");
    gateway.sendUserMessage("s1", "req-1", "Long answer [[standin chunks=500 delay_ms=10]]");
    awaitTrue(() -> gateway.events("req-1").size() >= 2, "the first events");
    gateway.sendCancel("s1", "req-1");
    gateway.awaitTerminal("req-1");
    JsonObject terminal = gateway.terminal("req-1");
    assertEquals("error", terminal.getString("event"));
    assertEquals("cancelled", terminal.getJsonObject("data").getString("code"));
    int count = gateway.events("req-1").size();
    sleep(200);
    assertEquals(count, gateway.events("req-1").size(), "nothing after the cancelled error");
    assertTrue(count < 100);
  }

  @Test
  void reportsLlmFailuresAndBadDirectives() {
    ExecutionPlane plane = startPlane(options());
    awaitTrue(plane::connected, "the plane to connect");
    gateway.sendUserMessage("s1", "req-1", "Fail [[standin fail=http_500]]");
    gateway.awaitTerminal("req-1");
    assertEquals("llm_error", gateway.terminal("req-1").getJsonObject("data").getString("code"));
    gateway.sendUserMessage("s2", "req-2", "[[plane explode=yes]]");
    gateway.awaitTerminal("req-2");
    assertEquals("bad_directive", gateway.terminal("req-2").getJsonObject("data").getString("code"));
  }
}
