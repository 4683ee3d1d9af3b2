package io.chatgw.runtime;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * HTTP server of the legacy runtime and its routing: {@code POST /api/v1/execute/stream} and
 * {@code GET /health}. Deployed by {@link LegacyRuntimeServer}; undeploying it closes the server,
 * its connections, the LLM client and pending timers.
 */
final class LegacyRuntimeVerticle extends AbstractVerticle {

  static final String EXECUTE_PATH = "/api/v1/execute/stream";
  static final String SHADOW_HEADER = "X-Gateway-Shadow";
  static final String SHADOW_OF_HEADER = "X-Gateway-Shadow-Of";
  static final int MAX_BODY_BYTES = 4 * 1024 * 1024;
  static final int LLM_CONNECT_TIMEOUT_MS = 10_000;
  static final int LLM_MAX_CONNECTIONS = 256;

  private final RuntimeOptions options;
  private HttpServer server;
  private HttpClient llmHttpClient;
  private LlmChatClient llm;

  LegacyRuntimeVerticle(RuntimeOptions options) {
    this.options = options;
  }

  @Override
  public void start(Promise<Void> startPromise) {
    llmHttpClient = vertx.createHttpClient(
        new HttpClientOptions().setConnectTimeout(LLM_CONNECT_TIMEOUT_MS).setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(LLM_MAX_CONNECTIONS));
    llm = new LlmChatClient(llmHttpClient, options.getLlmBaseUrl(), options.getLlmApiKey(), options.getModel());
    server = vertx.createHttpServer(new HttpServerOptions().setHost(options.getHost()).setPort(options.getPort()));
    server.requestHandler(this::route)
        .listen()
        .<Void>mapEmpty()
        .onComplete(startPromise);
  }

  @Override
  public void stop(Promise<Void> stopPromise) {
    llmHttpClient.close().onComplete(stopPromise);
  }

  /** The port actually bound; valid once started. */
  int actualPort() {
    return server.actualPort();
  }

  private void route(HttpServerRequest request) {
    switch (request.path()) {
      case EXECUTE_PATH:
        if (allow(request, HttpMethod.POST)) {
          execute(request);
        }
        break;
      case "/health":
        if (allow(request, HttpMethod.GET)) {
          request.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
              .end(new JsonObject().put("status", "UP").encode());
        }
        break;
      default:
        RuntimeErrors.send(request.response(), 404, "not_found", "no route for " + request.path());
    }
  }

  private static boolean allow(HttpServerRequest request, HttpMethod method) {
    if (request.method() == method) {
      return true;
    }
    request.response().putHeader(HttpHeaders.ALLOW, method.name());
    RuntimeErrors.send(request.response(), 405, "method_not_allowed",
        request.method() + " is not allowed on " + request.path());
    return false;
  }

  private void execute(HttpServerRequest request) {
    RequestBodyReader.read(request, MAX_BODY_BYTES).onComplete(read -> {
      if (read.failed()) {
        if (read.cause() instanceof RequestBodyReader.BodyTooLargeException) {
          RuntimeErrors.send(request.response(), 413, "payload_too_large", read.cause().getMessage());
        }
        return;
      }
      ExecuteRequest execute;
      RuntimeDirectives.Extraction extraction;
      try {
        execute = ExecuteRequest.parse(read.result());
        extraction = RuntimeDirectives.extract(execute.message());
      } catch (BadRequestException | IllegalArgumentException e) {
        RuntimeErrors.send(request.response(), 400, "bad_request", e.getMessage());
        return;
      }
      RuntimeDirectives directives = extraction.directives();
      switch (directives.failure()) {
        case HTTP_503:
          RuntimeErrors.send(request.response(), 503, "unavailable",
              "the runtime is unavailable (injected by [[runtime fail=http_503]])");
          return;
        case HTTP_429:
          request.response().putHeader("Retry-After", "1");
          RuntimeErrors.send(request.response(), 429, "rate_limited",
              "too many requests (injected by [[runtime fail=http_429]])");
          return;
        case NOT_SSE:
          RuntimeErrors.send(request.response(), 200, "not_a_stream",
              "a JSON body instead of an event stream (injected by [[runtime fail=not_sse]])");
          return;
        case HANG:
          return; // never send the headers; the connection stays open until someone closes it
        default:
          break;
      }
      NativeEventWriter events = new NativeEventWriter(vertx, request.response(),
          directives.firstEventDelayMs(), directives.stallAfter());
      String runId = "run-" + UUID.randomUUID();
      // a shadow run (the gateway's X-Gateway-Shadow header, docs/shadow.md) answers alike but applies no side effects
      boolean shadow = "true".equalsIgnoreCase(request.getHeader(SHADOW_HEADER));
      new LegacyRun(runId, options.getModel(), execute, extraction.text(), events, llm, shadow, llmHeaders(request, shadow))
          .start();
    });
  }

  /**
   * The headers of the run's LLM call: the trace continued by a span of the runtime's own (docs/protocol.md "Trace
   * context"), and a shadow run's marker, so the LLM's side can tell it too.
   */
  private static java.util.Map<String, String> llmHeaders(HttpServerRequest request, boolean shadow) {
    java.util.Map<String, String> headers = new java.util.HashMap<>(4);
    String span = TraceContext.child(request.getHeader(TraceContext.HEADER));
    if (span != null) {
      headers.put(TraceContext.HEADER, span);
    }
    if (shadow) {
      headers.put(SHADOW_HEADER, "true");
      String of = request.getHeader(SHADOW_OF_HEADER);
      if (of != null && of.matches("[0-9a-fA-F-]{1,64}")) {
        headers.put(SHADOW_OF_HEADER, of);
      }
    }
    return headers;
  }
}
