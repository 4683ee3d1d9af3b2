package io.chatgw.runtime.plane;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.logging.Logger;

/**
 * The checkpoints of the turns the plane runs, in its state file ({@code sessions.<id>.open_turn}, next to
 * {@code open_request_id}): what a turn needs to be run again after the plane crashed ({@code request_id, message,
 * history, parameters, continuation, shadow, traceparent}), {@code first_seq}, the seq of its first event, and
 * {@code tool_outputs}, the outputs of its tool requests answered so far (a resumed turn does not make them again),
 * and {@code answer}, the part of the LLM's answer the gateway acknowledged ({@code text}, {@code events}, whether it
 * is {@code continuable}, {@code upto_seq}: {@link PartialAnswer} adds the unacknowledged rest; a
 * resumed turn asks the LLM to continue it). Opened by a {@code user_message}, extended after each tool step and as
 * answer events are acknowledged, closed by the turn's {@code done} / {@code error}.
 * docs/protocol.md "Recovery after a crash".
 */
final class TurnCheckpoints {

  private static final Logger LOG = Logger.getLogger(TurnCheckpoints.class.getName());

  private final PlaneState state;
  private final StateStore store;

  TurnCheckpoints(PlaneState state, StateStore store) {
    this.state = state;
    this.store = store;
  }

  /** A {@code user_message} starts a turn of its session: its checkpoint, before any of its events (saved by the caller). */
  PlaneState.Session open(String sessionId, String requestId, JsonObject userMessage) {
    PlaneState.Session session = state.session(sessionId);
    session.openRequestId = requestId;
    session.openTurn = new JsonObject().put("request_id", userMessage.getValue("request_id"))
        .put("message", userMessage.getValue("message")).put("history", userMessage.getValue("history"))
        .put("parameters", userMessage.getValue("parameters")).put("continuation", userMessage.getValue("continuation"))
        .put("shadow", Boolean.TRUE.equals(userMessage.getValue("shadow"))).put("first_seq", session.lastSeq + 1)
        .put("traceparent", io.chatgw.runtime.TraceContext.child(userMessage.getValue("traceparent"))); // kept: a resumed turn continues it
    session.checkpointChanged();
    return session;
  }

  /** The outputs of the turn's tool requests so far: into its checkpoint, on disk before the turn goes on. */
  void toolOutputs(String sessionId, String requestId, JsonArray outputs) {
    PlaneState.Session session = state.session(sessionId);
    if (session.openTurn != null && requestId.equals(session.openRequestId)) {
      session.openTurn.put("tool_outputs", outputs);
      session.checkpointChanged();
      store.save();
    }
  }

  /** The request's turn ended (or the gateway no longer runs it): no checkpoint to resume from any more. */
  void close(String sessionId, String requestId) {
    PlaneState.Session session = state.session(sessionId);
    if (requestId.equals(session.openRequestId)) {
      session.openRequestId = null;
      session.openTurn = null;
    }
  }

  /**
   * The turn an earlier life of this plane was running when it died, to run again from its checkpoint. Its events up
   * to the session's highest seq are at the gateway already or resent by the journal, so the run's first that many
   * events are not emitted again; the rest continue the numbering. The message's {@code [[plane ...]]} directives do
   * not apply a second time.
   *
   * @throws IllegalArgumentException if the checkpoint's message cannot be read
   */
  static PlaneTurn resume(TurnHost host, String sessionId, String requestId, PlaneState.Session session) {
    JsonObject checkpoint = session.openTurn;
    Object firstSeq = checkpoint.getValue("first_seq");
    long already = firstSeq instanceof Number ? Math.max(0, session.lastSeq - ((Number) firstSeq).longValue() + 1) : 0;
    Object message = checkpoint.getValue("message");
    PlaneDirectives.Extraction extraction = PlaneDirectives.extract(message instanceof String ? (String) message : "");
    LOG.info("resuming request " + requestId + " of session " + sessionId + " from its checkpoint (" + already
        + " events already numbered)");
    PlaneTurn turn = new PlaneTurn(host, sessionId, requestId, extraction.text(),
        PlaneFrames.messages(checkpoint.getValue("history")), PlaneDirectives.NONE); // as the user_message had them
    if (checkpoint.getValue("parameters") instanceof JsonObject parameters) {
      turn.parameters(parameters);
    }
    turn.continuation(PlaneFrames.messages(checkpoint.getValue("continuation")));
    turn.shadow(Boolean.TRUE.equals(checkpoint.getValue("shadow"))); // a resumed shadow still has no side effects
    if (checkpoint.getValue("tool_outputs") instanceof JsonArray outputs) {
      turn.toolOutputs(outputs); // the tool requests its earlier run completed are not made again
    }
    JsonObject answer = session.answerSoFar();
    long events = answer.getLong("events");
    if (answer.getBoolean("continuable") && events > 0 && events <= already) {
      turn.continueAnswer(answer.getString("text")); // the LLM continues the partial answer (docs/protocol.md)
      already -= events; // the run before its answer (tool steps) is replayed; the answer is not
    }
    turn.alreadyEmitted(already);
    turn.traceparent(checkpoint.getValue("traceparent") instanceof String span ? span : null);
    return turn;
  }
}
