package io.chatgw.standin;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** Writes errors in the OpenAI shape {@code {"error":{"message","type","param","code"}}}. */
final class OpenAiErrors {

  static final String INVALID_REQUEST = "invalid_request_error";

  private OpenAiErrors() {
  }

  static JsonObject body(String message, String type, String param, String code) {
    return new JsonObject().put("error", new JsonObject()
        .put("message", message)
        .put("type", type)
        .put("param", param)
        .put("code", code));
  }

  static void send(HttpServerResponse response, int status, String message, String type,
      String param, String code) {
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body(message, type, param, code).encode());
  }

  static void invalidRequest(HttpServerResponse response, InvalidRequestException e) {
    send(response, 400, e.getMessage(), INVALID_REQUEST, e.param(), e.code());
  }
}
