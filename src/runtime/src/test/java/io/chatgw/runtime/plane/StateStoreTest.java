package io.chatgw.runtime.plane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {

  @TempDir
  Path dataDir;
  Vertx vertx;

  @BeforeEach
  void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aSaveAppendsOnlyTheSessionsThatChangedAndALoadReadsTheWholeStateBack() throws Exception {
    PlaneState state = new PlaneState();
    StateStore store = new StateStore(vertx, dataDir.toString());
    store.content(state.source("vm-1"));
    onLoop(() -> {
      for (int i = 0; i < 1000; i++) {
        state.session("s" + i).lastSeq = i;
      }
      return store.save(); // the first write is a snapshot of all 1,000
    });
    long afterSnapshot = Files.size(dataDir.resolve(StateStore.FILE_NAME));
    onLoop(() -> {
      state.session("s7").ackedSeq = 7;
      return store.save();
    });
    long appended = Files.size(dataDir.resolve(StateStore.FILE_NAME)) - afterSnapshot;

    assertTrue(appended < 200, "one session's line, not the state's " + afterSnapshot + " bytes: " + appended);
    JsonObject loaded = onLoop(() -> new StateStore(vertx, dataDir.toString()).load());
    assertEquals(state.toJson("vm-1"), loaded);
  }

  @Test
  void theLogIsCompactedIntoASnapshotOnceItOutgrowsIt() throws Exception {
    PlaneState state = new PlaneState();
    StateStore store = new StateStore(vertx, dataDir.toString());
    store.content(state.source("vm-1"));
    onLoop(() -> {
      state.session("s1").lastSeq = 1;
      return store.save();
    });
    String padding = "x".repeat(4096);
    for (int i = 0; i < 600; i++) { // ~2.5 MB of changes to one session
      int seq = i + 2;
      onLoop(() -> {
        PlaneState.Session session = state.session("s1");
        session.lastSeq = seq;
        session.openRequestId = "r-" + seq + padding;
        return store.save();
      });
    }

    long size = Files.size(dataDir.resolve(StateStore.FILE_NAME));
    assertTrue(size < StateStore.COMPACT_MIN_BYTES + 10_000, "compacted: " + size + " bytes");
    assertEquals(state.toJson("vm-1"), onLoop(() -> new StateStore(vertx, dataDir.toString()).load()));
  }

  @Test
  void aTornLastLineIsIgnoredAndABrokenLineInTheMiddleIsAnError() {
    String header = "{\"format\":1,\"vm_id\":\"vm-1\",\"last_downlink_seq\":3,\"seq_floor\":0}\n";
    String session = "{\"session\":\"s1\",\"state\":{\"last_seq\":5}}\n";

    JsonObject replayed = StateStore.replay(header + session + "{\"session\":\"s1\",\"sta");
    assertEquals(5L, replayed.getJsonObject("sessions").getJsonObject("s1").getLong("last_seq"));
    assertThrows(IllegalStateException.class, () -> StateStore.replay(header + "{\"sess\n" + session));
    assertThrows(IllegalStateException.class, () -> StateStore.replay(session), "no header line");
  }

  @Test
  void aDataDirOfTheSingleFileFormatIsReadAndTurnedIntoTheLog() throws Exception {
    PlaneState old = new PlaneState();
    old.lastDownlinkSeq = 4;
    old.session("s1").lastSeq = 12;
    Files.writeString(dataDir.resolve(StateStore.OLD_FILE_NAME), old.toJson("vm-1").encode());
    StateStore store = new StateStore(vertx, dataDir.toString());
    JsonObject loaded = onLoop(store::load);
    assertEquals(old.toJson("vm-1"), loaded);

    PlaneState state = PlaneState.fromJson(loaded, "vm-1");
    store.content(state.source("vm-1"));
    onLoop(store::save);

    assertFalse(Files.exists(dataDir.resolve(StateStore.OLD_FILE_NAME)));
    assertEquals(old.toJson("vm-1"), onLoop(() -> new StateStore(vertx, dataDir.toString()).load()));
  }

  /** Runs {@code action} on an event loop (as the plane does) and waits for its future. */
  private <T> T onLoop(Callable<Future<T>> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    vertx.runOnContext(ignored -> {
      try {
        action.call().onComplete(ar -> {
          if (ar.succeeded()) {
            result.complete(ar.result());
          } else {
            result.completeExceptionally(ar.cause());
          }
        });
      } catch (Exception e) {
        result.completeExceptionally(e);
      }
    });
    return result.get(10, TimeUnit.SECONDS);
  }
}
