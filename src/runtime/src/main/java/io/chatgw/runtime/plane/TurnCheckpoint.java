package io.chatgw.runtime.plane;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.logging.Logger;

/**
 * A turn's checkpoint in the state file ({@code sessions.<id>.open_turn}): what the turn needs to be run again after
 * the plane crashed ({@code request_id, message, history, parameters}), {@code first_seq}, the seq of its first
 * event, and {@code tool_outputs}, the outputs of its tool requests answered so far. docs/protocol.md "Recovery after a crash".
 */
final class TurnCheckpoint {

  private static final Logger LOG = Logger.getLogger(TurnCheckpoint.class.getName());

  private TurnCheckpoint() {
  }

  /** The checkpoint of the turn a {@code user_message} starts in {@code session} (before any of its events). */
  static JsonObject of(JsonObject userMessage, PlaneState.Session session) {
    return new JsonObject().put("request_id", userMessage.getValue("request_id"))
        .put("message", userMessage.getValue("message")).put("history", userMessage.getValue("history"))
        .put("parameters", userMessage.getValue("parameters")).put("first_seq", session.lastSeq + 1)
        .put("traceparent", PlaneTrace.child(userMessage.getValue("traceparent"))); // kept: a resumed turn continues it
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
    PlaneTurn turn = new PlaneTurn(host, sessionId, requestId, extraction.text(), history(checkpoint.getValue("history")),
        PlaneDirectives.NONE);
    if (checkpoint.getValue("parameters") instanceof JsonObject parameters) {
      turn.parameters(parameters);
    }
    if (checkpoint.getValue("tool_outputs") instanceof JsonArray outputs) {
      turn.toolOutputs(outputs); // the tool requests its earlier run completed are not made again
    }
    turn.alreadyEmitted(already);
    return turn;
  }

  /** Earlier turns as the LLM gets them: {@code {role, content}} objects with string fields, others dropped. */
  static JsonArray history(Object value) {
    JsonArray history = new JsonArray();
    if (value instanceof JsonArray) {
      for (Object entry : (JsonArray) value) {
        if (entry instanceof JsonObject && ((JsonObject) entry).getValue("role") instanceof String
            && ((JsonObject) entry).getValue("content") instanceof String) {
          JsonObject turn = (JsonObject) entry;
          history.add(new JsonObject().put("role", turn.getString("role")).put("content", turn.getString("content")));
        }
      }
    }
    return history;
  }
}
