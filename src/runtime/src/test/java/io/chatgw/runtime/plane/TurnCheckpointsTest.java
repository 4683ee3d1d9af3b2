package io.chatgw.runtime.plane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TurnCheckpointsTest {

  private static final JsonArray HISTORY = new JsonArray()
      .add(new JsonObject().put("role", "user").put("content", "earlier"))
      .add(new JsonObject().put("role", "assistant").putNull("content").put("tool_calls", new JsonArray()
          .add(new JsonObject().put("id", "c1").put("type", "function"))))
      .add(new JsonObject().put("role", "tool").put("tool_call_id", "c1").put("content", "42"));
  private static final JsonArray CONTINUATION = new JsonArray()
      .add(new JsonObject().put("role", "assistant").put("content", "The answer is"));

  private static JsonObject userMessage(boolean shadow) {
    return new JsonObject().put("type", "user_message").put("session_id", "s1").put("request_id", "r-1")
        .put("message", "go on [[plane tool_delay_ms=5]]").put("history", HISTORY.copy()).put("continuation", CONTINUATION.copy())
        .put("parameters", new JsonObject().put("temperature", 0.2)).put("shadow", shadow);
  }

  /** The state file after a crash: written, then read back by the replacement. */
  private static PlaneState.Session afterACrash(PlaneState state) {
    return PlaneState.fromJson(new JsonObject(state.toJson("vm-1").encode()), "vm-1").session("s1");
  }

  @Test
  void aResumedTurnSendsTheLlmWhatTheUserMessageDidWithItsHistoryAndContinuation() {
    PlaneState state = new PlaneState();
    TurnCheckpoints checkpoints = new TurnCheckpoints(state, null);
    checkpoints.open("s1", "r-1", userMessage(false));
    PlaneTurn original = PlaneTurn.ofUserMessage(null, "s1", "r-1", userMessage(false));

    PlaneTurn resumed = TurnCheckpoints.resume(null, "s1", "r-1", afterACrash(state));

    assertEquals(original.llmMessages(), resumed.llmMessages());
    assertFalse(resumed.shadow());
  }

  @Test
  void aResumedShadowTurnIsStillAShadowSoItMakesNoToolCallWithEffects() {
    PlaneState state = new PlaneState();
    new TurnCheckpoints(state, null).open("s1", "r-1", userMessage(true));

    assertTrue(TurnCheckpoints.resume(null, "s1", "r-1", afterACrash(state)).shadow());
  }

  @Test
  void theToolOutputsCheckpointedBeforeTheCrashAreOnDiskForTheResumedTurn(@TempDir Path dataDir) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      PlaneState state = new PlaneState();
      StateStore store = new StateStore(vertx, dataDir.toString());
      store.content(state.source("vm-1"));
      TurnCheckpoints checkpoints = new TurnCheckpoints(state, store);
      checkpoints.open("s1", "r-1", userMessage(false));
      JsonObject mcpResult = new JsonObject().put("result", "done");
      CompletableFuture<Void> written = new CompletableFuture<>();
      vertx.runOnContext(ignored -> { // as the plane does it, on its event loop
        checkpoints.toolOutputs("s1", "r-1", new JsonArray().add(mcpResult));
        checkpoints.toolOutputs("s1", "r-other", new JsonArray().add(new JsonObject())); // not the open turn: ignored
        store.idle().onComplete(done -> written.complete(null));
      });
      written.get(10, TimeUnit.SECONDS);
      JsonObject onDisk = StateStore.replay(Files.readString(Path.of(store.file())));

      PlaneTurn resumed = TurnCheckpoints.resume(null, "s1", "r-1",
          PlaneState.fromJson(onDisk, "vm-1").session("s1"));

      assertEquals(mcpResult, resumed.toolOutput(0));
      assertNull(resumed.toolOutput(1));
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void closingAnotherRequestLeavesTheOpenTurnsCheckpoint() {
    PlaneState state = new PlaneState();
    TurnCheckpoints checkpoints = new TurnCheckpoints(state, null);
    checkpoints.open("s1", "r-1", userMessage(false));

    checkpoints.close("s1", "r-0");
    assertEquals("r-1", state.session("s1").openRequestId);
    checkpoints.close("s1", "r-1");
    assertNull(state.session("s1").openRequestId);
    assertNull(state.session("s1").openTurn);
  }

  @Test
  void aResumedTurnThatHadStreamedPartOfItsAnswerAsksTheLlmToContinueItAfterItsPrefill() {
    PlaneState state = new PlaneState();
    TurnCheckpoints checkpoints = new TurnCheckpoints(state, null);
    checkpoints.open("s1", "r-1", userMessage(false));
    numbered(state, "plan_step", new JsonObject().put("step", 1), "plan_step", new JsonObject().put("step", 2),
        "text", new JsonObject().put("delta", " 42,"), "text", new JsonObject().put("delta", " because"),
        "text", new JsonObject().put("delta", " it is"));
    state.session("s1").dropUpTo(4); // acknowledged: the steps and the first two deltas, into the checkpoint
    PlaneTurn original = PlaneTurn.ofUserMessage(null, "s1", "r-1", userMessage(false));

    PlaneState.Session crashed = afterACrash(state);
    assertEquals(" 42, because", crashed.openTurn.getJsonObject("answer").getString("text"), "the acknowledged part");
    JsonArray sent = TurnCheckpoints.resume(null, "s1", "r-1", crashed).llmMessages();

    JsonArray expected = original.llmMessages();
    expected.set(expected.size() - 1, new JsonObject().put("role", "assistant")
        .put("content", "The answer is 42, because it is"));
    assertEquals(expected, sent, "the prefill and the partial answer (acknowledged and not), one assistant prefix");
  }

  @Test
  void anAnswerThatHadEmittedAToolCallIsAskedForAgainNotContinued() {
    PlaneState state = new PlaneState();
    TurnCheckpoints checkpoints = new TurnCheckpoints(state, null);
    checkpoints.open("s1", "r-1", new JsonObject().put("message", "hi").put("request_id", "r-1"));
    numbered(state, "text", new JsonObject().put("delta", "Let me look"),
        "tool_call", new JsonObject().put("index", 0).put("id", "c1").put("name", "f").put("arguments", "{}"));

    JsonArray sent = TurnCheckpoints.resume(null, "s1", "r-1", afterACrash(state)).llmMessages();

    assertEquals(new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")), sent);
  }

  /** The open turn r-1 of session s1 numbered these events (type, data, ...), unacknowledged, as the journal does. */
  private static void numbered(PlaneState state, Object... typesAndData) {
    PlaneState.Session session = state.session("s1");
    for (int i = 0; i < typesAndData.length; i += 2) {
      session.unacked.addLast(PlaneFrames.sseEvent("s1", "r-1", ++session.lastSeq, (String) typesAndData[i],
          (JsonObject) typesAndData[i + 1]));
    }
  }
}
