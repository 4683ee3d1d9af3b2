package io.chatgw.runtime;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the runtime's native events ({@code event: <name>\ndata: <json>\n\n}) to one response.
 *
 * <p>Events are queued and written as the connection takes them: while the response's write
 * queue is full the writer waits for its drain handler, and reports itself
 * {@linkplain #isBackedUp() backed up} so producers can pause their source. It also applies the
 * test knobs of {@link RuntimeDirectives}: a delay before the first event, and a stall after N
 * events (nothing more is written and the response is never ended).
 *
 * <p>Must be used from the response's context (its event loop).
 */
final class NativeEventWriter {

  private final Vertx vertx;
  private final HttpServerResponse response;
  private final long firstEventDelayMs;
  private final int stallAfter;
  private final ArrayDeque<Buffer> queue = new ArrayDeque<>();
  private final List<Runnable> writableWaiters = new ArrayList<>();

  private Runnable stopHandler = () -> { };
  private boolean gateOpen;
  private long gateTimerId = -1;
  private int written;
  private boolean finishRequested;
  private boolean stalled;
  private boolean closed;
  private boolean ended;

  /**
   * @param firstEventDelayMs pause between the headers and the first event
   * @param stallAfter        events to write before stalling, or -1 to never stall
   */
  NativeEventWriter(Vertx vertx, HttpServerResponse response, long firstEventDelayMs, int stallAfter) {
    this.vertx = vertx;
    this.response = response;
    this.firstEventDelayMs = firstEventDelayMs;
    this.stallAfter = stallAfter;
  }

  /**
   * Called once when no more events will reach the client: it disconnected, or the stream
   * stalled on purpose. Producers should stop (and cancel upstream work).
   */
  NativeEventWriter stopHandler(Runnable handler) {
    this.stopHandler = handler;
    return this;
  }

  /** Sends {@code 200 text/event-stream} headers right away and starts accepting events. */
  void open(String runId) {
    response.setStatusCode(200)
        .setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .putHeader("x-run-id", runId);
    response.closeHandler(ignored -> onClosed());
    response.exceptionHandler(ignored -> onClosed());
    response.writeHead();
    if (stallAfter == 0) {
      stall();
    } else if (firstEventDelayMs > 0) {
      gateTimerId = vertx.setTimer(firstEventDelayMs, ignored -> {
        gateTimerId = -1;
        gateOpen = true;
        flush();
      });
    } else {
      gateOpen = true;
    }
  }

  /** Queues an event and writes what the connection takes now. Ignored once stopped. */
  void emit(String name, JsonObject data) {
    if (isStopped() || finishRequested) {
      return;
    }
    queue.add(Buffer.buffer("event: ").appendString(name)
        .appendString("\ndata: ").appendString(data.encode()).appendString("\n\n"));
    flush();
  }

  /** Ends the response once every queued event is written (never, if the stream stalls). */
  void finish() {
    finishRequested = true;
    flush();
  }

  /** Whether events are waiting to be written; see {@link #whenWritable(Runnable)}. */
  boolean isBackedUp() {
    return !queue.isEmpty();
  }

  /** Runs {@code action} once the queue is empty again (right away if it already is). */
  void whenWritable(Runnable action) {
    if (queue.isEmpty()) {
      action.run();
    } else {
      writableWaiters.add(action);
    }
  }

  /** Whether the client went away or the stream stalled on purpose. */
  boolean isStopped() {
    return closed || stalled;
  }

  private void flush() {
    if (!gateOpen || isStopped() || ended) {
      return;
    }
    while (!queue.isEmpty()) {
      if (response.writeQueueFull()) {
        response.drainHandler(ignored -> {
          response.drainHandler(null);
          flush();
        });
        return;
      }
      response.write(queue.poll());
      written++;
      if (written == stallAfter) {
        stall();
        return;
      }
    }
    if (finishRequested) {
      ended = true;
      response.end();
    }
    notifyWritable();
  }

  private void notifyWritable() {
    if (writableWaiters.isEmpty()) {
      return;
    }
    List<Runnable> waiters = new ArrayList<>(writableWaiters);
    writableWaiters.clear();
    waiters.forEach(Runnable::run);
  }

  private void stall() {
    stalled = true;
    queue.clear();
    writableWaiters.clear();
    stopHandler.run();
  }

  private void onClosed() {
    if (closed || ended) {
      return;
    }
    closed = true;
    queue.clear();
    writableWaiters.clear();
    if (gateTimerId >= 0) {
      vertx.cancelTimer(gateTimerId);
      gateTimerId = -1;
    }
    if (!stalled) {
      stopHandler.run();
    }
  }
}
