package io.chatgw.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The stand-in's deterministic tool calls: when it calls which tool, and how they are streamed and not. */
class StandinToolCallsTest {

  private static final String CHAT = "/v1/chat/completions";
  private static Vertx vertx;
  private static StandinLlmServer server;
  private static TestHttp http;

  @BeforeAll
  static void startServer() {
    vertx = Vertx.vertx();
    server = TestHttp.await(StandinLlmServer.start(vertx, new StandinLlmOptions().setChunkDelayMs(0)));
    http = new TestHttp(vertx, server.port());
  }

  @AfterAll
  static void stopServer() {
    TestHttp.await(server.close());
    TestHttp.await(vertx.close());
  }

  private static JsonObject tool(String name) {
    return new JsonObject().put("type", "function").put("function", new JsonObject().put("name", name)
        .put("parameters", new JsonObject().put("type", "object")
            .put("properties", new JsonObject().put("city", new JsonObject().put("type", "string"))
                .put("days", new JsonObject().put("type", "integer")))
            .put("required", new JsonArray().add("city").add("days"))));
  }

  private static JsonObject body(String message, boolean stream) {
    return TestHttp.chatBody(message, stream, false)
        .put("tools", new JsonArray().add(tool("get_weather")).add(tool("get_time")));
  }

  private static JsonObject message(TestHttp.Reply reply) {
    return reply.json().getJsonArray("choices").getJsonObject(0).getJsonObject("message");
  }

  @Test
  void aDirectiveCallsTheNamedToolsWithArgumentsFromTheirSchema() {
    TestHttp.Reply reply = http.post(CHAT, body("[[standin tool_call=get_weather,get_time]] weather?", false).encode());
    assertEquals(200, reply.status(), reply.body());
    JsonObject choice = reply.json().getJsonArray("choices").getJsonObject(0);
    assertEquals("tool_calls", choice.getString("finish_reason"));
    assertNull(choice.getJsonObject("message").getValue("content"));
    JsonArray calls = choice.getJsonObject("message").getJsonArray("tool_calls");
    assertEquals(2, calls.size());
    assertEquals("call_standin_1", calls.getJsonObject(0).getString("id"));
    assertEquals("get_time", calls.getJsonObject(1).getJsonObject("function").getString("name"));
    assertEquals("{\"city\":\"stand-in\",\"days\":0}",
        calls.getJsonObject(0).getJsonObject("function").getString("arguments"));
  }

  @Test
  void toolChoiceDecidesWithoutADirectiveAndParallelFalseKeepsOneCall() {
    assertNull(message(http.post(CHAT, body("weather?", false).encode())).getValue("tool_calls"), "auto: no call");
    assertEquals("get_weather", message(http.post(CHAT, body("weather?", false).put("tool_choice", "required").encode()))
        .getJsonArray("tool_calls").getJsonObject(0).getJsonObject("function").getString("name"));
    JsonObject forced = new JsonObject().put("type", "function").put("function", new JsonObject().put("name", "get_time"));
    assertEquals("get_time", message(http.post(CHAT, body("weather?", false).put("tool_choice", forced).encode()))
        .getJsonArray("tool_calls").getJsonObject(0).getJsonObject("function").getString("name"));
    assertNull(message(http.post(CHAT, body("[[standin tool_call=get_time]] x", false).put("tool_choice", "none")
        .encode())).getValue("tool_calls"));
    assertEquals(1, message(http.post(CHAT, body("[[standin tool_call=get_weather,get_time]] x", false)
        .put("parallel_tool_calls", false).encode())).getJsonArray("tool_calls").size());
    TestHttp.Reply unknown = http.post(CHAT, body("[[standin tool_call=nope]] x", false).encode());
    assertEquals(400, unknown.status());
  }

  @Test
  void toolCallsAreStreamedInFragmentsAsOpenAiDoes() {
    List<String> data = http.post(CHAT, body("[[standin tool_call=get_weather]] weather?", true).encode()).sseData();
    assertEquals(1 + 3 + 1 + 1, data.size(), String.join("\n", data));
    JsonObject role = delta(data.get(0));
    assertTrue(role.containsKey("content") && role.getValue("content") == null);
    JsonObject head = delta(data.get(1)).getJsonArray("tool_calls").getJsonObject(0);
    assertEquals(0, head.getInteger("index"));
    assertEquals("call_standin_1", head.getString("id"));
    assertEquals("get_weather", head.getJsonObject("function").getString("name"));
    String arguments = "";
    for (int i = 1; i <= 3; i++) {
      arguments += delta(data.get(i)).getJsonArray("tool_calls").getJsonObject(0).getJsonObject("function")
          .getString("arguments");
    }
    assertEquals("{\"city\":\"stand-in\",\"days\":0}", arguments);
    assertEquals("tool_calls", new JsonObject(data.get(4)).getJsonArray("choices").getJsonObject(0)
        .getString("finish_reason"));
    assertEquals("[DONE]", data.get(5));
  }

  @Test
  void afterToolResultsItAnswersWithTextQuotingThem() {
    JsonObject request = body("[[standin tool_call=get_weather chunks=2]] weather?", false);
    request.getJsonArray("messages")
        .add(new JsonObject().put("role", "assistant").putNull("content").put("tool_calls", new JsonArray()
            .add(new JsonObject().put("id", "c1").put("type", "function")
                .put("function", new JsonObject().put("name", "get_weather").put("arguments", "{}")))))
        .add(new JsonObject().put("role", "tool").put("tool_call_id", "c1").put("content", "12 degrees"));
    JsonObject answer = message(http.post(CHAT, request.encode()));
    assertNull(answer.getValue("tool_calls"));
    assertEquals("Stand-in reply to \"weather?\" with tool results \"12 degrees\": token-1", answer.getString("content"));
  }

  @Test
  void echoMessagesAnswersWithTheMessagesReceived() {
    JsonObject request = TestHttp.chatBody("[[standin echo_messages]] hi", false, false);
    request.getJsonArray("messages").add(new JsonObject().put("role", "assistant").put("content", "Sure"));
    JsonArray received = new JsonArray(message(http.post(CHAT, request.encode())).getString("content"));
    assertEquals(request.getJsonArray("messages"), received);
  }

  @Test
  void echoHeadersAnswersWithTheTraceContextAndShadowHeadersReceivedOnly() {
    io.vertx.core.MultiMap headers = io.vertx.core.MultiMap.caseInsensitiveMultiMap()
        .add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        .add("X-Gateway-Shadow", "true").add("X-Gateway-Shadow-Of", "r-1").add("Authorization", "Bearer secret");
    JsonObject echoed = new JsonObject(message(http.post(CHAT,
        TestHttp.chatBody("[[standin echo_headers]] hi", false, false).encode(), headers)).getString("content"));
    assertEquals(new JsonObject().put("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        .put("x-gateway-shadow", "true").put("x-gateway-shadow-of", "r-1"), echoed);
    assertEquals(new JsonObject(), new JsonObject(message(http.post(CHAT,
        TestHttp.chatBody("[[standin echo_headers]] hi", false, false).encode())).getString("content")));
  }

  private static JsonObject delta(String chunk) {
    return new JsonObject(chunk).getJsonArray("choices").getJsonObject(0).getJsonObject("delta");
  }
}
