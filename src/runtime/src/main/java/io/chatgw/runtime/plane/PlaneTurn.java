package io.chatgw.runtime.plane;

import io.chatgw.runtime.LlmChatClient;
import io.chatgw.runtime.LlmStreamListener;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The answer to one {@code user_message}: the tool steps when asked for (see {@link ToolSteps}),
 * then the LLM's streamed answer as {@code text} events (its calls of the client's tools as
 * {@code tool_call} events), ending with {@code done} or {@code error}. Pauses the LLM stream while events cannot go out. Applies the turn's
 * {@link PlaneDirectives}. Used from the plane's event loop only.
 * A shadow turn (the {@code user_message} was flagged {@code shadow}: docs/protocol.md) answers the same way but
 * applies no side effects: no MCP call (its result says so), no session state, no usage report, no snapshot.
 */
final class PlaneTurn implements LlmStreamListener {

  static final String LLM_ERROR = "llm_error";
  static final String CANCELLED = "cancelled";

  private final TurnHost host;
  private final String sessionId;
  private final String requestId;
  private final String text;
  private final JsonArray history;
  private final PlaneDirectives directives;
  private LlmChatClient.LlmCall call;
  private JsonObject parameters = new JsonObject();
  private boolean shadow;
  private String traceparent;
  private JsonArray continuation = new JsonArray();
  private String finishReason;
  private boolean paused;
  private boolean ended;
  private long highestSentSeq;
  /** Events of a resumed turn that its earlier run emitted already: not emitted again. */
  private long alreadyEmitted;
  private int sentEvents;
  /** Outputs of this turn's tool requests, in request order (a resumed turn starts with its checkpoint's). */
  private JsonArray toolOutputs = new JsonArray();
  /** A resumed turn: the partial answer its earlier run streamed, which the LLM is asked to continue. */
  private String answerPrefix;

  /**
   * @param text    the user's message as it goes to the LLM ({@code [[plane ...]]} removed)
   * @param history earlier turns, {@code {role, content}} objects, oldest first
   */
  PlaneTurn(TurnHost host, String sessionId, String requestId, String text, JsonArray history,
      PlaneDirectives directives) {
    this.host = host;
    this.sessionId = sessionId;
    this.requestId = requestId;
    this.text = text;
    this.history = history;
    this.directives = directives;
  }

  /** A {@code user_message} the plane cannot run: answered with {@code error} {@link #code()}. */
  static final class Refused extends RuntimeException {
    private final String code;

    Refused(String code, String message) {
      super(message);
      this.code = code;
    }

    String code() {
      return code;
    }
  }

  /** The turn a {@code user_message} asks for. @throws Refused without a string message, or with a bad directive */
  static PlaneTurn ofUserMessage(TurnHost host, String sessionId, String requestId, JsonObject frame) {
    if (!(frame.getValue("message") instanceof String message)) {
      throw new Refused("bad_request", "the user_message has no string 'message'");
    }
    PlaneDirectives.Extraction extraction;
    try {
      extraction = PlaneDirectives.extract(message);
    } catch (IllegalArgumentException e) {
      throw new Refused("bad_directive", e.getMessage());
    }
    PlaneTurn turn = new PlaneTurn(host, sessionId, requestId, extraction.text(),
        PlaneFrames.messages(frame.getValue("history")), extraction.directives());
    turn.continuation(PlaneFrames.messages(frame.getValue("continuation")));
    if (frame.getValue("parameters") instanceof JsonObject parameters) {
      turn.parameters(parameters);
    }
    turn.shadow(Boolean.TRUE.equals(frame.getValue("shadow"))); // docs/protocol.md: no side effects
    return turn;
  }

  String sessionId() {
    return sessionId;
  }

  String requestId() {
    return requestId;
  }

  String text() {
    return text;
  }

  boolean ended() {
    return ended;
  }

  /** Whether the gateway sent this turn as a shadow: nothing of it may have an effect. */
  boolean shadow() {
    return shadow;
  }

  void shadow(boolean shadow) {
    this.shadow = shadow;
  }

  /** The plane's span of this turn ({@code traceparent}, continuing the gateway's), sent with the LLM call. */
  void traceparent(String traceparent) {
    this.traceparent = traceparent;
  }

  void start() {
    if (directives.exitAfter() == 0) {
      host.exit();
      return;
    }
    if (directives.ignorePings()) {
      host.ignorePings();
    }
    Future<Void> tools = ToolSteps.isRequested(text)
        ? new ToolSteps(this, host, text).run()
        : Future.succeededFuture();
    tools.onComplete(ignored -> {
      if (!ended) {
        startLlm();
      }
    });
  }

  /** Emits an event of this turn, unless it has ended (or its earlier run emitted it); returns its seq or -1. */
  long emit(String event, JsonObject data) {
    if (ended) {
      return -1;
    }
    if (alreadyEmitted > 0 && !"done".equals(event) && !"error".equals(event)) {
      alreadyEmitted--;
      return -1;
    }
    return host.emit(sessionId, requestId, event, data);
  }

  /** A resumed turn: the outputs of the tool requests its earlier run completed (from the checkpoint). */
  void toolOutputs(JsonArray outputs) {
    this.toolOutputs = outputs == null ? new JsonArray() : outputs.copy();
  }

  /** The output of the turn's {@code index}-th tool request if it was answered already, else null. */
  JsonObject toolOutput(int index) {
    return index < toolOutputs.size() && toolOutputs.getValue(index) instanceof JsonObject output ? output : null;
  }

  /** The {@code index}-th tool request was answered: into the checkpoint (a shadow turn leaves no state). */
  void toolAnswered(int index, JsonObject output) {
    if (ended || index != toolOutputs.size()) {
      return;
    }
    toolOutputs.add(output);
    if (!shadow) {
      host.checkpointTools(sessionId, requestId, toolOutputs.copy());
    }
  }

  /** {@code tool_delay_ms}: how long each tool request waits before it goes out. */
  long toolDelayMs() {
    return directives.toolDelayMs();
  }

  /** A resumed turn: its first {@code count} events were emitted by the run a crash interrupted. */
  void alreadyEmitted(long count) {
    this.alreadyEmitted = count;
  }

  /** {@code cancel} from the gateway: stops the LLM call and ends with {@code error cancelled}. */
  void cancel() {
    if (ended) {
      return;
    }
    stopLlm();
    endWithError(CANCELLED, "cancelled by the gateway");
  }

  /** Stops without another event (the plane stops, or the gateway no longer runs the turn). */
  void abandon() {
    if (ended) {
      return;
    }
    ended = true;
    stopLlm();
  }

  /** An event of this turn went out (possibly again, after a reconnect); applies the knobs. */
  void onSent(long seq) {
    if (seq <= highestSentSeq) {
      return;
    }
    highestSentSeq = seq;
    sentEvents++;
    if (sentEvents == directives.crashAfter()) {
      host.blip();
    }
    if (sentEvents == directives.exitAfter()) {
      host.exit();
    }
  }

  @Override
  public void onContent(String delta) {
    onContent(delta, null);
  }

  @Override
  public void onContent(String delta, JsonArray logprobs) {
    if (ended) {
      return;
    }
    JsonObject data = new JsonObject().put("delta", delta);
    if (logprobs != null) {
      data.put("logprobs", logprobs);
    }
    emit("text", data); // once its frame is on disk, part of the answer a resumed run continues (PartialAnswer)
    pauseWhileBackedUp();
  }

  /** The LLM called one of the client's tools: a {@code tool_call} event, for the client to run. */
  @Override
  public void onToolCall(int index, String id, String name, String arguments) {
    if (!ended) {
      emit("tool_call", new JsonObject().put("index", index).put("id", id).put("name", name)
          .put("arguments", arguments));
    }
  }

  @Override
  public void onFinishReason(String reason) {
    finishReason = reason;
  }

  @Override
  public void onCompleted(String reportedModel, LlmUsage usage) {
    if (ended) {
      return;
    }
    String model = reportedModel != null ? reportedModel : host.model();
    long promptTokens = usage == null ? 0 : usage.promptTokens();
    long completionTokens = usage == null ? 0 : usage.completionTokens();
    long seq = emit("done", new JsonObject()
        .put("model", model)
        .put("finish_reason", finishReason)
        .put("usage", new JsonObject().put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens)));
    ended = true;
    if (!shadow) { // a shadow leaves no session state, usage report or snapshot behind
      host.finished(this, seq, model, new LlmUsage(promptTokens, completionTokens));
    }
    host.ended(this);
  }

  @Override
  public void onFailed(String message) {
    if (!ended) {
      endWithError(LLM_ERROR, message);
    }
  }

  /** The OpenAI parameters of the {@code user_message} ({@code max_tokens}, ...), for the LLM call; before start. */
  void parameters(JsonObject parameters) {
    this.parameters = parameters;
  }

  /** The {@code user_message}'s continuation (tool calls, tool results, a prefill), after the message; before start. */
  void continuation(JsonArray continuation) {
    this.continuation = continuation;
  }

  /**
   * What the LLM is sent: the history, the user's message, then the continuation; for a resumed turn that had streamed
   * part of its answer, that part last as the assistant's prefix (after a prefill of the continuation's, joined with
   * it), so that the LLM sends the rest only (docs/protocol.md "Recovery after a crash").
   */
  JsonArray llmMessages() {
    JsonArray messages = history.copy().add(new JsonObject().put("role", "user").put("content", text));
    continuation.forEach(messages::add);
    if (answerPrefix != null) {
      Object last = messages.getValue(messages.size() - 1);
      if (last instanceof JsonObject prefill && "assistant".equals(prefill.getValue("role"))
          && prefill.getValue("tool_calls") == null && prefill.getValue("content") instanceof String start) {
        messages.set(messages.size() - 1, prefill.copy().put("content", start + answerPrefix));
      } else {
        messages.add(new JsonObject().put("role", "assistant").put("content", answerPrefix));
      }
    }
    return messages;
  }

  /**
   * A resumed turn whose earlier run streamed part of its LLM answer, {@code text} so far: the LLM is asked to
   * continue that text, and what it sends all goes out (the earlier events are the gateway's already).
   */
  void continueAnswer(String text) {
    answerPrefix = text;
  }

  private void startLlm() {
    JsonArray messages = llmMessages();
    java.util.Map<String, String> headers = new java.util.HashMap<>(2);
    if (traceparent != null) {
      headers.put(io.chatgw.runtime.TraceContext.HEADER, traceparent);
    }
    if (shadow) {
      headers.put("X-Gateway-Shadow", "true"); // the LLM's side can tell a shadow too (docs/shadow.md)
    }
    call = host.streamChat(messages, parameters, headers, this);
    pauseWhileBackedUp();
  }

  private void pauseWhileBackedUp() {
    if (ended || paused || call == null || !host.backedUp()) {
      return;
    }
    paused = true;
    call.pause();
    host.whenWritable(() -> {
      paused = false;
      if (ended) {
        return;
      }
      if (host.backedUp()) {
        pauseWhileBackedUp();
      } else {
        call.resume();
      }
    });
  }

  private void endWithError(String code, String message) {
    emit("error", new JsonObject().put("code", code).put("message", message));
    ended = true;
    host.ended(this);
  }

  private void stopLlm() {
    if (call != null) {
      call.cancel();
    }
  }
}
