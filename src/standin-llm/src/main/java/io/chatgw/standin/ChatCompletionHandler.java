package io.chatgw.standin;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serves {@code POST /v1/chat/completions}: validates the request, resolves the
 * {@link StandinKnobs}, waits the first-byte delay, then either injects the requested failure or
 * answers with the deterministic {@link StandinAnswer}, streamed or not.
 */
final class ChatCompletionHandler {

  static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

  private final Vertx vertx;
  private final StandinLlmOptions options;
  private final StatsRecorder stats;
  private final AtomicLong completionIds = new AtomicLong();
  /** Calls per message excerpt, for {@code alternate} (bounded: the oldest messages are forgotten). */
  private final java.util.Map<String, Integer> callsPerMessage = new java.util.LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(java.util.Map.Entry<String, Integer> eldest) {
      return size() > 10_000;
    }
  };

  ChatCompletionHandler(Vertx vertx, StandinLlmOptions options, StatsRecorder stats) {
    this.vertx = vertx;
    this.options = options;
    this.stats = stats;
  }

  void handle(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    RequestBodyReader.read(request, MAX_BODY_BYTES).onComplete(read -> {
      if (read.failed()) {
        if (read.cause() instanceof RequestBodyReader.BodyTooLargeException) {
          OpenAiErrors.send(response, 413, read.cause().getMessage(), OpenAiErrors.INVALID_REQUEST,
              null, "request_too_large");
        }
        return;
      }
      ChatCompletionRequest chat;
      StandinKnobs knobs;
      java.util.List<StandinToolCalls.Call> toolCalls;
      try {
        chat = ChatCompletionRequest.parse(read.result());
        knobs = resolveKnobs(request, chat);
        toolCalls = StandinToolCalls.decide(chat, knobs);
      } catch (InvalidRequestException e) {
        OpenAiErrors.invalidRequest(response, e);
        return;
      }
      if (knobs.failure().isActive()) {
        stats.failureInjected();
      }
      afterDelay(response, knobs.firstByteDelayMs(), () -> answer(request, chat, knobs, toolCalls));
    });
  }

  private StandinKnobs resolveKnobs(HttpServerRequest request, ChatCompletionRequest chat)
      throws InvalidRequestException {
    try {
      return StandinKnobs.resolve(options, request.headers(), StandinAnswer.withoutEcho(chat.lastUserMessage()));
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException("Invalid stand-in knob: " + e.getMessage(), "messages",
          "invalid_standin_directive");
    }
  }

  private void answer(HttpServerRequest request, ChatCompletionRequest chat, StandinKnobs knobs,
      java.util.List<StandinToolCalls.Call> toolCalls) {
    HttpServerResponse response = request.response();
    switch (knobs.failure().kind()) {
      case HTTP_500:
        OpenAiErrors.send(response, 500, "The stand-in LLM failed on purpose (fail=http_500).",
            "server_error", null, "standin_injected_failure");
        return;
      case HTTP_429:
        response.putHeader("retry-after", "1");
        OpenAiErrors.send(response, 429, "Rate limit reached on the stand-in LLM (fail=http_429).",
            "requests", null, "rate_limit_exceeded");
        return;
      case HANG:
        return; // keep the connection open and never answer
      default:
        break;
    }
    CompletionPayloads payloads = new CompletionPayloads(
        "chatcmpl-standin-" + completionIds.incrementAndGet(),
        System.currentTimeMillis() / 1000,
        chat.model() != null ? chat.model() : options.getModel(),
        answerOf(chat, knobs, request.headers()),
        toolCalls,
        chat.parameters().logprobs() ? chat.parameters().topLogprobs() : -1,
        chat.promptTokens(),
        chat.stream() && chat.includeUsage());
    boolean midStream = knobs.failure().kind() == InjectedFailure.Kind.MID_STREAM;
    if (chat.stream()) {
      stats.streamStarted();
      response.setStatusCode(200)
          .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream")
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
      int breakAfter = midStream ? knobs.failure().afterChunks() : -1;
      new CompletionStreamWriter(vertx, response, payloads, knobs.chunkDelayMs(), breakAfter).start();
    } else {
      // A non-streamed answer takes as long as the stream would have.
      long generationMs = knobs.chunkDelayMs() * payloads.contentChunkCount();
      afterDelay(response, generationMs, () -> {
        if (midStream) {
          response.close();
        } else {
          response.setStatusCode(200)
              .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
              .end(payloads.completion().encode());
        }
      });
    }
  }

  /** The deterministic answer; with {@code alternate}, every second call with the same message gets the variant. */
  private StandinAnswer answerOf(ChatCompletionRequest chat, StandinKnobs knobs, io.vertx.core.MultiMap headers) {
    StandinAnswer answer = StandinAnswer.of(chat, knobs.chunks(), headers);
    if (knobs.alternate() == StandinKnobs.Alternate.NONE) {
      return answer;
    }
    int earlier;
    synchronized (callsPerMessage) {
      earlier = callsPerMessage.merge(StandinAnswer.excerpt(chat.lastUserMessage()), 1, Integer::sum) - 1;
    }
    return earlier % 2 == 0 ? answer : answer.alternated(knobs.alternate(), chat.lastUserMessage());
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
