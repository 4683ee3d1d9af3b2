package io.chatgw.standin;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Builds the JSON bodies of one answer: the {@code chat.completion} object, or the
 * {@code chat.completion.chunk} server-sent events of a stream. Every payload of an answer
 * carries the same {@code id}, {@code created} and {@code model}.
 */
final class CompletionPayloads {

  private static final Buffer DONE_EVENT = Buffer.buffer("data: [DONE]\n\n");

  private final String id;
  private final long created;
  private final String model;
  private final StandinAnswer answer;
  private final int promptTokens;
  private final boolean includeUsage;
  /** -1: no logprobs; else logprobs with this many top_logprobs per token. */
  private final int topLogprobs;

  CompletionPayloads(String id, long created, String model, StandinAnswer answer, int topLogprobs,
      int promptTokens, boolean includeUsage) {
    this.topLogprobs = topLogprobs;
    this.id = id;
    this.created = created;
    this.model = model;
    this.answer = answer;
    this.promptTokens = promptTokens;
    this.includeUsage = includeUsage;
  }

  /** The non-streamed answer. */
  JsonObject completion() {
    JsonObject message = new JsonObject().put("role", "assistant").put("content", answer.content());
    JsonObject choice = new JsonObject()
        .put("index", 0)
        .put("message", message)
        .put("logprobs", logprobs(0, answer.pieceCount()))
        .put("finish_reason", answer.finishReason());
    return envelope("chat.completion").put("choices", new JsonArray().add(choice)).put("usage", usage());
  }

  /** First stream event: the assistant role with empty content. */
  Buffer roleChunk() {
    return chunkEvent(new JsonObject().put("role", "assistant").put("content", ""), null, null);
  }

  /** Stream event carrying content piece {@code index}; the last piece has {@code finish_reason: stop}. */
  Buffer contentChunk(int index) {
    String finishReason = index == answer.pieceCount() - 1 ? answer.finishReason() : null;
    return chunkEvent(new JsonObject().put("content", answer.piece(index)), finishReason,
        logprobs(index, index + 1));
  }

  /** Stream event with {@code choices: []} and the usage, sent only if the caller asked for it. */
  Buffer usageChunk() {
    return sse(envelope("chat.completion.chunk").put("choices", new JsonArray()).put("usage", usage()));
  }

  Buffer doneEvent() {
    return DONE_EVENT.copy();
  }

  int contentChunkCount() {
    return answer.pieceCount();
  }

  boolean includeUsage() {
    return includeUsage;
  }

  /** {@code logprobs.content} for pieces {@code from..to-1}: each its own token, logprob 0; null if not asked. */
  private JsonObject logprobs(int from, int to) {
    if (topLogprobs < 0) {
      return null;
    }
    JsonArray content = new JsonArray();
    for (int i = from; i < to; i++) {
      String token = answer.piece(i);
      JsonArray bytes = new JsonArray();
      for (byte b : token.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
        bytes.add(b & 0xff);
      }
      JsonArray top = new JsonArray();
      for (int t = 0; t < topLogprobs; t++) {
        top.add(new JsonObject().put("token", token).put("logprob", 0.0).put("bytes", bytes));
      }
      content.add(new JsonObject().put("token", token).put("logprob", 0.0).put("bytes", bytes).put("top_logprobs", top));
    }
    return new JsonObject().put("content", content).put("refusal", null);
  }

  private Buffer chunkEvent(JsonObject delta, String finishReason, JsonObject logprobs) {
    JsonObject choice = new JsonObject()
        .put("index", 0)
        .put("delta", delta)
        .put("logprobs", logprobs)
        .put("finish_reason", finishReason);
    JsonObject chunk = envelope("chat.completion.chunk").put("choices", new JsonArray().add(choice));
    if (includeUsage) {
      // Like OpenAI: with include_usage, every chunk but the last carries "usage": null.
      chunk.put("usage", null);
    }
    return sse(chunk);
  }

  private JsonObject envelope(String object) {
    return new JsonObject()
        .put("id", id)
        .put("object", object)
        .put("created", created)
        .put("model", model);
  }

  private JsonObject usage() {
    int completionTokens = answer.pieceCount();
    return new JsonObject()
        .put("prompt_tokens", promptTokens)
        .put("completion_tokens", completionTokens)
        .put("total_tokens", promptTokens + completionTokens);
  }

  private static Buffer sse(JsonObject json) {
    return Buffer.buffer("data: ").appendString(json.encode()).appendString("\n\n");
  }
}
