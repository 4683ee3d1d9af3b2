package io.chatgw.standin;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Builds the JSON bodies of one answer: the {@code chat.completion} object, or the
 * {@code chat.completion.chunk} server-sent events of a stream. Every payload of an answer
 * carries the same {@code id}, {@code created} and {@code model}.
 *
 * <p>An answer with tool calls ({@link StandinToolCalls}) has no text: streamed, each call is three chunks as
 * OpenAI streams them (its index, id, type and name with empty arguments, then the arguments in two pieces), and
 * an empty-delta chunk with {@code finish_reason: tool_calls} ends it; not streamed, the message has
 * {@code content: null} and {@code tool_calls}.
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
  private final java.util.List<StandinToolCalls.Call> toolCalls;

  CompletionPayloads(String id, long created, String model, StandinAnswer answer, int topLogprobs,
      int promptTokens, boolean includeUsage) {
    this(id, created, model, answer, java.util.List.of(), topLogprobs, promptTokens, includeUsage);
  }

  CompletionPayloads(String id, long created, String model, StandinAnswer answer,
      java.util.List<StandinToolCalls.Call> toolCalls, int topLogprobs, int promptTokens, boolean includeUsage) {
    this.toolCalls = toolCalls;
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
    if (!toolCalls.isEmpty()) {
      JsonArray calls = new JsonArray();
      toolCalls.forEach(c -> calls.add(new JsonObject().put("id", c.id()).put("type", "function")
          .put("function", new JsonObject().put("name", c.name()).put("arguments", c.arguments()))));
      JsonObject message = new JsonObject().put("role", "assistant").put("content", null).put("tool_calls", calls);
      JsonObject choice = new JsonObject().put("index", 0).put("message", message).put("logprobs", null)
          .put("finish_reason", "tool_calls");
      return envelope("chat.completion").put("choices", new JsonArray().add(choice)).put("usage", usage());
    }
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
    return chunkEvent(new JsonObject().put("role", "assistant").put("content", toolCalls.isEmpty() ? "" : null),
        null, null);
  }

  /** Stream event carrying content piece {@code index}; the last piece has {@code finish_reason: stop}. */
  Buffer contentChunk(int index) {
    if (!toolCalls.isEmpty()) {
      return toolCallChunk(index);
    }
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
    return toolCalls.isEmpty() ? answer.pieceCount() : toolCalls.size() * 3 + 1;
  }

  /** Frame {@code index} of a tool-call answer: per call its head and two argument pieces, then the finish. */
  private Buffer toolCallChunk(int index) {
    if (index == toolCalls.size() * 3) {
      return chunkEvent(new JsonObject(), "tool_calls", null);
    }
    StandinToolCalls.Call call = toolCalls.get(index / 3);
    JsonObject fragment = new JsonObject().put("index", index / 3);
    int half = call.arguments().length() / 2;
    switch (index % 3) {
      case 0 -> fragment.put("id", call.id()).put("type", "function")
          .put("function", new JsonObject().put("name", call.name()).put("arguments", ""));
      case 1 -> fragment.put("function", new JsonObject().put("arguments", call.arguments().substring(0, half)));
      default -> fragment.put("function", new JsonObject().put("arguments", call.arguments().substring(half)));
    }
    return chunkEvent(new JsonObject().put("tool_calls", new JsonArray().add(fragment)), null, null);
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
    int completionTokens = toolCalls.isEmpty() ? answer.pieceCount() : toolCalls.size() * 3;
    return new JsonObject()
        .put("prompt_tokens", promptTokens)
        .put("completion_tokens", completionTokens)
        .put("total_tokens", promptTokens + completionTokens);
  }

  private static Buffer sse(JsonObject json) {
    return Buffer.buffer("data: ").appendString(json.encode()).appendString("\n\n");
  }
}
