package io.chatgw.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import java.util.concurrent.TimeoutException;

/**
 * One streamed request: sends it, parses the SSE answer with {@link SseParser}, takes the timestamps
 * and judges the result. Every callback runs on the event loop of the context that called
 * {@link #send()}; nothing here blocks.
 */
final class StreamedRequest implements SseParser.Listener {

  /** Receives the request's content events as they arrive and its outcome once. */
  interface Observer {
    void onContent(long nanos);

    void onDone(Outcome outcome);
  }

  /**
   * What happened. Times are {@link System#nanoTime()} values; 0 when the moment never came.
   *
   * @param error null when the request succeeded, otherwise a short reason used to group errors
   */
  record Outcome(long startNanos, long headersNanos, long firstContentNanos, long endNanos, int contentEvents,
      LongSamples gaps, String error, String routePath, String errorCode) {

    boolean ok() {
      return error == null;
    }
  }

  /** The header this gateway's OpenAI-compatible endpoints name the answering path in. */
  static final String PATH_HEADER = "x-gateway-path";

  private final HttpClient client;
  private final RequestTemplate template;
  private final TargetSpec.Kind kind;
  private final int expectedChunks;
  private final String expectPath;
  private final long idleTimeoutMs;
  private final Observer observer;
  private final boolean endOnTerminalEvent;
  private final SseParser parser = new SseParser(this);
  private final LongSamples gaps = new LongSamples(80);

  private long startNanos;
  private long headersNanos;
  private long firstContentNanos;
  private long lastContentNanos;
  private long chunkNanos;
  private int contentEvents;
  private boolean endOk;
  private String errorCode;
  private String routePath;
  private boolean done;

  StreamedRequest(HttpClient client, RequestTemplate template, TargetSpec.Kind kind, int expectedChunks,
      String expectPath, long idleTimeoutMs, Observer observer) {
    this(client, template, kind, expectedChunks, expectPath, idleTimeoutMs, observer, false);
  }

  /**
   * @param endOnTerminalEvent judge the request as soon as its final event arrives instead of at the
   *                           response's end (for probes: a stream that stays open must not hide the answer)
   */
  StreamedRequest(HttpClient client, RequestTemplate template, TargetSpec.Kind kind, int expectedChunks,
      String expectPath, long idleTimeoutMs, Observer observer, boolean endOnTerminalEvent) {
    this.endOnTerminalEvent = endOnTerminalEvent;
    this.client = client;
    this.template = template;
    this.kind = kind;
    this.expectedChunks = expectedChunks;
    this.expectPath = expectPath;
    this.idleTimeoutMs = idleTimeoutMs;
    this.observer = observer;
  }

  void send() {
    startNanos = System.nanoTime();
    client.request(template.toOptions(idleTimeoutMs))
        .compose(this::sendOn)
        .onComplete(ar -> {
          if (ar.failed()) {
            fail(describe(ar.cause()));
          } else {
            onResponse(ar.result());
          }
        });
  }

  private io.vertx.core.Future<HttpClientResponse> sendOn(HttpClientRequest request) {
    request.exceptionHandler(e -> fail(describe(e)));
    return template.body() == null ? request.send() : request.send(template.body());
  }

  private void onResponse(HttpClientResponse response) {
    headersNanos = System.nanoTime();
    if (kind != TargetSpec.Kind.GATEWAY && response.getHeader(PATH_HEADER) != null) {
      routePath = response.getHeader(PATH_HEADER); // this gateway's OpenAI endpoints name the answering path
    }
    if (response.statusCode() != 200) {
      int status = response.statusCode();
      response.body().onComplete(ar -> fail("http " + status));
      return;
    }
    response.exceptionHandler(e -> fail(describe(e)));
    response.handler(this::onChunk);
    response.endHandler(v -> finish());
  }

  private void onChunk(Buffer buffer) {
    if (done) {
      return;
    }
    chunkNanos = System.nanoTime();
    parser.feed(buffer.getBytes());
  }

  @Override
  public void onEvent(SseEvent event) {
    switch (StreamRules.classify(kind, event)) {
      case CONTENT -> {
        contentEvents++;
        if (firstContentNanos == 0) {
          firstContentNanos = chunkNanos;
        } else {
          gaps.add(chunkNanos - lastContentNanos);
        }
        lastContentNanos = chunkNanos;
        observer.onContent(chunkNanos);
      }
      case ROUTE -> routePath = StreamRules.routePath(event.data());
      case END_OK -> {
        endOk = true;
        if (endOnTerminalEvent) {
          finish();
        }
      }
      case END_ERROR -> {
        errorCode = StreamRules.errorCode(event.data());
        if (endOnTerminalEvent) {
          finish();
        }
      }
      case OTHER -> {
      }
    }
  }

  private void finish() {
    String error = null;
    if (errorCode != null) {
      error = "error event " + errorCode;
    } else if (!endOk) {
      error = "no end event";
    } else if (expectPath != null && !expectPath.equals(routePath)) {
      error = "route path " + routePath;
    } else if (expectedChunks > 0 && contentEvents != expectedChunks) {
      error = "content events " + (contentEvents < expectedChunks ? "missing" : "extra");
    }
    complete(error);
  }

  private void fail(String error) {
    complete(error);
  }

  private void complete(String error) {
    if (done) {
      return;
    }
    done = true;
    observer.onDone(new Outcome(startNanos, headersNanos, firstContentNanos, System.nanoTime(), contentEvents,
        gaps, error, routePath, errorCode));
  }

  static String describe(Throwable e) {
    if (e instanceof TimeoutException || (e.getClass().getSimpleName().contains("Timeout"))) {
      return "timeout";
    }
    String message = String.valueOf(e.getMessage());
    if (message.contains("Connection was closed") || e instanceof io.vertx.core.http.HttpClosedException) {
      return "connection closed";
    }
    if (message.contains("Connection refused")) {
      return "connection refused";
    }
    if (message.contains("reset")) {
      return "connection reset";
    }
    return e.getClass().getSimpleName();
  }
}
