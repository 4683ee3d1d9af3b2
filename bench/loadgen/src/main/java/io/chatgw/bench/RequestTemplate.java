package io.chatgw.bench;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/** The request a virtual client sends again and again. Immutable, shared by reference. */
public record RequestTemplate(HttpMethod method, String absoluteUri, MultiMap headers, Buffer body) {

  RequestOptions toOptions(long idleTimeoutMs) {
    return new RequestOptions().setMethod(method).setAbsoluteURI(absoluteUri).setHeaders(headers)
        .setIdleTimeout(idleTimeoutMs);
  }
}
