package io.chatgw.bench;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The request a virtual client sends again and again. Immutable, shared by reference. */
public record RequestTemplate(HttpMethod method, String absoluteUri, MultiMap headers, Buffer body) {

  RequestOptions toOptions(long idleTimeoutMs) {
    return new RequestOptions().setMethod(method).setAbsoluteURI(absoluteUri).setHeaders(headers)
        .setIdleTimeout(idleTimeoutMs);
  }

  /**
   * A streamed request the way the official SDKs send it: {@code stream: true} (and, for chat completions,
   * {@code stream_options.include_usage}), the key as a Bearer token, no session header.
   */
  static RequestTemplate sdk(TargetSpec target, String message, String model, String apiKey) {
    JsonObject body = new JsonObject().put("model", model);
    if (target.kind() == TargetSpec.Kind.RESPONSES) {
      body.put("input", message).put("stream", true);
    } else {
      body.put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", message)))
          .put("stream", true)
          .put("stream_options", new JsonObject().put("include_usage", true));
    }
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("Content-Type", "application/json")
        .add("Accept", "text/event-stream");
    if (apiKey != null) {
      headers.add("Authorization", "Bearer " + apiKey);
    }
    target.headers().forEach(headers::add);
    return new RequestTemplate(HttpMethod.POST, target.url(), headers, Buffer.buffer(body.encode()));
  }
}
