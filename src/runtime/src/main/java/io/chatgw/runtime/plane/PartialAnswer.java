package io.chatgw.runtime.plane;

import io.vertx.core.json.JsonObject;

/**
 * The part of an open turn's LLM answer its earlier run streamed, which a resumed run asks the LLM to continue
 * (docs/protocol.md "Recovery after a crash" 4): the checkpoint's {@code answer} ({@code text}, the deltas of its
 * acknowledged {@code text} events; {@code events}, how many LLM events that is; {@code continuable}, false once the
 * answer had a {@code tool_call}, which a text prefix cannot carry; {@code upto_seq}), extended as acknowledged events
 * leave the journal, plus the turn's answer events still unacknowledged (on disk with it). No save per event.
 */
final class PartialAnswer {

  private PartialAnswer() {
  }

  /**
   * An event left the journal (acknowledged, or forgotten for want of room): if it is an answer event of the open
   * turn, it goes into the checkpoint's {@code answer}. @return whether the checkpoint changed
   */
  static boolean acknowledged(JsonObject openTurn, String openRequestId, JsonObject frame) {
    if (openTurn == null || !isAnswerOf(frame, openRequestId)) {
      return false;
    }
    JsonObject answer = openTurn.getValue("answer") instanceof JsonObject kept ? kept : empty();
    openTurn.put("answer", add(answer, frame));
    return true;
  }

  /** The open turn's answer so far: {@code {text, events, continuable, upto_seq}}. */
  static JsonObject soFar(JsonObject openTurn, String openRequestId, Iterable<JsonObject> unacked) {
    JsonObject answer = openTurn != null && openTurn.getValue("answer") instanceof JsonObject kept ? kept.copy()
        : empty();
    if (!(answer.getValue("text") instanceof String && answer.getValue("events") instanceof Number
        && answer.getValue("upto_seq") instanceof Number && answer.getValue("continuable") instanceof Boolean)) {
      return empty().put("continuable", false); // not one this plane wrote: the answer is asked for again
    }
    for (JsonObject frame : unacked) {
      if (isAnswerOf(frame, openRequestId) && PlaneState.seqOf(frame) > answer.getLong("upto_seq")) {
        add(answer, frame);
      }
    }
    return answer;
  }

  private static boolean isAnswerOf(JsonObject frame, String requestId) {
    Object event = frame.getValue("event");
    return requestId != null && requestId.equals(frame.getValue("request_id"))
        && ("text".equals(event) || "tool_call".equals(event));
  }

  private static JsonObject empty() {
    return new JsonObject().put("text", "").put("events", 0L).put("continuable", true).put("upto_seq", 0L);
  }

  private static JsonObject add(JsonObject answer, JsonObject frame) {
    if ("text".equals(frame.getValue("event"))) {
      Object delta = frame.getValue("data") instanceof JsonObject data ? data.getValue("delta") : null;
      answer.put("text", answer.getString("text", "") + (delta instanceof String text ? text : ""));
    } else {
      answer.put("continuable", false);
    }
    return answer.put("events", answer.getLong("events", 0L) + 1).put("upto_seq", PlaneState.seqOf(frame));
  }
}
