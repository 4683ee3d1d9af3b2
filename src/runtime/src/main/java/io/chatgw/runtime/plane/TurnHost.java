package io.chatgw.runtime.plane;

import io.chatgw.runtime.LlmChatClient;
import io.chatgw.runtime.LlmStreamListener;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** What a {@link PlaneTurn} needs from its plane; called on the plane's event loop. */
interface TurnHost {

  /** Numbers, persists and sends an {@code sse_event}; returns its seq. */
  long emit(String sessionId, String requestId, String event, JsonObject data);

  /** Asks the gateway; fails with a {@link GatewayRequestException}. */
  Future<JsonObject> request(String method, JsonObject params);

  /**
   * Streams the LLM's answer with the OpenAI parameters of the gateway's {@code user_message} (may be empty) and
   * {@code headers} on the request (the turn's span as {@code traceparent}, a shadow's marker).
   */
  LlmChatClient.LlmCall streamChat(JsonArray messages, JsonObject parameters, java.util.Map<String, String> headers,
      LlmStreamListener listener);

  /** Completes after {@code ms} milliseconds (on the plane's event loop). */
  Future<Void> after(long ms);

  /** The outputs of the turn's tool requests so far, for its checkpoint (persisted before the turn goes on). */
  void checkpointTools(String sessionId, String requestId, JsonArray outputs);

  /** The model asked of the LLM. */
  String model();

  /** Whether events cannot go out now (not connected, or the socket's write queue is full). */
  boolean backedUp();

  /** Runs {@code action} once events may flow again (it should check {@link #backedUp()} again). */
  void whenWritable(Runnable action);

  /** The turn ended with {@code done} (event {@code doneSeq}). */
  void finished(PlaneTurn turn, long doneSeq, String model, LlmStreamListener.LlmUsage usage);

  /** The turn ended, whichever way. */
  void ended(PlaneTurn turn);

  /** {@code crash_after}: drop the connection abruptly and reconnect. */
  void blip();

  /** {@code exit_after}: stop the plane abruptly (and the process, when run from main). */
  void exit();

  /** {@code ignore_pings}: stop answering pings. */
  void ignorePings();
}
