package io.chatgw.runtime;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Calls the runtime over real HTTP and records its native events as they arrive (tests only). */
final class RuntimeTestClient {

  /** An event and when it arrived. */
  record ReceivedEvent(SseEvent event, long atNanos) {

    String name() {
      return event.event();
    }

    JsonObject data() {
      return new JsonObject(event.data());
    }
  }

  /** Response head as received. */
  record Head(int status, MultiMap headers, long atNanos) {
  }

  /** One call to {@code /api/v1/execute/stream} in progress. */
  static final class Call {
    final CompletableFuture<Head> head = new CompletableFuture<>();
    final List<ReceivedEvent> events = new CopyOnWriteArrayList<>();
    final Buffer body = Buffer.buffer();
    /** Completes with null when the response ends, or with the error that broke it. */
    final CompletableFuture<Throwable> finished = new CompletableFuture<>();
    volatile HttpClientRequest request;

    Head awaitHead() {
      return await(head);
    }

    Throwable awaitFinished() {
      return await(finished);
    }

    List<String> eventNames() {
      List<String> names = new ArrayList<>();
      events.forEach(event -> names.add(event.name()));
      return names;
    }

    String tokens() {
      StringBuilder text = new StringBuilder();
      events.stream().filter(event -> event.name().equals("token"))
          .forEach(event -> text.append(event.data().getString("text")));
      return text.toString();
    }

    ReceivedEvent last() {
      return events.get(events.size() - 1);
    }
  }

  private final Vertx vertx;
  private final HttpClient client;
  private final int port;

  RuntimeTestClient(Vertx vertx, int port) {
    this(vertx, port, new HttpClientOptions());
  }

  RuntimeTestClient(Vertx vertx, int port, HttpClientOptions options) {
    this.vertx = vertx;
    this.client = vertx.createHttpClient(options);
    this.port = port;
  }

  static <T> T await(Future<T> future) {
    return await(future.toCompletionStage().toCompletableFuture());
  }

  static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static JsonObject executeBody(String message) {
    return new JsonObject()
        .put("session_id", "s-1")
        .put("user_id", "u-1")
        .put("org_id", "o-1")
        .put("request_id", "r-1")
        .put("message", message);
  }

  /**
   * Posts a body and records the response as it streams in. Runs on a Vert.x context so the
   * response handlers are set before any data arrives.
   */
  Call execute(String body) {
    return execute(body, 0);
  }

  /** Like {@link #execute(String)}, but stops reading the response body for {@code pauseMs} first. */
  Call execute(String body, long pauseMs) {
    return execute(body, pauseMs, java.util.Map.of());
  }

  /** Like {@link #execute(String)}, with these request headers. */
  Call execute(String body, java.util.Map<String, String> headers) {
    return execute(body, 0, headers);
  }

  private Call execute(String body, long pauseMs, java.util.Map<String, String> headers) {
    Call call = new Call();
    vertx.getOrCreateContext().runOnContext(ignored -> send(body, pauseMs, headers, call));
    return call;
  }

  /** GETs a path; completes with the status code. */
  CompletableFuture<Integer> get(String path) {
    CompletableFuture<Integer> status = new CompletableFuture<>();
    vertx.getOrCreateContext().runOnContext(ignored -> client.request(HttpMethod.GET, port, "127.0.0.1", path)
        .compose(request -> request.send())
        .compose(response -> response.body().map(body -> response.statusCode()))
        .onComplete(result -> {
          if (result.succeeded()) {
            status.complete(result.result());
          } else {
            status.completeExceptionally(result.cause());
          }
        }));
    return status;
  }

  private void send(String body, long pauseMs, java.util.Map<String, String> headers, Call call) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
        .setURI(LegacyRuntimeVerticle.EXECUTE_PATH).putHeader("content-type", "application/json");
    headers.forEach(options::putHeader);
    SseLineParser parser = new SseLineParser(event -> call.events.add(new ReceivedEvent(event, System.nanoTime())));
    client.request(options)
        .compose(request -> {
          call.request = request;
          return request.send(Buffer.buffer(body));
        })
        .onFailure(error -> {
          call.head.completeExceptionally(error);
          call.finished.complete(error);
        })
        .onSuccess(response -> {
          call.head.complete(new Head(response.statusCode(), response.headers(), System.nanoTime()));
          if (pauseMs > 0) {
            response.pause();
            vertx.setTimer(pauseMs, ignored -> response.resume());
          }
          response.handler(chunk -> {
            call.body.appendBuffer(chunk);
            parser.feed(chunk);
          });
          response.exceptionHandler(call.finished::complete);
          response.endHandler(ignored -> call.finished.complete(null));
        });
  }

  Call execute(JsonObject body) {
    return execute(body.encode());
  }

  /** Closes the connection of a call, as a client that goes away would. */
  void disconnect(Call call) {
    vertx.runOnContext(ignored -> call.request.connection().close());
  }
}
