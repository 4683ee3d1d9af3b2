package io.chatgw.runtime;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Objects;

/**
 * The reference LEGACY runtime: the old single-process runtime the gateway migrates away from.
 *
 * <p>Serves {@code POST /api/v1/execute/stream}: takes
 * {@code {"session_id","user_id","org_id","request_id","message","history","parameters"}} and answers with a
 * {@code text/event-stream} in the runtime's own event vocabulary ({@code run_started},
 * {@code plan}, {@code tool_call}, {@code tool_output}, {@code token}, {@code run_finished},
 * {@code run_failed}; each {@code event: <name>\ndata: <json>\n\n}), streaming the answer of an
 * OpenAI-compatible LLM as it arrives. Also serves {@code GET /health}.
 *
 * <p>Tests steer it with {@code [[runtime ...]]} directives in the message (see
 * {@link RuntimeDirectives}); {@code [[standin ...]]} directives are passed on to the LLM.
 *
 * <p>Runs on a {@link Vertx} supplied by the caller, so it can live inside another process (the
 * gateway) or in its own ({@link RuntimeMain}).
 */
public final class LegacyRuntimeServer {

  private final Vertx vertx;
  private final String deploymentId;
  private final String host;
  private final int port;

  private LegacyRuntimeServer(Vertx vertx, String deploymentId, String host, int port) {
    this.vertx = vertx;
    this.deploymentId = deploymentId;
    this.host = host;
    this.port = port;
  }

  /**
   * Starts a legacy runtime on {@code vertx}.
   *
   * @param options settings; copied, so later changes have no effect. {@code llmBaseUrl} is
   *                required; port 0 picks a free port.
   * @return the running server once it listens; failed if the options are incomplete
   */
  public static Future<LegacyRuntimeServer> start(Vertx vertx, RuntimeOptions options) {
    Objects.requireNonNull(vertx, "vertx");
    RuntimeOptions settings = new RuntimeOptions(Objects.requireNonNull(options, "options"));
    if (settings.getLlmBaseUrl() == null) {
      return Future.failedFuture(new IllegalArgumentException("RuntimeOptions.llmBaseUrl is required"));
    }
    LegacyRuntimeVerticle verticle = new LegacyRuntimeVerticle(settings);
    return vertx.deployVerticle(verticle).map(deploymentId ->
        new LegacyRuntimeServer(vertx, deploymentId, settings.getHost(), verticle.actualPort()));
  }

  /** The port the runtime listens on. */
  public int port() {
    return port;
  }

  /** The host the runtime listens on. */
  public String host() {
    return host;
  }

  /** {@code http://<host>:<port>}. */
  public String baseUrl() {
    return "http://" + host + ":" + port;
  }

  /** Stops listening, closes open connections (including stalled and hanging ones) and the LLM client. */
  public Future<Void> close() {
    return vertx.undeploy(deploymentId);
  }
}
