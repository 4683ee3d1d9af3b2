package io.chatgw.runtime.plane;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The plane's {@code request}s to the gateway and their {@code response}s, matched by id. Pending
 * requests survive reconnects (the gateway redelivers their responses); a request without a
 * response within the timeout fails locally with code {@value GatewayRequestException#TIMEOUT}.
 * Ids are {@code r-<boot>-<n>}, unique across restarts. Used from the plane's event loop only.
 */
final class GatewayRequests {

  private final Vertx vertx;
  private final Consumer<JsonObject> sender;
  private final long timeoutMs;
  private final String idPrefix = "r-" + UUID.randomUUID().toString().substring(0, 8) + "-";
  private final Map<String, Pending> pending = new HashMap<>();
  private long nextId;

  private record Pending(Promise<JsonObject> promise, long timerId) {
  }

  /**
   * @param sender sends a frame now or as soon as the plane is connected
   */
  GatewayRequests(Vertx vertx, Consumer<JsonObject> sender, long timeoutMs) {
    this.vertx = vertx;
    this.sender = sender;
    this.timeoutMs = timeoutMs;
  }

  /** Sends a request; completes with its {@code result}, fails with a {@link GatewayRequestException}. */
  Future<JsonObject> call(String method, JsonObject params) {
    String id = idPrefix + (++nextId);
    Promise<JsonObject> promise = Promise.promise();
    long timerId = vertx.setTimer(timeoutMs, ignored -> {
      if (pending.remove(id) != null) {
        promise.tryFail(new GatewayRequestException(GatewayRequestException.TIMEOUT,
            "no response to " + method + " within " + timeoutMs + " ms"));
      }
    });
    pending.put(id, new Pending(promise, timerId));
    sender.accept(PlaneFrames.request(id, method, params));
    return promise.future();
  }

  /** Completes the request a {@code response} frame answers; returns {@code false} if none waits for it. */
  boolean onResponse(JsonObject response) {
    Object id = response.getValue("id");
    Pending waiting = id instanceof String ? pending.remove(id) : null;
    if (waiting == null) {
      return false;
    }
    vertx.cancelTimer(waiting.timerId());
    if (Boolean.TRUE.equals(response.getValue("ok"))) {
      Object result = response.getValue("result");
      waiting.promise().tryComplete(result instanceof JsonObject ? (JsonObject) result
          : new JsonObject().put("value", result));
    } else {
      Object error = response.getValue("error");
      JsonObject details = error instanceof JsonObject ? (JsonObject) error : new JsonObject();
      Object code = details.getValue("code");
      Object message = details.getValue("message");
      waiting.promise().tryFail(new GatewayRequestException(code instanceof String ? (String) code : "internal_error",
          message instanceof String ? (String) message : "the gateway answered without a result"));
    }
    return true;
  }

  /**
   * An {@code error} frame {@code too_many_requests} refusing one of our requests (docs/protocol.md): it was not
   * executed and gets no response, so it fails now with that code. Returns {@code false} for any other error frame.
   */
  boolean onRefused(JsonObject error) {
    Object ref = error.getValue("ref");
    if (!"too_many_requests".equals(error.getValue("code")) || !(ref instanceof JsonObject)
        || !"request".equals(((JsonObject) ref).getValue("type"))) {
      return false;
    }
    Object id = ((JsonObject) ref).getValue("id");
    Pending waiting = id instanceof String ? pending.remove(id) : null;
    if (waiting == null) {
      return false;
    }
    vertx.cancelTimer(waiting.timerId());
    Object message = error.getValue("message");
    waiting.promise().tryFail(new GatewayRequestException("too_many_requests",
        message instanceof String ? (String) message : "the gateway refused the request"));
    return true;
  }

  /** Fails every pending request (the plane stops). */
  void failAll() {
    for (Map.Entry<String, Pending> entry : new ArrayList<>(pending.entrySet())) {
      vertx.cancelTimer(entry.getValue().timerId());
      entry.getValue().promise().tryFail(new GatewayRequestException(GatewayRequestException.STOPPED,
          "the plane stopped"));
    }
    pending.clear();
  }
}
