package io.chatgw.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class StandinMcpTest {

  private static Vertx vertx;
  private static StandinLlmServer server;
  private static TestHttp http;

  @BeforeAll
  static void startServer() {
    vertx = Vertx.vertx();
    // an API key guards /v1/* only; the stand-in MCP endpoint stays open
    server = TestHttp.await(StandinLlmServer.start(vertx, new StandinLlmOptions().setApiKey("secret")));
    http = new TestHttp(vertx, server.port());
  }

  @AfterAll
  static void stopServer() {
    TestHttp.await(server.close());
    TestHttp.await(vertx.close());
  }

  @Test
  void listsTheTools() {
    JsonObject answer = rpc(request(1, "tools/list", null));
    assertEquals("2.0", answer.getString("jsonrpc"));
    assertEquals(1, answer.getInteger("id"));
    JsonArray tools = answer.getJsonObject("result").getJsonArray("tools");
    assertEquals(2, tools.size());
    assertEquals("weather.lookup", tools.getJsonObject(0).getString("name"));
    assertEquals("echo", tools.getJsonObject(1).getString("name"));
    assertEquals("object", tools.getJsonObject(0).getJsonObject("inputSchema").getString("type"));
  }

  @Test
  void weatherLookupIsDeterministic() {
    JsonObject result = rpc(call("w1", "weather.lookup", new JsonObject().put("city", "Paris"))).getJsonObject("result");
    JsonObject expected = new JsonObject().put("city", "Paris").put("condition", "sunny").put("temperature_c", 21);
    assertEquals(expected, result.getJsonObject("structuredContent"));
    assertFalse(result.getBoolean("isError"));
    JsonObject content = result.getJsonArray("content").getJsonObject(0);
    assertEquals("text", content.getString("type"));
    assertEquals(expected, new JsonObject(content.getString("text")));

    JsonObject byDefault = rpc(call("w2", "weather.lookup", null)).getJsonObject("result");
    assertEquals("Berlin", byDefault.getJsonObject("structuredContent").getString("city"));
  }

  @Test
  void echoReturnsTheArguments() {
    JsonObject arguments = new JsonObject().put("a", 1).put("nested", new JsonObject().put("b", true));
    JsonObject answer = rpc(call(7, "echo", arguments));
    assertEquals(7, answer.getInteger("id"));
    assertEquals(arguments, answer.getJsonObject("result").getJsonObject("structuredContent"));
  }

  @Test
  void reportsJsonRpcErrors() {
    assertError(rpc("{not json"), -32700);
    assertError(rpc("[]"), -32600);
    assertError(rpc(new JsonObject().put("id", 1).put("method", "tools/list").encode()), -32600);
    assertError(rpc(request(2, "resources/list", null)), -32601);
    assertError(rpc(call(3, "no.such.tool", new JsonObject())), -32602);
    assertError(rpc(request(4, "tools/call", new JsonObject().put("arguments", new JsonObject()))), -32602);
    assertError(rpc(call(5, "echo", new JsonObject().put("delay_ms", "soon"))), -32602);
    assertEquals(3, rpc(call(3, "no.such.tool", new JsonObject())).getInteger("id"));
  }

  @Test
  void delaysTheAnswerWhenAsked() throws Exception {
    long started = System.nanoTime();
    JsonObject answer = rpc(call(1, "weather.lookup", new JsonObject().put("delay_ms", 300)));
    assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) >= 300);
    assertEquals("sunny", answer.getJsonObject("result").getJsonObject("structuredContent").getString("condition"));

    CompletableFuture<TestHttp.Reply> slow = http.start(HttpMethod.POST, McpHandler.PATH,
        call(2, "echo", new JsonObject().put("delay_ms", 5_000)).encode(), MultiMap.caseInsensitiveMultiMap());
    assertThrows(TimeoutException.class, () -> slow.get(300, TimeUnit.MILLISECONDS));
    slow.cancel(true);
  }

  @Test
  void injectsFailuresWhenAsked() {
    JsonObject toolError = rpc(call(1, "echo", new JsonObject().put("fail", "tool_error"))).getJsonObject("result");
    assertTrue(toolError.getBoolean("isError"));
    TestHttp.Reply serverError = http.post(McpHandler.PATH,
        call(2, "weather.lookup", new JsonObject().put("fail", "http_500")).encode());
    assertEquals(500, serverError.status());
  }

  @Test
  void speaksEnoughMcpForClients() {
    JsonObject initialized = rpc(request(0, "initialize", new JsonObject())).getJsonObject("result");
    assertEquals(McpHandler.PROTOCOL_VERSION, initialized.getString("protocolVersion"));
    assertTrue(initialized.getJsonObject("capabilities").containsKey("tools"));
    TestHttp.Reply notification = http.post(McpHandler.PATH,
        new JsonObject().put("jsonrpc", "2.0").put("method", "notifications/initialized").encode());
    assertEquals(202, notification.status());
    assertEquals(405, http.get(McpHandler.PATH).status());
  }

  private static String request(Object id, String method, JsonObject params) {
    JsonObject request = new JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", method);
    if (params != null) {
      request.put("params", params);
    }
    return request.encode();
  }

  private static JsonObject call(Object id, String tool, JsonObject arguments) {
    JsonObject params = new JsonObject().put("name", tool);
    if (arguments != null) {
      params.put("arguments", arguments);
    }
    return new JsonObject(request(id, "tools/call", params));
  }

  private static JsonObject rpc(JsonObject body) {
    return rpc(body.encode());
  }

  private static JsonObject rpc(String body) {
    TestHttp.Reply reply = http.post(McpHandler.PATH, body);
    assertEquals(200, reply.status(), reply.body());
    assertTrue(reply.headers().get("content-type").startsWith("application/json"));
    return reply.json();
  }

  private static void assertError(JsonObject answer, int code) {
    assertEquals(code, answer.getJsonObject("error").getInteger("code"), answer.encode());
    assertFalse(answer.containsKey("result"));
  }
}
