package io.chatgw.runtime.plane;

import static io.chatgw.runtime.plane.FakeGateway.await;

import io.chatgw.standin.StandinLlmOptions;
import io.chatgw.standin.StandinLlmServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Set-up shared by the ExecutionPlane*Test classes: the stand-in LLM (per class), a {@link FakeGateway} and a data
 * dir per test, planes started against them (closed after each test), and small helpers.
 */
abstract class ExecutionPlaneSupport {

  static Vertx vertx;
  static StandinLlmServer llm;

  @TempDir
  Path dataDir;
  FakeGateway gateway;
  private final List<ExecutionPlane> planes = new ArrayList<>();

  @BeforeAll
  static void startLlm() {
    vertx = Vertx.vertx();
    llm = await(StandinLlmServer.start(vertx, new StandinLlmOptions().setChunkDelayMs(1)));
  }

  @AfterAll
  static void stopLlm() {
    await(llm.close());
    await(vertx.close());
  }

  @BeforeEach
  void startGateway() {
    gateway = new FakeGateway(vertx).start();
  }

  @AfterEach
  void stopAll() {
    planes.forEach(plane -> await(plane.close()));
    gateway.stop();
  }

  PlaneOptions options() {
    return new PlaneOptions()
        .setGatewayUrl(gateway.url())
        .setToken(FakeGateway.TOKEN)
        .setVmId("vm-1")
        .setDataDir(dataDir.toString())
        .setLlmBaseUrl(llm.baseUrl())
        .setBackoffBaseMs(50)
        .setBackoffCapMs(200);
  }

  ExecutionPlane startPlane(PlaneOptions options) {
    ExecutionPlane plane = await(ExecutionPlane.start(vertx, options));
    planes.add(plane);
    return plane;
  }

  static JsonObject sessionState(Path stateFile) {
    try {
      return StateStore.replay(Files.readString(stateFile)).getJsonObject("sessions").getJsonObject("s1");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static List<Long> seqs(List<JsonObject> events) {
    return events.stream().map(event -> event.getLong("seq")).collect(Collectors.toList());
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
