package io.chatgw.standin;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * Writes one streamed answer as server-sent events: the role chunk, one chunk per content piece
 * (each after the chunk delay, on a Vert.x timer), the optional usage chunk and {@code [DONE]}.
 *
 * <p>Honours backpressure: while the response's write queue is full it waits for the drain
 * handler. With a zero delay everything is written as fast as the connection takes it. If asked
 * to break after N content chunks it closes the connection right after the N-th, without
 * {@code [DONE]}. Stops quietly when the client goes away.
 *
 * <p>Must be used from the response's context (its event loop).
 */
final class CompletionStreamWriter {

  private final Vertx vertx;
  private final HttpServerResponse response;
  private final CompletionPayloads payloads;
  private final long chunkDelayMs;
  private final int frameCount;
  private final int breakBeforeFrame;

  /** Frame indexes: 0 = role, 1..N = content pieces, then usage (optional), then [DONE]. */
  private int nextFrame;
  private long timerId = -1;
  private boolean stopped;

  /**
   * @param breakAfterChunks content chunks to send before cutting the connection, or -1 to finish normally
   */
  CompletionStreamWriter(Vertx vertx, HttpServerResponse response, CompletionPayloads payloads,
      long chunkDelayMs, int breakAfterChunks) {
    this.vertx = vertx;
    this.response = response;
    this.payloads = payloads;
    this.chunkDelayMs = chunkDelayMs;
    int contentChunks = payloads.contentChunkCount();
    this.frameCount = 1 + contentChunks + (payloads.includeUsage() ? 1 : 0) + 1;
    this.breakBeforeFrame = breakAfterChunks < 0 ? -1 : 1 + Math.min(breakAfterChunks, contentChunks);
  }

  /** Sends the headers and starts writing; call once, after the status and headers are set. */
  void start() {
    response.setChunked(true);
    response.closeHandler(ignored -> stop());
    response.exceptionHandler(ignored -> stop());
    pump();
  }

  private void pump() {
    timerId = -1;
    while (!stopped) {
      if (nextFrame == breakBeforeFrame) {
        stopped = true;
        response.close();
        return;
      }
      if (nextFrame == frameCount) {
        stopped = true;
        response.end();
        return;
      }
      if (response.writeQueueFull()) {
        response.drainHandler(ignored -> {
          response.drainHandler(null);
          pump();
        });
        return;
      }
      response.write(frame(nextFrame++));
      if (chunkDelayMs > 0 && isContentFrame(nextFrame)) {
        timerId = vertx.setTimer(chunkDelayMs, ignored -> pump());
        return;
      }
    }
  }

  private boolean isContentFrame(int frame) {
    return frame >= 1 && frame <= payloads.contentChunkCount() && frame != breakBeforeFrame;
  }

  private Buffer frame(int frame) {
    int contentChunks = payloads.contentChunkCount();
    if (frame == 0) {
      return payloads.roleChunk();
    }
    if (frame <= contentChunks) {
      return payloads.contentChunk(frame - 1);
    }
    if (frame == contentChunks + 1 && payloads.includeUsage()) {
      return payloads.usageChunk();
    }
    return payloads.doneEvent();
  }

  private void stop() {
    stopped = true;
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
  }
}
