package io.chatgw.runtime;

/**
 * Receives the outcome of one streamed chat completion, on the caller's event loop. After
 * {@link #onCompleted} or {@link #onFailed} nothing more is delivered.
 */
public interface LlmStreamListener {

  /** A non-empty piece of the assistant's content, as it arrives. */
  void onContent(String text);

  /**
   * As {@link #onContent(String)}, with the piece's {@code logprobs.content} entries when the LLM sent them
   * (the request asked for {@code logprobs}); {@code logprobs} is null otherwise.
   */
  default void onContent(String text, io.vertx.core.json.JsonArray logprobs) {
    onContent(text);
  }

  /**
   * One whole tool call of the LLM (for a tool the request offered in {@code tools}), assembled from its
   * streamed fragments; delivered in index order before {@link #onFinishReason} / {@link #onCompleted}.
   */
  default void onToolCall(int index, String id, String name, String arguments) {
  }

  /**
   * The stream ended with {@code [DONE]}.
   *
   * @param model the model the LLM reported, or {@code null}
   * @param usage the token usage the LLM reported, or {@code null} if it sent none
   */
  void onCompleted(String model, LlmUsage usage);

  /** The LLM said why it stopped ({@code stop}, {@code length}, ...); before {@link #onCompleted}. */
  default void onFinishReason(String reason) {
  }

  /** The call failed: non-2xx status, broken or malformed stream, or unreachable LLM. */
  void onFailed(String message);

  /** Token counts reported by the LLM. */
  record LlmUsage(long promptTokens, long completionTokens) {
  }
}
