package io.chatgw.runtime.plane;

import static io.chatgw.runtime.plane.FakeGateway.await;
import static io.chatgw.runtime.plane.FakeGateway.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Crash and exit directives: a dropped connection the turn survives, a restart from the data dir, and the next
 * plane reporting the turn that was lost.
 * Set-up in {@link ExecutionPlaneSupport}.
 */
class ExecutionPlaneCrashTest extends ExecutionPlaneSupport {

  @Test
  void crashAfterDirectiveDropsTheConnectionAndTheTurnGoesOn() {
    ExecutionPlane plane = startPlane(options());
    awaitTrue(plane::connected, "the plane to connect");

    gateway.sendUserMessage("s1", "req-1", "Blip [[plane crash_after=3]] [[standin chunks=6 delay_ms=20]]");
    gateway.awaitTerminal("req-1");

    // the old socket's close may be handled after the new one's frames (another event loop)
    awaitTrue(() -> !gateway.closes.isEmpty(), "the gateway to notice the dropped connection");
    assertEquals("none", gateway.closes.get(0), "dropped without a close frame");
    assertEquals(2, gateway.hellos.size());
    assertEquals(LongStream.rangeClosed(1, 7).boxed().collect(Collectors.toList()), seqs(gateway.events("req-1")));
    assertEquals("done", gateway.terminal("req-1").getString("event"));
    assertEquals("Stand-in reply to \"Blip\": token-1 token-2 token-3 token-4 token-5", gateway.text("req-1"));
    assertTrue(plane.connected());
  }

  @Test
  void crashedPlaneRestartsFromItsDataDir() throws Exception {
    gateway.ackUpTo = 5;
    ExecutionPlane first = startPlane(options());
    awaitTrue(first::connected, "the first plane to connect");
    gateway.sendUserMessage("s1", "req-1", "First turn");
    gateway.awaitTerminal("req-1");
    Path stateFile = dataDir.resolve(StateStore.FILE_NAME);
    awaitTrue(() -> sessionState(stateFile).getLong("acked_seq") == 5, "ack 5 in the state file");
    JsonObject stored = sessionState(stateFile);
    assertEquals(9L, stored.getLong("last_seq"));
    assertEquals(List.of(6L, 7L, 8L, 9L), seqs(stored.getJsonArray("unacked").stream()
        .map(JsonObject.class::cast).collect(Collectors.toList())));

    await(first.crash());
    assertFalse(first.connected());
    awaitTrue(() -> gateway.closes.size() == 1, "the gateway to notice");
    assertEquals("none", gateway.closes.get(0), "a crash sends no close frame");

    ExecutionPlane second = startPlane(options());
    awaitTrue(second::connected, "the second plane to connect");
    JsonObject resume = gateway.hellos.get(1).getJsonObject("resume");
    assertEquals(1L, resume.getLong("last_downlink_seq"));
    assertEquals(new JsonObject().put("s1", 5), resume.getJsonObject("sessions"));

    gateway.sendUserMessage("s1", "req-2", "Second turn [[standin chunks=2]]");
    gateway.awaitTerminal("req-2");
    assertEquals(List.of(10L, 11L, 12L), seqs(gateway.events("req-2")));
    assertTrue(gateway.duplicates.isEmpty());
  }

  @Test
  void exitAfterDirectiveStopsThePlaneAndTheNextOneResumesTheTurnFromItsCheckpoint() {
    ExecutionPlane first = startPlane(options());
    awaitTrue(first::connected, "the first plane to connect");
    gateway.sendUserMessage("s1", "req-1", "Exit [[plane exit_after=3]] [[standin chunks=6 delay_ms=30]]");
    await(first.terminated());
    assertFalse(first.connected());
    awaitTrue(() -> gateway.closes.size() == 1, "the gateway to notice");
    assertEquals("none", gateway.closes.get(0));
    assertTrue(gateway.accepted.size() >= 3);
    assertEquals(null, gateway.terminal("req-1"));

    replacementEndsReq1LikeAnUninterruptedReq2("Exit [[standin chunks=6 delay_ms=30]]");
  }

  /**
   * docs/protocol.md "Recovery after a crash", 4: the resumed run does not ask the LLM for the whole answer again but
   * for the rest of the partial answer (the checkpoint's text as the assistant's prefix; the stand-in honours it), so
   * the LLM sends fewer tokens, and the text is still the uninterrupted run's.
   */
  @Test
  void aResumedTurnAsksTheLlmToContinueItsPartialAnswerInsteadOfAnsweringAgain() {
    ExecutionPlane first = startPlane(options());
    awaitTrue(first::connected, "the first plane to connect");
    gateway.sendUserMessage("s1", "req-1", "Go on [[plane exit_after=3]] [[standin chunks=8 delay_ms=30]]");
    await(first.terminated());
    JsonObject answer = PlaneState.fromJson(StateStore.replay(read(dataDir.resolve(StateStore.FILE_NAME))), "vm-1")
        .session("s1").answerSoFar(); // what the replacement continues: acknowledged part and unacknowledged events
    assertTrue(answer.getInteger("events") >= 3, "the state holds the partial answer: " + answer);
    assertTrue(answer.getString("text").startsWith("Stand-in reply to \"Go on\": token-1 token-2"), answer.encode());

    replacementEndsReq1LikeAnUninterruptedReq2("Go on [[standin chunks=8 delay_ms=30]]");
    assertEquals(8, completionTokens("req-2"));
    assertEquals(8 - answer.getInteger("events"), completionTokens("req-1"), "the LLM sent only the rest");
  }

  /**
   * A second plane on the same data resumes req-1: it ends with done, seqs 1..n with none duplicated; then
   * {@code message}, uninterrupted, in session s2 (req-2) gets the same text.
   */
  private void replacementEndsReq1LikeAnUninterruptedReq2(String message) {
    ExecutionPlane second = startPlane(options());
    awaitTrue(second::connected, "the second plane to connect");
    gateway.awaitTerminal("req-1");
    assertEquals("done", gateway.terminal("req-1").getString("event"));
    List<Long> seqs = seqs(gateway.events("req-1"));
    assertEquals(LongStream.rangeClosed(1, seqs.size()).boxed().collect(Collectors.toList()), seqs);
    assertTrue(gateway.duplicates.isEmpty());

    gateway.sendUserMessage("s2", "req-2", message);
    gateway.awaitTerminal("req-2");
    assertEquals(gateway.text("req-2"), gateway.text("req-1"), "the text of an uninterrupted run");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private long completionTokens(String requestId) {
    return gateway.terminal(requestId).getJsonObject("data").getJsonObject("usage").getLong("completion_tokens");
  }
}
