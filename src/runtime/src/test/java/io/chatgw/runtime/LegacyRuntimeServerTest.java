package io.chatgw.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatgw.standin.StandinLlmOptions;
import io.chatgw.standin.StandinLlmServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LegacyRuntimeServerTest {

  private static Vertx vertx;
  private static StandinLlmServer llm;
  private static LegacyRuntimeServer runtime;
  private static RuntimeTestClient client;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    llm = RuntimeTestClient.await(StandinLlmServer.start(vertx, new StandinLlmOptions().setChunkDelayMs(2)));
    runtime = RuntimeTestClient.await(LegacyRuntimeServer.start(vertx,
        new RuntimeOptions().setLlmBaseUrl(llm.baseUrl())));
    client = new RuntimeTestClient(vertx, runtime.port());
  }

  @AfterAll
  static void stop() {
    RuntimeTestClient.await(runtime.close());
    RuntimeTestClient.await(llm.close());
    RuntimeTestClient.await(vertx.close());
  }

  @Test
  void theLlmCallContinuesTheGatewaysTraceWithASpanOfTheRuntimesOwnAndCarriesTheShadowMarker() {
    String gateway = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    RuntimeTestClient.Call call = client.execute(RuntimeTestClient.executeBody("[[standin echo_headers]] hi").encode(),
        java.util.Map.of("traceparent", gateway, "X-Gateway-Shadow", "true",
            "X-Gateway-Shadow-Of", "5f0c1d2e-0000-4000-8000-000000000001"));
    assertNull(call.awaitFinished());
    JsonObject seen = new JsonObject(call.tokens());
    String span = seen.getString("traceparent");
    assertTrue(span.matches("00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01"), span);
    assertFalse(span.equals(gateway), "the runtime's own span, a child of the gateway's");
    assertEquals("true", seen.getString("x-gateway-shadow"));
    assertEquals("5f0c1d2e-0000-4000-8000-000000000001", seen.getString("x-gateway-shadow-of"));

    RuntimeTestClient.Call plain = client.execute(RuntimeTestClient.executeBody("[[standin echo_headers]] hi"));
    assertNull(plain.awaitFinished());
    assertEquals(new JsonObject(), new JsonObject(plain.tokens()), "no trace, no shadow: nothing of either");
  }

  @Test
  void streamsAPlainAnswer() {
    RuntimeTestClient.Call call = client.execute(RuntimeTestClient.executeBody("Hello runtime"));

    RuntimeTestClient.Head head = call.awaitHead();
    assertEquals(200, head.status());
    assertTrue(head.headers().get("content-type").startsWith("text/event-stream"));
    assertNull(call.awaitFinished());
    List<String> names = call.eventNames();
    assertEquals("run_started", names.get(0));
    assertEquals(List.of("token"), names.subList(1, 9).stream().distinct().toList());
    assertEquals(List.of("run_started", "token", "token", "token", "token", "token", "token", "token", "token",
        "run_finished"), names);
    JsonObject started = call.events.get(0).data();
    assertTrue(started.getString("run_id").startsWith("run-"));
    assertEquals("standin-1", started.getString("model"));
    assertEquals("Stand-in reply to \"Hello runtime\": token-1 token-2 token-3 token-4 token-5 token-6 token-7",
        call.tokens());
    assertEquals(new JsonObject().put("model", "standin-1").put("finish_reason", "stop")
            .put("usage", new JsonObject().put("input_tokens", 2).put("output_tokens", 8)),
        call.last().data());
    assertTrue(call.body.toString().startsWith("event: run_started\ndata: {"));
  }

  @Test
  void passesHistoryAndStandinDirectivesToTheLlm() {
    JsonObject body = RuntimeTestClient.executeBody("Short [[standin chunks=3]]")
        .put("history", new JsonArray()
            .add(new JsonObject().put("role", "user").put("content", "earlier question"))
            .add(new JsonObject().put("role", "assistant").put("content", "earlier answer")));
    RuntimeTestClient.Call call = client.execute(body);

    assertNull(call.awaitFinished());
    assertEquals("Stand-in reply to \"Short\": token-1 token-2", call.tokens());
    JsonObject usage = call.last().data().getJsonObject("usage");
    assertEquals(2 + 2 + 3, usage.getInteger("input_tokens"), "history + message words, directive included");
    assertEquals(3, usage.getInteger("output_tokens"));
  }

  @Test
  void runsTheToolDemoBeforeTheLlm() {
    RuntimeTestClient.Call call = client.execute(RuntimeTestClient.executeBody("Use a TOOL please [[standin chunks=2]]"));

    assertNull(call.awaitFinished());
    assertEquals(List.of("run_started", "plan", "tool_call", "tool_output", "plan", "tool_call", "tool_output",
        "token", "token", "run_finished"), call.eventNames());
    assertEquals(new JsonObject().put("step", 1).put("title", "Look up the relevant skill"), call.events.get(1).data());
    JsonObject skillCall = call.events.get(2).data();
    assertEquals("skill", skillCall.getString("kind"));
    assertEquals("search_docs", skillCall.getString("name"));
    assertEquals(new JsonObject().put("query", "Use a TOOL please [[standin chunks=2]]"),
        skillCall.getJsonObject("arguments"));
    JsonObject skillOutput = call.events.get(3).data();
    assertEquals(skillCall.getString("call_id"), skillOutput.getString("call_id"));
    assertTrue(skillOutput.getJsonObject("output").containsKey("results"));
    assertEquals(new JsonObject().put("step", 2).put("title", "Ask the MCP server"), call.events.get(4).data());
    JsonObject mcpCall = call.events.get(5).data();
    assertEquals("mcp", mcpCall.getString("kind"));
    assertEquals("weather.lookup", mcpCall.getString("name"));
    assertEquals(mcpCall.getString("call_id"), call.events.get(6).data().getString("call_id"));
    assertFalse(skillCall.getString("call_id").equals(mcpCall.getString("call_id")));
  }

  @Test
  void injectsHttp503() {
    RuntimeTestClient.Call call = client.execute(RuntimeTestClient.executeBody("hi [[runtime fail=http_503]]"));
    assertEquals(503, call.awaitHead().status());
    assertNull(call.awaitFinished());
    assertEquals("unavailable", new JsonObject(call.body).getJsonObject("error").getString("code"));
  }

  @Test
  void delaysTheFirstEventButNotTheHeaders() {
    RuntimeTestClient.Call call = client.execute(
        RuntimeTestClient.executeBody("hi [[runtime first_event_delay_ms=400]] [[standin delay_ms=0]]"));

    RuntimeTestClient.Head head = call.awaitHead();
    assertEquals(200, head.status());
    assertNull(call.awaitFinished());
    long firstEventAfterHeadMs = TimeUnit.NANOSECONDS.toMillis(call.events.get(0).atNanos() - head.atNanos());
    assertTrue(firstEventAfterHeadMs >= 350, "first event " + firstEventAfterHeadMs + " ms after the head");
    assertEquals("Stand-in reply to \"hi\":", call.tokens().substring(0, "Stand-in reply to \"hi\":".length()),
        "the runtime directive does not reach the LLM");
    assertEquals("run_finished", call.last().name());
  }

  @Test
  void stallsAfterNEventsAndKeepsTheConnectionOpen() throws Exception {
    RuntimeTestClient.Call call = client.execute(RuntimeTestClient.executeBody("tool time [[runtime stall_after=3]]"));

    assertEquals(200, call.awaitHead().status());
    assertThrows(TimeoutException.class, () -> call.finished.get(500, TimeUnit.MILLISECONDS));
    assertEquals(List.of("run_started", "plan", "tool_call"), call.eventNames());
    client.disconnect(call);
  }

  @Test
  void hangsWithoutHeaders() {
    RuntimeTestClient.Call call = client.execute(RuntimeTestClient.executeBody("hi [[runtime hang]]"));
    assertThrows(TimeoutException.class, () -> call.head.get(400, TimeUnit.MILLISECONDS));
    client.disconnect(call);
  }

  @Test
  void rejectsBadRequests() {
    assertBadRequest("{not json");
    assertBadRequest("[]");
    assertBadRequest(RuntimeTestClient.executeBody("hi").put("session_id", " ").encode());
    assertBadRequest(RuntimeTestClient.executeBody("hi").putNull("user_id").encode());
    assertBadRequest(RuntimeTestClient.executeBody("").encode());
    assertBadRequest(RuntimeTestClient.executeBody("hi").put("history", "nope").encode());
    assertBadRequest(RuntimeTestClient.executeBody("hi").put("history",
        new JsonArray().add(new JsonObject().put("role", "user"))).encode());
    assertBadRequest(RuntimeTestClient.executeBody("hi [[runtime stall_after=soon]]").encode());
  }

  @Test
  void reportsLlmErrorStatusAsRunFailed() {
    RuntimeTestClient.Call call = client.execute(RuntimeTestClient.executeBody("hi [[standin fail=http_500]]"));

    assertEquals(200, call.awaitHead().status());
    assertNull(call.awaitFinished());
    assertEquals(List.of("run_started", "run_failed"), call.eventNames());
    JsonObject failed = call.last().data();
    assertEquals("llm_error", failed.getString("code"));
    assertTrue(failed.getString("message").contains("500"), failed.getString("message"));
  }

  @Test
  void reportsABrokenLlmStreamAsRunFailed() {
    RuntimeTestClient.Call call = client.execute(
        RuntimeTestClient.executeBody("hi [[standin fail=mid_stream_after_2]]"));

    assertNull(call.awaitFinished());
    assertEquals(List.of("run_started", "token", "token", "run_failed"), call.eventNames());
    assertEquals("llm_error", call.last().data().getString("code"));
  }

  @Test
  void reportsAnUnreachableLlmAsRunFailed() throws Exception {
    HttpServer placeholder = RuntimeTestClient.await(vertx.createHttpServer().requestHandler(r -> { }).listen(0));
    int closedPort = placeholder.actualPort();
    RuntimeTestClient.await(placeholder.close());
    LegacyRuntimeServer orphan = RuntimeTestClient.await(LegacyRuntimeServer.start(vertx,
        new RuntimeOptions().setLlmBaseUrl("http://127.0.0.1:" + closedPort)));
    try {
      RuntimeTestClient.Call call = new RuntimeTestClient(vertx, orphan.port())
          .execute(RuntimeTestClient.executeBody("anyone there?"));
      assertNull(call.awaitFinished());
      assertEquals(List.of("run_started", "run_failed"), call.eventNames());
      assertEquals("llm_error", call.last().data().getString("code"));
    } finally {
      RuntimeTestClient.await(orphan.close());
    }
  }

  @Test
  void cancelsTheLlmRequestWhenTheClientGoesAway() throws Exception {
    CompletableFuture<Void> llmRequestArrived = new CompletableFuture<>();
    CompletableFuture<Void> llmConnectionClosed = new CompletableFuture<>();
    HttpServer hangingLlm = RuntimeTestClient.await(vertx.createHttpServer().requestHandler(request -> {
      request.connection().closeHandler(ignored -> llmConnectionClosed.complete(null));
      request.response().setChunked(true).putHeader("content-type", "text/event-stream").write(": open\n\n");
      llmRequestArrived.complete(null);
    }).listen(0));
    LegacyRuntimeServer cancelling = RuntimeTestClient.await(LegacyRuntimeServer.start(vertx,
        new RuntimeOptions().setLlmBaseUrl("http://127.0.0.1:" + hangingLlm.actualPort())));
    try {
      RuntimeTestClient testClient = new RuntimeTestClient(vertx, cancelling.port());
      RuntimeTestClient.Call call = testClient.execute(RuntimeTestClient.executeBody("hello?"));
      llmRequestArrived.get(10, TimeUnit.SECONDS);
      assertEquals(200, call.awaitHead().status());
      testClient.disconnect(call);
      llmConnectionClosed.get(10, TimeUnit.SECONDS);
    } finally {
      RuntimeTestClient.await(cancelling.close());
      RuntimeTestClient.await(hangingLlm.close());
    }
  }

  @Test
  void streamsEverythingToASlowClient() throws Exception {
    // ~8 MB of events to a client that reads nothing for a second through a small receive window:
    // more than the kernel buffers hold, so the runtime must wait for drain and pause the LLM.
    int deltas = 4_000;
    String piece = "x".repeat(2_000);
    HttpServer bulkLlm = RuntimeTestClient.await(vertx.createHttpServer().requestHandler(request -> {
      Buffer stream = Buffer.buffer();
      for (int i = 0; i < deltas; i++) {
        stream.appendString("data: " + new JsonObject().put("choices", new JsonArray().add(new JsonObject()
            .put("index", 0).put("delta", new JsonObject().put("content", i + ":" + piece + ";")))).encode() + "\n\n");
      }
      stream.appendString("data: [DONE]\n\n");
      request.response().putHeader("content-type", "text/event-stream").end(stream);
    }).listen(0));
    LegacyRuntimeServer bulkRuntime = RuntimeTestClient.await(LegacyRuntimeServer.start(vertx,
        new RuntimeOptions().setLlmBaseUrl("http://127.0.0.1:" + bulkLlm.actualPort())));
    try {
      RuntimeTestClient slowClient = new RuntimeTestClient(vertx, bulkRuntime.port(),
          new HttpClientOptions().setReceiveBufferSize(4096));
      RuntimeTestClient.Call call = slowClient.execute(RuntimeTestClient.executeBody("bulk").encode(), 1_000);

      assertNull(call.awaitFinished());
      assertEquals(1 + deltas + 1, call.events.size());
      for (int i = 0; i < deltas; i++) {
        assertEquals(i + ":" + piece + ";", call.events.get(1 + i).data().getString("text"));
      }
      assertEquals("run_finished", call.last().name());
    } finally {
      RuntimeTestClient.await(bulkRuntime.close());
      RuntimeTestClient.await(bulkLlm.close());
    }
  }

  @Test
  void answersHealthAndUnknownRoutes() {
    assertEquals(200, RuntimeTestClient.await(client.get("/health")));
    assertEquals(404, RuntimeTestClient.await(client.get("/nope")));
    assertEquals(405, RuntimeTestClient.await(client.get(LegacyRuntimeVerticle.EXECUTE_PATH)));
    assertTrue(runtime.baseUrl().startsWith("http://127.0.0.1:"));
  }

  private static void assertBadRequest(String body) {
    RuntimeTestClient.Call call = client.execute(body);
    assertEquals(400, call.awaitHead().status(), body);
    assertNull(call.awaitFinished());
    JsonObject error = new JsonObject(call.body).getJsonObject("error");
    assertEquals("bad_request", error.getString("code"));
    assertFalse(error.getString("message").isBlank());
  }
}
