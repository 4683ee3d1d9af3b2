package io.chatgw.standin;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The HTTP server of the stand-in LLM and its routing. Deployed by {@link StandinLlmServer};
 * undeploying it closes the server, its connections and its pending timers.
 */
final class StandinLlmVerticle extends AbstractVerticle {

  static final String STANDIN_HEADER = "x-standin-llm";

  private final StandinLlmOptions options;
  private final StatsRecorder stats;
  private final byte[] expectedAuthorization;
  private ChatCompletionHandler chatCompletions;
  private McpHandler mcp;
  private HttpServer server;

  StandinLlmVerticle(StandinLlmOptions options, StatsRecorder stats) {
    this.options = options;
    this.stats = stats;
    this.expectedAuthorization = options.getApiKey() == null
        ? null
        : ("Bearer " + options.getApiKey()).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void start(Promise<Void> startPromise) {
    chatCompletions = new ChatCompletionHandler(vertx, options, stats);
    mcp = new McpHandler(vertx);
    server = vertx.createHttpServer(new HttpServerOptions()
        .setHost(options.getHost())
        .setPort(options.getPort()));
    server.requestHandler(this::route)
        .listen()
        .<Void>mapEmpty()
        .onComplete(startPromise);
  }

  /** The port actually bound; valid once started. */
  int actualPort() {
    return server.actualPort();
  }

  private void route(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    response.putHeader(STANDIN_HEADER, "true");
    String path = request.path();
    switch (path) {
      case "/health":
        if (allow(request, HttpMethod.GET)) {
          sendJson(response, new JsonObject().put("status", "UP"));
        }
        break;
      case "/v1/models":
        if (allow(request, HttpMethod.GET) && authorized(request)) {
          JsonObject model = new JsonObject()
              .put("id", options.getModel())
              .put("object", "model")
              .put("owned_by", "standin");
          sendJson(response, new JsonObject().put("object", "list").put("data", new JsonArray().add(model)));
        }
        break;
      case "/v1/chat/completions":
        if (request.method() == HttpMethod.POST) {
          stats.chatRequestReceived();
        }
        if (allow(request, HttpMethod.POST) && authorized(request)) {
          chatCompletions.handle(request);
        }
        break;
      case McpHandler.PATH:
        // the stand-in MCP server: open to every caller, the API key guards /v1/* only
        if (allow(request, HttpMethod.POST)) {
          mcp.handle(request);
        }
        break;
      default:
        OpenAiErrors.send(response, 404, "Unknown request URL: " + request.method() + " " + path,
            OpenAiErrors.INVALID_REQUEST, null, "unknown_url");
    }
  }

  private static boolean allow(HttpServerRequest request, HttpMethod method) {
    if (request.method() == method) {
      return true;
    }
    request.response().putHeader(HttpHeaders.ALLOW, method.name());
    OpenAiErrors.send(request.response(), 405, "Method " + request.method() + " not allowed on "
        + request.path(), OpenAiErrors.INVALID_REQUEST, null, "method_not_allowed");
    return false;
  }

  private boolean authorized(HttpServerRequest request) {
    if (expectedAuthorization == null) {
      return true;
    }
    String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (authorization != null && MessageDigest.isEqual(expectedAuthorization,
        authorization.trim().getBytes(StandardCharsets.UTF_8))) {
      return true;
    }
    OpenAiErrors.send(request.response(), 401, authorization == null
            ? "You didn't provide an API key. Send it as 'Authorization: Bearer <key>'."
            : "Incorrect API key provided.",
        OpenAiErrors.INVALID_REQUEST, null, "invalid_api_key");
    return false;
  }

  private static void sendJson(HttpServerResponse response, JsonObject body) {
    response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.encode());
  }
}
