package io.chatgw.runtime;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** Writes the runtime's JSON errors: {@code {"error":{"code","message"}}}. */
final class RuntimeErrors {

  private RuntimeErrors() {
  }

  static void send(HttpServerResponse response, int status, String code, String message) {
    if (response.ended() || response.closed()) {
      return;
    }
    JsonObject body = new JsonObject().put("error", new JsonObject().put("code", code).put("message", message));
    response.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body.encode());
  }
}
