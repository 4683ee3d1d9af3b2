package io.chatgw.runtime.plane;

import io.vertx.core.json.JsonObject;

/** A {@code request} that failed: the gateway's error {@code code} and {@code message}, or a local timeout. */
final class GatewayRequestException extends RuntimeException {

  static final String TIMEOUT = "timeout";
  static final String STOPPED = "plane_stopped";

  private static final long serialVersionUID = 1L;

  private final String code;

  GatewayRequestException(String code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  String code() {
    return code;
  }

  /** {@code {"code", "message"}}. */
  JsonObject toJson() {
    return new JsonObject().put("code", code).put("message", getMessage());
  }
}
