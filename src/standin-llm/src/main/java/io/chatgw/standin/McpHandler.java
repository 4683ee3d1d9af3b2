package io.chatgw.standin;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/**
 * Serves {@code POST /mcp}: a STAND-IN MCP server (tools only), speaking JSON-RPC 2.0 over plain
 * HTTP: one request object per POST, answered with one {@code application/json} response object
 * (HTTP 200, also for JSON-RPC errors); a notification (no {@code id}) is answered 202 with no body.
 *
 * <p>Methods: {@code initialize}, {@code ping}, {@code tools/list} and {@code tools/call} (see
 * {@link McpTools}, knobs in {@link McpKnobs}). Errors: not JSON -32700, not a request object
 * -32600, unknown method -32601, bad params or unknown tool -32602.
 */
final class McpHandler {

  static final String PATH = "/mcp";
  static final String PROTOCOL_VERSION = "2025-06-18";
  static final int MAX_BODY_BYTES = 1024 * 1024;

  private final Vertx vertx;

  McpHandler(Vertx vertx) {
    this.vertx = vertx;
  }

  void handle(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    RequestBodyReader.read(request, MAX_BODY_BYTES).onComplete(read -> {
      if (read.failed()) {
        if (read.cause() instanceof RequestBodyReader.BodyTooLargeException) {
          send(response, 413, error(null, JsonRpcException.INVALID_REQUEST, read.cause().getMessage()));
        }
        return;
      }
      JsonObject call;
      try {
        call = parse(read.result());
      } catch (JsonRpcException e) {
        send(response, 200, error(null, e.code(), e.getMessage()));
        return;
      }
      Object id = call.getValue("id");
      boolean notification = !call.containsKey("id");
      try {
        dispatch(response, id, notification, call.getString("method"), call.getValue("params"));
      } catch (JsonRpcException e) {
        answer(response, notification, error(id, e.code(), e.getMessage()));
      }
    });
  }

  private void dispatch(HttpServerResponse response, Object id, boolean notification, String method,
      Object params) throws JsonRpcException {
    switch (method) {
      case "initialize":
        answer(response, notification, result(id, new JsonObject()
            .put("protocolVersion", PROTOCOL_VERSION)
            .put("capabilities", new JsonObject().put("tools", new JsonObject()))
            .put("serverInfo", new JsonObject().put("name", "standin-mcp").put("version", "1"))
            .put("instructions", "A STAND-IN MCP server for tests: fixed, deterministic tool results.")));
        return;
      case "ping":
        answer(response, notification, result(id, new JsonObject()));
        return;
      case "tools/list":
        answer(response, notification, result(id, McpTools.list()));
        return;
      case "tools/call":
        callTool(response, id, notification, params);
        return;
      default:
        if (method.startsWith("notifications/") && notification) {
          answer(response, true, null);
          return;
        }
        throw new JsonRpcException(JsonRpcException.METHOD_NOT_FOUND, "Method not found: " + method);
    }
  }

  private void callTool(HttpServerResponse response, Object id, boolean notification, Object params)
      throws JsonRpcException {
    if (!(params instanceof JsonObject) || !(((JsonObject) params).getValue("name") instanceof String)) {
      throw new JsonRpcException(JsonRpcException.INVALID_PARAMS, "tools/call needs params {\"name\", \"arguments\"}");
    }
    JsonObject callParams = (JsonObject) params;
    String name = callParams.getString("name");
    Object rawArguments = callParams.getValue("arguments");
    if (rawArguments != null && !(rawArguments instanceof JsonObject)) {
      throw new JsonRpcException(JsonRpcException.INVALID_PARAMS, "tools/call 'arguments' must be an object");
    }
    JsonObject arguments = rawArguments == null ? new JsonObject() : (JsonObject) rawArguments;
    McpKnobs knobs;
    try {
      knobs = McpKnobs.of(arguments);
    } catch (IllegalArgumentException e) {
      throw new JsonRpcException(JsonRpcException.INVALID_PARAMS, e.getMessage());
    }
    JsonObject result = McpTools.call(name, arguments, knobs.toolError());
    if (result == null) {
      throw new JsonRpcException(JsonRpcException.INVALID_PARAMS, "Unknown tool: " + name);
    }
    afterDelay(response, knobs.delayMs(), () -> {
      if (knobs.http500()) {
        response.setStatusCode(500).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain")
            .end("the stand-in MCP server failed on purpose (fail=http_500)");
      } else {
        answer(response, notification, result(id, result));
      }
    });
  }

  private static JsonObject parse(Buffer body) throws JsonRpcException {
    Object parsed;
    try {
      parsed = body.length() == 0 ? null : Json.decodeValue(body);
    } catch (DecodeException e) {
      throw new JsonRpcException(JsonRpcException.PARSE_ERROR, "Parse error: the body is not JSON");
    }
    if (parsed == null) {
      throw new JsonRpcException(JsonRpcException.PARSE_ERROR, "Parse error: the body is empty");
    }
    if (!(parsed instanceof JsonObject)) {
      throw new JsonRpcException(JsonRpcException.INVALID_REQUEST,
          "Invalid Request: expected one JSON-RPC request object (batches are not supported)");
    }
    JsonObject call = (JsonObject) parsed;
    Object id = call.getValue("id");
    if (!"2.0".equals(call.getValue("jsonrpc")) || !(call.getValue("method") instanceof String)
        || id != null && !(id instanceof String) && !(id instanceof Number)) {
      throw new JsonRpcException(JsonRpcException.INVALID_REQUEST,
          "Invalid Request: needs \"jsonrpc\": \"2.0\", a string \"method\" and a string or number \"id\"");
    }
    return call;
  }

  private static JsonObject result(Object id, JsonObject result) {
    return new JsonObject().put("jsonrpc", "2.0").put("id", id).put("result", result);
  }

  private static JsonObject error(Object id, int code, String message) {
    return new JsonObject().put("jsonrpc", "2.0").put("id", id)
        .put("error", new JsonObject().put("code", code).put("message", message));
  }

  private static void answer(HttpServerResponse response, boolean notification, JsonObject body) {
    if (notification) {
      if (!response.ended() && !response.closed()) {
        response.setStatusCode(202).end();
      }
    } else {
      send(response, 200, body);
    }
  }

  private static void send(HttpServerResponse response, int status, JsonObject body) {
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body.encode());
  }

  /** Runs {@code action} after {@code delayMs} on a timer, unless the client goes away first. */
  private void afterDelay(HttpServerResponse response, long delayMs, Runnable action) {
    if (delayMs <= 0) {
      action.run();
      return;
    }
    long timerId = vertx.setTimer(delayMs, ignored -> {
      response.closeHandler(null);
      if (!response.closed()) {
        action.run();
      }
    });
    response.closeHandler(ignored -> vertx.cancelTimer(timerId));
  }
}
