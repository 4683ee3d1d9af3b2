package io.chatgw.standin;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Objects;

/**
 * A STAND-IN for an OpenAI-compatible LLM server: it is not a model and generates no language.
 * It answers {@code POST /v1/chat/completions} (streamed or not) with a deterministic text derived
 * from the last user message (see {@link StandinAnswer}), lists one model on
 * {@code GET /v1/models} and reports {@code GET /health}. Every response carries the header
 * {@code x-standin-llm: true}.
 *
 * <p>On the same port it is also a STAND-IN MCP server: {@code POST /mcp}, JSON-RPC 2.0 with the
 * tools {@code weather.lookup} and {@code echo} (deterministic results; see {@link McpHandler}).
 *
 * <p>Tests and benchmarks steer it per request with knobs (chunk count, delays, injected
 * failures) given as {@code [[standin key=value ...]]} in the last user message or as
 * {@code x-standin-*} headers; see {@link StandinKnobs}.
 *
 * <p>Runs on a {@link Vertx} supplied by the caller, so it can live inside another process (the
 * gateway) or in its own ({@link StandinLlmMain}).
 */
public final class StandinLlmServer {

  private final Vertx vertx;
  private final String deploymentId;
  private final String host;
  private final int port;
  private final StatsRecorder stats;

  private StandinLlmServer(Vertx vertx, String deploymentId, String host, int port, StatsRecorder stats) {
    this.vertx = vertx;
    this.deploymentId = deploymentId;
    this.host = host;
    this.port = port;
    this.stats = stats;
  }

  /**
   * Starts a stand-in LLM on {@code vertx}.
   *
   * @param options settings; copied, so later changes have no effect. Port 0 picks a free port.
   * @return the running server once it listens
   */
  public static Future<StandinLlmServer> start(Vertx vertx, StandinLlmOptions options) {
    Objects.requireNonNull(vertx, "vertx");
    StandinLlmOptions settings = new StandinLlmOptions(Objects.requireNonNull(options, "options"));
    StatsRecorder stats = new StatsRecorder();
    StandinLlmVerticle verticle = new StandinLlmVerticle(settings, stats);
    return vertx.deployVerticle(verticle).map(deploymentId ->
        new StandinLlmServer(vertx, deploymentId, settings.getHost(), verticle.actualPort(), stats));
  }

  /** The port the server listens on. */
  public int port() {
    return port;
  }

  /** The host the server listens on. */
  public String host() {
    return host;
  }

  /** {@code http://<host>:<port>}, the value to use as an OpenAI base URL (without {@code /v1}). */
  public String baseUrl() {
    return "http://" + host + ":" + port;
  }

  /** Counters of what this server has served so far. */
  public StandinLlmStats stats() {
    return stats.snapshot();
  }

  /** Stops listening and closes open connections (including hanging ones). */
  public Future<Void> close() {
    return vertx.undeploy(deploymentId);
  }
}
