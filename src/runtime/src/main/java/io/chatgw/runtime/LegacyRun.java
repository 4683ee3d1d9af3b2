package io.chatgw.runtime;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * One execution of the legacy runtime: emits {@code run_started}, the tool demo when asked for,
 * then streams the LLM's answer as {@code token} events (and its calls of the client's tools as
 * {@code llm_tool_call} events) and ends with {@code run_finished} or {@code run_failed}. Pauses the LLM stream while the client is slow and cancels it when the
 * client goes away (or the stream stalls on purpose).
 */
final class LegacyRun implements LlmStreamListener {

  static final String LLM_ERROR = "llm_error";

  private final String runId;
  private final String model;
  private final ExecuteRequest request;
  private final String llmMessage;
  private final NativeEventWriter events;
  private final LlmChatClient llm;
  private final boolean shadow;
  private final java.util.Map<String, String> llmHeaders;
  private LlmChatClient.LlmCall call;
  private boolean stopped;
  private String finishReason;

  /**
   * @param llmMessage the user's message as it goes to the LLM (runtime directives removed)
   * @param shadow     a shadow run: the tool demo's MCP call is not made (its output says so)
   * @param llmHeaders sent with the LLM call: the run's span ({@link TraceContext}), the shadow marker passed on
   */
  LegacyRun(String runId, String model, ExecuteRequest request, String llmMessage, NativeEventWriter events,
      LlmChatClient llm, boolean shadow, java.util.Map<String, String> llmHeaders) {
    this.shadow = shadow;
    this.llmHeaders = llmHeaders;
    this.runId = runId;
    this.model = model;
    this.request = request;
    this.llmMessage = llmMessage;
    this.events = events;
    this.llm = llm;
  }

  /** Starts the run; the writer must not be opened yet. */
  void start() {
    events.stopHandler(this::stop);
    events.open(runId);
    events.emit("run_started", new JsonObject().put("run_id", runId).put("model", model));
    if (ToolDemo.isRequested(llmMessage)) {
      ToolDemo.emit(events, llmMessage, shadow);
    }
    if (stopped) {
      return;
    }
    call = llm.streamChat(llmMessages(), request.parameters(), llmHeaders, this);
    if (events.isBackedUp()) {
      pauseLlmUntilWritable();
    }
  }

  @Override
  public void onContent(String text) {
    onContent(text, null);
  }

  @Override
  public void onContent(String text, JsonArray logprobs) {
    JsonObject token = new JsonObject().put("text", text);
    if (logprobs != null) {
      token.put("logprobs", logprobs);
    }
    events.emit("token", token);
    if (events.isBackedUp()) {
      pauseLlmUntilWritable();
    }
  }

  /** The LLM called one of the client's tools (OpenAI {@code tools}): relayed for the client to run. */
  @Override
  public void onToolCall(int index, String id, String name, String arguments) {
    events.emit("llm_tool_call", new JsonObject().put("index", index).put("id", id).put("name", name)
        .put("arguments", arguments));
  }

  @Override
  public void onFinishReason(String reason) {
    finishReason = reason;
  }

  @Override
  public void onCompleted(String reportedModel, LlmUsage usage) {
    JsonObject usageJson = new JsonObject()
        .put("input_tokens", usage == null ? 0 : usage.promptTokens())
        .put("output_tokens", usage == null ? 0 : usage.completionTokens());
    events.emit("run_finished", new JsonObject()
        .put("model", reportedModel != null ? reportedModel : model)
        .put("finish_reason", finishReason)
        .put("usage", usageJson));
    events.finish();
  }

  @Override
  public void onFailed(String message) {
    events.emit("run_failed", new JsonObject().put("code", LLM_ERROR).put("message", message));
    events.finish();
  }

  private JsonArray llmMessages() {
    JsonArray messages = new JsonArray();
    request.history().forEach(messages::add);
    messages.add(new JsonObject().put("role", "user").put("content", llmMessage));
    request.continuation().forEach(messages::add);
    return messages;
  }

  private void pauseLlmUntilWritable() {
    LlmChatClient.LlmCall current = call;
    if (current == null) {
      return;
    }
    current.pause();
    events.whenWritable(current::resume);
  }

  private void stop() {
    stopped = true;
    if (call != null) {
      call.cancel();
    }
  }
}
