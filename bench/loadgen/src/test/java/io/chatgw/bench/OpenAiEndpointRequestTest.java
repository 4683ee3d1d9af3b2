package io.chatgw.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One streamed request of an OpenAI-endpoint cell against a server answering the way this gateway does (typed
 * Responses events written as {@code event:type}, chat chunks, {@code x-gateway-path}): content counted, the end
 * recognised, the answering path read from the header and checked against {@code expectPath}.
 */
class OpenAiEndpointRequestTest {

  private Vertx vertx;
  private HttpServer server;
  private String path = "direct_llm";

  private static String frame(String type, String data) {
    return "event:" + type + "\ndata:" + data + "\n\n";
  }

  @BeforeEach
  void startServer() throws Exception {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      boolean responses = req.path().equals("/v1/responses");
      req.response().setChunked(true).putHeader("Content-Type", "text/event-stream").putHeader("x-gateway-path", path);
      if (responses) {
        req.response().write(frame("response.created", "{\"type\":\"response.created\",\"response\":{}}"));
        for (int i = 0; i < 3; i++) {
          req.response().write(frame("response.output_text.delta",
              "{\"type\":\"response.output_text.delta\",\"delta\":\" token-" + i + "\",\"logprobs\":[]}"));
        }
        req.response().write(frame("response.output_text.done", "{\"text\":\"all\"}"));
        req.response().end(frame("response.completed", "{\"type\":\"response.completed\"}"));
      } else {
        req.response().write("data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n");
        for (int i = 0; i < 3; i++) {
          req.response().write("data: {\"choices\":[{\"delta\":{\"content\":\" t" + i + "\"}}]}\n\n");
        }
        req.response().end("data: [DONE]\n\n");
      }
    })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private StreamedRequest.Outcome send(String kind, String url, String expectPath) throws Exception {
    TargetSpec target = TargetSpec.fromJson(new JsonObject().put("name", "t").put("kind", kind)
        .put("url", "http://127.0.0.1:" + server.actualPort() + url).put("expectPath", expectPath));
    RequestTemplate request = LoadGenMain.sdkRequest(target, "hi", "chat-gateway", "sk-gw-x");
    return new CellRunner(vertx, 1, new CpuMeter(Map.of())).once(target, request, 3, 10_000);
  }

  @Test
  void aStreamedResponseCountsItsDeltasAndEndsOnCompleted() throws Exception {
    StreamedRequest.Outcome o = send("responses", "/v1/responses", "direct_llm");
    assertNull(o.error(), String.valueOf(o.error()));
    assertEquals(3, o.contentEvents());
    assertEquals("direct_llm", o.routePath());
    assertTrue(o.firstContentNanos() >= o.headersNanos());
  }

  @Test
  void aChatCompletionStreamOnTheGatewayIsCheckedAgainstTheAnsweringPath() throws Exception {
    assertNull(send("openai", "/v1/chat/completions", "direct_llm").error());
    path = "legacy"; // e.g. a fallback answered
    assertEquals("route path legacy", send("openai", "/v1/chat/completions", "direct_llm").error());
  }
}
