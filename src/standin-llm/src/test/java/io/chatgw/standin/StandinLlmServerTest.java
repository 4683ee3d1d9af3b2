package io.chatgw.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class StandinLlmServerTest {

  private static final String CHAT = "/v1/chat/completions";

  private static Vertx vertx;
  private static StandinLlmServer server;
  private static TestHttp http;

  @BeforeAll
  static void startServer() {
    vertx = Vertx.vertx();
    server = TestHttp.await(StandinLlmServer.start(vertx, new StandinLlmOptions().setChunkDelayMs(1)));
    http = new TestHttp(vertx, server.port());
  }

  @AfterAll
  static void stopServer() {
    TestHttp.await(server.close());
    TestHttp.await(vertx.close());
  }

  @Test
  void streamsChunksWithoutUsageByDefault() {
    TestHttp.Reply reply = http.post(CHAT, TestHttp.chatBody("Hello there", true, false).encode());

    assertEquals(200, reply.status());
    assertEquals("true", reply.headers().get("x-standin-llm"));
    assertTrue(reply.headers().get("content-type").startsWith("text/event-stream"));
    List<String> data = reply.sseData();
    assertEquals(1 + 8 + 1, data.size(), reply.body());
    assertEquals("[DONE]", data.get(data.size() - 1));

    JsonObject first = new JsonObject(data.get(0));
    assertEquals("chat.completion.chunk", first.getString("object"));
    assertTrue(first.getString("id").startsWith("chatcmpl-standin-"));
    assertEquals(new JsonObject().put("role", "assistant").put("content", ""), delta(first));
    assertFalse(first.containsKey("usage"));

    StringBuilder content = new StringBuilder();
    for (int i = 1; i <= 8; i++) {
      JsonObject chunk = new JsonObject(data.get(i));
      assertEquals(first.getString("id"), chunk.getString("id"));
      assertEquals(first.getLong("created"), chunk.getLong("created"));
      assertEquals(i == 8 ? "stop" : null, chunk.getJsonArray("choices").getJsonObject(0).getString("finish_reason"));
      content.append(delta(chunk).getString("content"));
    }
    assertEquals("Stand-in reply to \"Hello there\": token-1 token-2 token-3 token-4 token-5 token-6 token-7",
        content.toString());
  }

  @Test
  void streamsUsageChunkWhenAsked() {
    TestHttp.Reply reply = http.post(CHAT, TestHttp.chatBody("count these four words", true, true).encode());

    List<String> data = reply.sseData();
    assertEquals(1 + 8 + 1 + 1, data.size(), reply.body());
    assertTrue(new JsonObject(data.get(0)).containsKey("usage"), "chunks carry usage:null when asked");
    JsonObject usageChunk = new JsonObject(data.get(9));
    assertEquals(new JsonArray(), usageChunk.getJsonArray("choices"));
    assertEquals(new JsonObject().put("prompt_tokens", 3 + 4).put("completion_tokens", 8).put("total_tokens", 15),
        usageChunk.getJsonObject("usage"));
    assertEquals("[DONE]", data.get(10));
  }

  @Test
  void answersWithoutStreamingWithTheSameContent() {
    String message = "Same answer, streamed or not?";
    TestHttp.Reply plain = http.post(CHAT, TestHttp.chatBody(message, false, false).encode());
    TestHttp.Reply streamed = http.post(CHAT, TestHttp.chatBody(message, true, false).encode());

    assertEquals(200, plain.status());
    JsonObject completion = plain.json();
    assertEquals("chat.completion", completion.getString("object"));
    JsonObject choice = completion.getJsonArray("choices").getJsonObject(0);
    assertEquals("assistant", choice.getJsonObject("message").getString("role"));
    assertEquals("stop", choice.getString("finish_reason"));
    assertEquals(new JsonObject().put("prompt_tokens", 3 + 5).put("completion_tokens", 8).put("total_tokens", 16),
        completion.getJsonObject("usage"));
    assertEquals(streamedContent(streamed), choice.getJsonObject("message").getString("content"));
  }

  @Test
  void answerIsDeterministic() {
    String body = TestHttp.chatBody("determinism check [[standin chunks=5]]", false, false).encode();
    String first = http.post(CHAT, body).json().getJsonArray("choices").getJsonObject(0)
        .getJsonObject("message").getString("content");
    String second = http.post(CHAT, body).json().getJsonArray("choices").getJsonObject(0)
        .getJsonObject("message").getString("content");
    assertEquals("Stand-in reply to \"determinism check\": token-1 token-2 token-3 token-4", first);
    assertEquals(first, second);
  }

  @Test
  void directiveSetsChunksAndIsNotEchoed() {
    TestHttp.Reply reply = http.post(CHAT,
        TestHttp.chatBody("[[standin chunks=3 delay_ms=0]] short please", true, false).encode());

    assertEquals(1 + 3 + 1, reply.sseData().size());
    assertEquals("Stand-in reply to \"short please\": token-1 token-2", streamedContent(reply));
  }

  @Test
  void headersSetKnobsAndDirectiveOverridesThem() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("x-standin-chunks", "2").add("x-standin-delay-ms", "0");
    assertEquals(1 + 2 + 1, http.post(CHAT, TestHttp.chatBody("hi", true, false).encode(), headers).sseData().size());
    assertEquals(1 + 4 + 1,
        http.post(CHAT, TestHttp.chatBody("hi [[standin chunks=4]]", true, false).encode(), headers).sseData().size());
  }

  @Test
  void respectsBackpressureOfASlowClient() throws Exception {
    int chunks = 20_000;
    TestHttp.Reply reply = http.start(HttpMethod.POST, CHAT,
        TestHttp.chatBody("[[standin chunks=" + chunks + " delay_ms=0]] many", true, true).encode(),
        MultiMap.caseInsensitiveMultiMap(), 300).get(30, TimeUnit.SECONDS);

    assertNull(reply.error());
    List<String> data = reply.sseData();
    assertEquals(1 + chunks + 1 + 1, data.size());
    assertEquals(" token-" + (chunks - 1), delta(new JsonObject(data.get(chunks))).getString("content"));
    assertEquals("[DONE]", data.get(data.size() - 1));
  }

  @Test
  void badDirectiveIsRejected() {
    TestHttp.Reply reply = http.post(CHAT, TestHttp.chatBody("[[standin chunks=lots]]", true, false).encode());
    assertEquals(400, reply.status());
    assertEquals("invalid_standin_directive", reply.json().getJsonObject("error").getString("code"));
  }

  @Test
  void firstByteDelayHoldsTheHeaders() {
    long started = System.nanoTime();
    TestHttp.Reply reply = http.post(CHAT,
        TestHttp.chatBody("[[standin first_byte_delay_ms=300 delay_ms=0]] wait", false, false).encode());
    assertEquals(200, reply.status());
    assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) >= 300);
  }

  @Test
  void rejectsInvalidRequestsInOpenAiShape() {
    assertInvalid(http.post(CHAT, "{not json"), null);
    assertInvalid(http.post(CHAT, "[]"), null);
    assertInvalid(http.post(CHAT, new JsonObject().put("messages", new JsonArray()).encode()), "messages");
    assertInvalid(http.post(CHAT, new JsonObject().put("model", "x").encode()), "messages");
    assertInvalid(http.post(CHAT, new JsonObject().put("messages", new JsonArray()
        .add(new JsonObject().put("content", "no role"))).encode()), "messages[0].role");
    assertInvalid(http.post(CHAT, new JsonObject().put("messages", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", 42))).encode()), "messages[0].content");
    assertInvalid(http.post(CHAT, new JsonObject().put("stream", "yes").put("messages", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", "hi"))).encode()), "stream");
  }

  @Test
  void injectsHttpErrors() {
    long injectedBefore = server.stats().injectedFailures();
    TestHttp.Reply serverError = http.post(CHAT, TestHttp.chatBody("[[standin fail=http_500]]", true, false).encode());
    assertEquals(500, serverError.status());
    assertEquals("server_error", serverError.json().getJsonObject("error").getString("type"));

    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("x-standin-fail", "http_429");
    TestHttp.Reply rateLimited = http.post(CHAT, TestHttp.chatBody("hi", true, false).encode(), headers);
    assertEquals(429, rateLimited.status());
    assertEquals("rate_limit_exceeded", rateLimited.json().getJsonObject("error").getString("code"));
    assertEquals("true", rateLimited.headers().get("x-standin-llm"));
    assertTrue(server.stats().injectedFailures() >= injectedBefore + 2);
  }

  @Test
  void breaksTheStreamMidway() {
    TestHttp.Reply reply = http.post(CHAT,
        TestHttp.chatBody("[[standin fail=mid_stream_after_2]] break", true, true).encode());

    assertEquals(200, reply.status());
    assertNotNull(reply.error(), "the connection should break");
    List<String> data = reply.sseData();
    assertEquals(1 + 2, data.size(), reply.body());
    assertFalse(reply.body().contains("[DONE]"));
  }

  @Test
  void hangsWhenAsked() throws Exception {
    CompletableFuture<TestHttp.Reply> reply = http.start(HttpMethod.POST, CHAT,
        TestHttp.chatBody("[[standin fail=hang]]", true, false).encode(), MultiMap.caseInsensitiveMultiMap());
    assertThrows(TimeoutException.class, () -> reply.get(300, TimeUnit.MILLISECONDS));
    reply.cancel(true);
  }

  @Test
  void countsRequests() {
    StandinLlmStats before = server.stats();
    http.post(CHAT, TestHttp.chatBody("one", true, false).encode());
    http.post(CHAT, TestHttp.chatBody("two", false, false).encode());
    StandinLlmStats after = server.stats();
    assertTrue(after.chatRequests() >= before.chatRequests() + 2);
    assertTrue(after.streamedResponses() >= before.streamedResponses() + 1);
  }

  @Test
  void listsModelsAndReportsHealth() {
    JsonObject models = http.get("/v1/models").json();
    assertEquals("list", models.getString("object"));
    assertEquals(new JsonObject().put("id", "standin-1").put("object", "model").put("owned_by", "standin"),
        models.getJsonArray("data").getJsonObject(0));
    TestHttp.Reply health = http.get("/health");
    assertEquals(200, health.status());
    assertEquals(new JsonObject().put("status", "UP"), health.json());
    assertEquals(404, http.get("/nope").status());
    assertEquals(405, http.get(CHAT).status());
  }

  @Test
  void requiresTheApiKeyWhenConfigured() {
    StandinLlmServer secured = TestHttp.await(StandinLlmServer.start(vertx,
        new StandinLlmOptions().setApiKey("sk-test").setChunkDelayMs(0)));
    try {
      TestHttp securedHttp = new TestHttp(vertx, secured.port());
      String body = TestHttp.chatBody("hi", false, false).encode();

      TestHttp.Reply missing = securedHttp.post(CHAT, body);
      assertEquals(401, missing.status());
      JsonObject error = missing.json().getJsonObject("error");
      assertEquals("invalid_request_error", error.getString("type"));
      assertEquals("invalid_api_key", error.getString("code"));
      assertTrue(error.containsKey("param"));

      MultiMap wrongKey = MultiMap.caseInsensitiveMultiMap().add("authorization", "Bearer nope");
      assertEquals(401, securedHttp.post(CHAT, body, wrongKey).status());
      MultiMap rightKey = MultiMap.caseInsensitiveMultiMap().add("authorization", "Bearer sk-test");
      assertEquals(200, securedHttp.post(CHAT, body, rightKey).status());
      assertEquals(200, securedHttp.get("/health").status(), "health needs no key");
    } finally {
      TestHttp.await(secured.close());
    }
  }

  @Test
  void closeEndsHangingConnections() throws Exception {
    StandinLlmServer other = TestHttp.await(StandinLlmServer.start(vertx, new StandinLlmOptions()));
    CompletableFuture<TestHttp.Reply> reply = new TestHttp(vertx, other.port()).start(HttpMethod.POST, CHAT,
        TestHttp.chatBody("[[standin fail=hang]]", true, false).encode(), MultiMap.caseInsensitiveMultiMap());
    Thread.sleep(200);
    TestHttp.await(other.close());
    TestHttp.Reply closed = reply.get(5, TimeUnit.SECONDS);
    assertNotNull(closed.error());
  }

  private static void assertInvalid(TestHttp.Reply reply, String param) {
    assertEquals(400, reply.status(), reply.body());
    JsonObject error = reply.json().getJsonObject("error");
    assertEquals("invalid_request_error", error.getString("type"));
    assertNotNull(error.getString("message"));
    assertTrue(error.containsKey("code"));
    if (param == null) {
      assertNull(error.getValue("param"));
    } else {
      assertEquals(param, error.getString("param"));
    }
  }

  private static JsonObject delta(JsonObject chunk) {
    return chunk.getJsonArray("choices").getJsonObject(0).getJsonObject("delta");
  }

  private static String streamedContent(TestHttp.Reply reply) {
    StringBuilder content = new StringBuilder();
    for (String data : reply.sseData()) {
      if (!data.equals("[DONE]")) {
        JsonArray choices = new JsonObject(data).getJsonArray("choices");
        if (!choices.isEmpty()) {
          content.append(choices.getJsonObject(0).getJsonObject("delta").getString("content"));
        }
      }
    }
    return content.toString();
  }
}
