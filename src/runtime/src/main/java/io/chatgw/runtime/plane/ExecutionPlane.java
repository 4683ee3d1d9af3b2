package io.chatgw.runtime.plane;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Objects;

/**
 * The reference EXECUTION PLANE: dials in to the gateway's {@code /ws/vm} endpoint and speaks the
 * protocol of {@code docs/protocol.md}: {@code hello}/{@code welcome} with resume state,
 * {@code user_message} answered by streaming an OpenAI-compatible LLM as {@code sse_event}s
 * (numbered per session, persisted before they go out, resent after reconnects and restarts until
 * acknowledged), {@code request}s for skills, memories and MCP calls, {@code cancel},
 * {@code ping}/{@code pong}, usage reports and snapshots. Reconnects with exponential backoff and
 * full jitter.
 *
 * <p>Its state lives in one JSON file in the data dir (see {@link PlaneState}), so a plane started
 * again with the same data dir resumes where the last one stopped.
 *
 * <p>Tests steer it with {@code [[plane ...]]} directives in the user message (see
 * {@link PlaneDirectives}); {@code [[standin ...]]} directives are passed on to the LLM.
 *
 * <p>Runs on a {@link Vertx} supplied by the caller, on an event loop of its own, so it can live
 * inside another process (the gateway, tests) or in its own ({@code RuntimeMain --mode=ws}).
 */
public final class ExecutionPlane {

  private final PlaneVerticle verticle;
  private final String vmId;
  private final String dataDir;

  private ExecutionPlane(PlaneVerticle verticle, PlaneOptions options) {
    this.verticle = verticle;
    this.vmId = options.getVmId();
    this.dataDir = options.getDataDir();
  }

  /**
   * Starts a plane on {@code vertx}: reads its state file and starts dialling the gateway.
   *
   * @param options settings; copied, so later changes have no effect
   * @return the plane once it has read its state (it may not be connected yet: see
   *         {@link #connected()}); failed if the options are incomplete or the state file unusable
   */
  public static Future<ExecutionPlane> start(Vertx vertx, PlaneOptions options) {
    Objects.requireNonNull(vertx, "vertx");
    PlaneOptions settings = new PlaneOptions(Objects.requireNonNull(options, "options"));
    try {
      settings.validate();
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    PlaneVerticle verticle = new PlaneVerticle(settings);
    return vertx.deployVerticle(verticle).map(ignored -> new ExecutionPlane(verticle, settings));
  }

  /**
   * Graceful stop: closes the socket with 1000, stops reconnecting and stops the running turns
   * (they stay open in the state file). Completes once stopped; later calls return the same future.
   */
  public Future<Void> close() {
    return verticle.close();
  }

  /**
   * Abrupt stop, as if the process died: drops the TCP connection without a close frame and stops
   * everything, keeping the data dir; a later {@link #start} with the same data dir resumes.
   * Completes once stopped and no state write is in flight.
   */
  public Future<Void> crash() {
    return verticle.crashFromOutside();
  }

  /** Completes once the plane has stopped: {@link #close()}, {@link #crash()} or {@code exit_after}. */
  public Future<Void> terminated() {
    return verticle.terminated();
  }

  /** Whether the plane is connected to the gateway and welcomed. */
  public boolean connected() {
    return verticle.connected();
  }

  /**
   * Replaces the VM token for the next connection attempts (a token only has to be valid when
   * connecting; a plane that reconnects after it expired is rejected with 1008 until it gets a
   * fresh one). Safe from any thread.
   */
  public void updateToken(String token) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("token must not be blank");
    }
    verticle.updateToken(token.strip());
  }

  public String vmId() {
    return vmId;
  }

  public String dataDir() {
    return dataDir;
  }
}
