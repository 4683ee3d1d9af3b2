package io.chatgw.runtime;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/** Reads a request body into memory, refusing bodies larger than a limit. */
final class RequestBodyReader {

  /** Failure of {@link #read} when the body is larger than allowed. */
  static final class BodyTooLargeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BodyTooLargeException(long limit) {
      super("request body larger than " + limit + " bytes", null, false, false);
    }
  }

  private RequestBodyReader() {
  }

  static Future<Buffer> read(HttpServerRequest request, int maxBytes) {
    String contentLength = request.getHeader("content-length");
    if (contentLength != null) {
      try {
        if (Long.parseLong(contentLength.trim()) > maxBytes) {
          return Future.failedFuture(new BodyTooLargeException(maxBytes));
        }
      } catch (NumberFormatException ignored) {
        // Let the HTTP codec deal with a malformed length; the streaming check below still applies.
      }
    }
    Promise<Buffer> promise = Promise.promise();
    Buffer body = Buffer.buffer();
    request.handler(chunk -> {
      if (body.length() + chunk.length() > maxBytes) {
        request.handler(null);
        promise.tryFail(new BodyTooLargeException(maxBytes));
      } else {
        body.appendBuffer(chunk);
      }
    });
    request.exceptionHandler(promise::tryFail);
    request.endHandler(ignored -> promise.tryComplete(body));
    return promise.future();
  }
}
