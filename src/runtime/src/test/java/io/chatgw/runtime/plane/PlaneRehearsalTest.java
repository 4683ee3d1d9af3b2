package io.chatgw.runtime.plane;

import static io.chatgw.runtime.plane.FakeGateway.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A warm-pool plane's rehearsal (PlaneRehearsal): whole turns in its own process, nothing left behind. */
class PlaneRehearsalTest extends ExecutionPlaneSupport {

  @Test
  void aRehearsalRunsItsTurnsAndLeavesTheDataDirAsItFoundIt() throws IOException {
    Files.writeString(dataDir.resolve("kept.txt"), "a file of the pool volume");

    String said = await(PlaneRehearsal.run(vertx, options(), Promise.promise().future()));

    assertTrue(said.startsWith("rehearsed " + PlaneRehearsal.TURNS + " turns in "), said);
    assertEquals(java.util.List.of("kept.txt"), names(dataDir));
    assertTrue(gateway.received.isEmpty(), "the rehearsal never dials the real gateway");
  }

  @Test
  void aPlaneStartedOnceTheRehearsalEndsAnswers() {
    // as RuntimeMain does: the claimed plane is started from the rehearsal's outcome
    ExecutionPlane plane = await(PlaneRehearsal.run(vertx, options(), Promise.promise().future())
        .compose(said -> ExecutionPlane.start(vertx, options())));

    answersAMessage(plane);
  }

  @Test
  void aRehearsalCutShortByACrashIsStartedAfreshAndThenRemoved() throws IOException {
    Path leftover = dataDir.resolve(PlaneRehearsal.DIR);
    Files.createDirectories(leftover.resolve("checkpoints"));
    Files.writeString(leftover.resolve("plane-state.jsonl"), "{\"torn");

    String said = await(PlaneRehearsal.run(vertx, options(), Promise.promise().future()));

    assertTrue(said.startsWith("rehearsed "), said);
    assertFalse(Files.exists(leftover));
  }

  @Test
  void aClaimDuringTheRehearsalCutsItShortAndTheClaimedPlaneThenAnswers() throws IOException {
    Future<String> rehearsal = PlaneRehearsal.run(vertx, options(), Future.succeededFuture());

    String said = await(rehearsal);
    assertTrue(said.contains("claimed first"), said);
    assertFalse(Files.exists(dataDir.resolve(PlaneRehearsal.DIR)));

    answersAMessage(await(rehearsal.compose(ignored -> ExecutionPlane.start(vertx, options()))));
  }

  @Test
  void aClaimWhileTheRehearsalPlaneRunsCutsItShortAndTheClaimedPlaneStarts() {
    Promise<Void> claim = Promise.promise();
    vertx.setTimer(PlaneRehearsal.TIMEOUT_MS / 1000, t -> claim.complete()); // 30 ms: the rehearsal plane is up or starting
    ExecutionPlane plane = await(PlaneRehearsal.run(vertx, options(), claim.future())
        .compose(said -> ExecutionPlane.start(vertx, options())));

    answersAMessage(plane);
    assertFalse(Files.exists(dataDir.resolve(PlaneRehearsal.DIR)));
  }

  @Test
  void aRehearsalOnItsOwnCompletesWhenAllItsTurnsDo() {
    String said = await(PlaneRehearsal.runAlone(vertx, options()));

    assertTrue(said.startsWith("rehearsed " + PlaneRehearsal.TURNS + " turns in "), said);
    assertFalse(Files.exists(dataDir.resolve(PlaneRehearsal.DIR)));
  }

  @Test
  void aRehearsalOnItsOwnThatCannotRunFailsAndSaysWhy() throws IOException {
    Path notADir = dataDir.resolve("a-file");
    Files.writeString(notADir, "x"); // its throwaway dir cannot be made under a file

    Throwable failure = awaitFailure(PlaneRehearsal.runAlone(vertx, options().setDataDir(notADir.toString())));

    assertTrue(failure.getMessage().startsWith("rehearsal stopped after "), failure.getMessage());
  }

  private static Throwable awaitFailure(Future<?> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().handle((ok, e) -> e).get(60, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private void answersAMessage(ExecutionPlane plane) {
    try {
      gateway.sendUserMessage("s1", "r1", "[[standin chunks=3]] hello");
      gateway.awaitTerminal("r1");
      assertEquals("done", gateway.terminal("r1").getString("event"));
      assertTrue(plane.connected());
    } finally {
      await(plane.close());
    }
  }

  private static java.util.List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
