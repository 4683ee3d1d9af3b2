package io.chatgw.standin;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Blocking helpers over a real Vert.x HttpClient, for tests only (called from the test thread). */
final class TestHttp {

  /** A fully read response, or what arrived before the connection broke. */
  record Reply(int status, MultiMap headers, String body, Throwable error) {

    JsonObject json() {
      return new JsonObject(body);
    }

    /** The {@code data:} payloads of an SSE body, in order. */
    List<String> sseData() {
      List<String> data = new ArrayList<>();
      for (String event : body.split("\n\n")) {
        if (event.startsWith("data: ")) {
          data.add(event.substring("data: ".length()));
        }
      }
      return data;
    }
  }

  private final Vertx vertx;
  private final HttpClient client;
  private final int port;

  TestHttp(Vertx vertx, int port) {
    this.vertx = vertx;
    this.client = vertx.createHttpClient();
    this.port = port;
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static JsonObject chatBody(String userMessage, boolean stream, boolean includeUsage) {
    JsonObject body = new JsonObject()
        .put("model", "standin-1")
        .put("messages", new JsonArray()
            .add(new JsonObject().put("role", "system").put("content", "You are terse."))
            .add(new JsonObject().put("role", "user").put("content", userMessage)))
        .put("stream", stream);
    if (includeUsage) {
      body.put("stream_options", new JsonObject().put("include_usage", true));
    }
    return body;
  }

  Reply get(String path) {
    return send(HttpMethod.GET, path, null, MultiMap.caseInsensitiveMultiMap());
  }

  Reply post(String path, String body) {
    return post(path, body, MultiMap.caseInsensitiveMultiMap());
  }

  Reply post(String path, String body, MultiMap headers) {
    return send(HttpMethod.POST, path, body, headers);
  }

  /**
   * Starts a request and returns the future of its complete reply (never fails: errors go in the
   * reply). Runs on a Vert.x context so the response handlers are set before any data arrives.
   */
  CompletableFuture<Reply> start(HttpMethod method, String path, String body, MultiMap headers) {
    return start(method, path, body, headers, 0);
  }

  /** Like {@link #start(HttpMethod, String, String, MultiMap)}, but stops reading the body for {@code pauseMs} first. */
  CompletableFuture<Reply> start(HttpMethod method, String path, String body, MultiMap headers, long pauseMs) {
    CompletableFuture<Reply> reply = new CompletableFuture<>();
    vertx.getOrCreateContext().runOnContext(ignored -> send(method, path, body, headers, pauseMs, reply));
    return reply;
  }

  private void send(HttpMethod method, String path, String body, MultiMap headers, long pauseMs,
      CompletableFuture<Reply> reply) {
    RequestOptions options = new RequestOptions()
        .setMethod(method).setHost("127.0.0.1").setPort(port).setURI(path).setHeaders(headers);
    client.request(options)
        .compose(request -> body == null ? request.send() : request.send(Buffer.buffer(body)))
        .onFailure(error -> reply.complete(new Reply(-1, null, "", error)))
        .onSuccess(response -> {
          Buffer received = Buffer.buffer();
          if (pauseMs > 0) {
            response.pause();
            vertx.setTimer(pauseMs, ignored -> response.resume());
          }
          response.handler(received::appendBuffer);
          response.exceptionHandler(error ->
              reply.complete(new Reply(response.statusCode(), response.headers(), received.toString(), error)));
          response.endHandler(ignored ->
              reply.complete(new Reply(response.statusCode(), response.headers(), received.toString(), null)));
        });
  }

  private Reply send(HttpMethod method, String path, String body, MultiMap headers) {
    try {
      return start(method, path, body, headers).get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
