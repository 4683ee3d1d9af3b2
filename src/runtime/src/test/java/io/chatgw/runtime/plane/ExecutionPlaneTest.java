package io.chatgw.runtime.plane;

import static io.chatgw.runtime.plane.FakeGateway.await;
import static io.chatgw.runtime.plane.FakeGateway.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatgw.standin.StandinLlmOptions;
import io.chatgw.standin.StandinLlmServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutionPlaneTest {

  private static Vertx vertx;
  private static StandinLlmServer llm;

  @TempDir
  Path dataDir;
  private FakeGateway gateway;
  private final List<ExecutionPlane> planes = new ArrayList<>();

  @BeforeAll
  static void startLlm() {
    vertx = Vertx.vertx();
    llm = await(StandinLlmServer.start(vertx, new StandinLlmOptions().setChunkDelayMs(1)));
  }

  @AfterAll
  static void stopLlm() {
    await(llm.close());
    await(vertx.close());
  }

  @BeforeEach
  void startGateway() {
    gateway = new FakeGateway(vertx).start();
  }

  @AfterEach
  void stopAll() {
    planes.forEach(plane -> await(plane.close()));
    gateway.stop();
  }

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
  void resendsUnacknowledgedEventsAfterAReconnect() {
    gateway.ackUpTo = 3;
    gateway.loseAbove = 5;
    ExecutionPlane plane = startPlane(options());
    awaitTrue(plane::connected, "the plane to connect");

    gateway.sendUserMessage("s1", "req-1", "Resend me [[standin chunks=6]]");
    awaitTrue(() -> gateway.lost.stream().anyMatch(event -> "done".equals(event.getString("event"))),
        "the done event (lost in flight)");
    assertEquals(5, gateway.accepted.size());
    gateway.loseAbove = Long.MAX_VALUE;
    gateway.ackUpTo = Long.MAX_VALUE;
    gateway.dropAbruptly();

    awaitTrue(() -> gateway.hellos.size() == 2, "a second hello");
    JsonObject resume = gateway.hellos.get(1).getJsonObject("resume");
    assertEquals(1L, resume.getLong("last_downlink_seq"));
    assertEquals(new JsonObject().put("s1", 3), resume.getJsonObject("sessions"));

    gateway.awaitTerminal("req-1");
    assertEquals(LongStream.rangeClosed(1, 7).boxed().collect(Collectors.toList()), seqs(gateway.events("req-1")));
    assertEquals("Stand-in reply to \"Resend me\": token-1 token-2 token-3 token-4 token-5", gateway.text("req-1"));
    assertTrue(gateway.duplicates.isEmpty(), "only the events after welcome.last_seq are resent");
    awaitTrue(() -> !gateway.framesOfType("snapshot").isEmpty(), "the snapshot after the resent done");
  }

  @Test
  void aResponseRedeliveredAfterAReconnectCompletesTheRequest() {
    ExecutionPlane plane = startPlane(options());
    awaitTrue(plane::connected, "the plane to connect");
    gateway.sendUserMessage("s1", "req-1", "tool time [[standin chunks=1]]");
    awaitTrue(() -> gateway.framesOfType("request").size() == 1, "the get_skill_files request");
    JsonObject request = gateway.framesOfType("request").get(0);
    gateway.dropAbruptly();
    awaitTrue(() -> gateway.hellos.size() == 2 && plane.connected(), "the reconnect");

    gateway.responder = other -> new JsonObject().put("ok", true).put("result", new JsonObject());
    gateway.send(new JsonObject().put("type", "response").put("id", request.getString("id")).put("ok", true)
        .put("result", new JsonObject().put("skill", "search_docs").put("files", new JsonArray())));
    gateway.awaitTerminal("req-1");
    JsonObject skillResult = gateway.events("req-1").get(2);
    assertEquals("skill_result", skillResult.getString("event"));
    assertEquals(new JsonObject().put("skill", "search_docs").put("files", new JsonArray()),
        skillResult.getJsonObject("data").getJsonObject("output"));
    assertEquals("done", gateway.terminal("req-1").getString("event"));
  }

  @Test
  void crashAfterDirectiveDropsTheConnectionAndTheTurnGoesOn() {
    ExecutionPlane plane = startPlane(options());
    awaitTrue(plane::connected, "the plane to connect");

    gateway.sendUserMessage("s1", "req-1", "Blip [[plane crash_after=3]] [[standin chunks=6 delay_ms=20]]");
    gateway.awaitTerminal("req-1");

    assertEquals("none", gateway.closes.get(0), "dropped without a close frame");
    assertEquals(2, gateway.hellos.size());
    assertEquals(LongStream.rangeClosed(1, 7).boxed().collect(Collectors.toList()), seqs(gateway.events("req-1")));
    assertEquals("done", gateway.terminal("req-1").getString("event"));
    assertEquals("Stand-in reply to \"Blip\": token-1 token-2 token-3 token-4 token-5", gateway.text("req-1"));
    assertTrue(plane.connected());
  }

  @Test
  void crashedPlaneRestartsFromItsDataDir() throws Exception {
    gateway.ackUpTo = 5;
    ExecutionPlane first = startPlane(options());
    awaitTrue(first::connected, "the first plane to connect");
    gateway.sendUserMessage("s1", "req-1", "First turn");
    gateway.awaitTerminal("req-1");
    Path stateFile = dataDir.resolve(StateStore.FILE_NAME);
    awaitTrue(() -> sessionState(stateFile).getLong("acked_seq") == 5, "ack 5 in the state file");
    JsonObject stored = sessionState(stateFile);
    assertEquals(9L, stored.getLong("last_seq"));
    assertEquals(List.of(6L, 7L, 8L, 9L), seqs(stored.getJsonArray("unacked").stream()
        .map(JsonObject.class::cast).collect(Collectors.toList())));

    await(first.crash());
    assertFalse(first.connected());
    awaitTrue(() -> gateway.closes.size() == 1, "the gateway to notice");
    assertEquals("none", gateway.closes.get(0), "a crash sends no close frame");

    ExecutionPlane second = startPlane(options());
    awaitTrue(second::connected, "the second plane to connect");
    JsonObject resume = gateway.hellos.get(1).getJsonObject("resume");
    assertEquals(1L, resume.getLong("last_downlink_seq"));
    assertEquals(new JsonObject().put("s1", 5), resume.getJsonObject("sessions"));

    gateway.sendUserMessage("s1", "req-2", "Second turn [[standin chunks=2]]");
    gateway.awaitTerminal("req-2");
    assertEquals(List.of(10L, 11L, 12L), seqs(gateway.events("req-2")));
    assertTrue(gateway.duplicates.isEmpty());
  }

  @Test
  void exitAfterDirectiveStopsThePlaneAndTheNextOneReportsTheLostTurn() {
    ExecutionPlane first = startPlane(options());
    awaitTrue(first::connected, "the first plane to connect");
    gateway.sendUserMessage("s1", "req-1", "Exit [[plane exit_after=3]] [[standin chunks=6 delay_ms=30]]");
    await(first.terminated());
    assertFalse(first.connected());
    awaitTrue(() -> gateway.closes.size() == 1, "the gateway to notice");
    assertEquals("none", gateway.closes.get(0));
    assertTrue(gateway.accepted.size() >= 3);
    assertEquals(null, gateway.terminal("req-1"));

    ExecutionPlane second = startPlane(options());
    awaitTrue(second::connected, "the second plane to connect");
    gateway.awaitTerminal("req-1");
    JsonObject terminal = gateway.terminal("req-1");
    assertEquals("error", terminal.getString("event"));
    assertEquals("plane_restarted", terminal.getJsonObject("data").getString("code"));
    List<Long> seqs = seqs(gateway.events("req-1"));
    assertEquals(LongStream.rangeClosed(1, seqs.size()).boxed().collect(Collectors.toList()), seqs);
    assertTrue(gateway.duplicates.isEmpty());
  }

  @Test
  void answersPingsUntilToldToIgnoreThem() {
    ExecutionPlane plane = startPlane(options());
    awaitTrue(plane::connected, "the plane to connect");
    gateway.ping(1732240000000L);
    awaitTrue(() -> !gateway.framesOfType("pong").isEmpty(), "a pong");
    assertEquals(new JsonObject().put("type", "pong").put("ts", 1732240000000L), gateway.framesOfType("pong").get(0));

    gateway.sendUserMessage("s1", "req-1", "[[plane ignore_pings=true]] quiet now [[standin chunks=1]]");
    gateway.awaitTerminal("req-1");
    assertEquals("Stand-in reply to \"quiet now\":", gateway.text("req-1"));
    gateway.ping(2);
    sleep(300);
    assertEquals(1, gateway.framesOfType("pong").size());
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

  @Test
  void retriesRejectedConnectionsAndCanSendTheTokenInTheQuery() {
    gateway.rejectAll = true;
    ExecutionPlane plane = startPlane(options().setTokenInQuery(true).setToken("expired-token"));
    awaitTrue(() -> gateway.closes.size() >= 2, "two rejected attempts");
    assertFalse(plane.connected());
    gateway.rejectAll = false;
    plane.updateToken(FakeGateway.TOKEN);
    awaitTrue(plane::connected, "the plane to connect once accepted");
    assertEquals("query", gateway.authentications.get(gateway.authentications.size() - 1));
    assertTrue(gateway.authentications.contains("none"));
  }

  @Test
  void reconnectsWithTheNewestTokenTheGatewayHandedOut() {
    gateway.welcomeToken = "fresh-from-welcome";
    ExecutionPlane plane = startPlane(options());
    awaitTrue(plane::connected, "connected with the launch token");

    gateway.validToken = "fresh-from-welcome"; // the launch token has expired meanwhile
    int connections = gateway.authentications.size();
    gateway.dropAbruptly();
    awaitTrue(() -> gateway.authentications.size() > connections && plane.connected(), "reconnected with the welcome's token");
    assertEquals("header", gateway.authentications.get(gateway.authentications.size() - 1));

    gateway.send(new JsonObject().put("type", "token").put("token", "fresh-from-token-frame"));
    gateway.validToken = "fresh-from-token-frame";
    gateway.welcomeToken = null;
    sleep(200);
    int before = gateway.authentications.size();
    gateway.dropAbruptly();
    awaitTrue(() -> gateway.authentications.size() > before && plane.connected(), "reconnected with the token frame's token");
    assertFalse(gateway.authentications.contains("none"), "no attempt with an old token");
  }

  private PlaneOptions options() {
    return new PlaneOptions()
        .setGatewayUrl(gateway.url())
        .setToken(FakeGateway.TOKEN)
        .setVmId("vm-1")
        .setDataDir(dataDir.toString())
        .setLlmBaseUrl(llm.baseUrl())
        .setBackoffBaseMs(50)
        .setBackoffCapMs(200);
  }

  private ExecutionPlane startPlane(PlaneOptions options) {
    ExecutionPlane plane = await(ExecutionPlane.start(vertx, options));
    planes.add(plane);
    return plane;
  }

  private static JsonObject sessionState(Path stateFile) {
    try {
      return new JsonObject(Files.readString(stateFile)).getJsonObject("sessions").getJsonObject("s1");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static List<Long> seqs(List<JsonObject> events) {
    return events.stream().map(event -> event.getLong("seq")).collect(Collectors.toList());
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
