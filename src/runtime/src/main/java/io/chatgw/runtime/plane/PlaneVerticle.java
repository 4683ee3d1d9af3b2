package io.chatgw.runtime.plane;

import io.chatgw.runtime.LlmChatClient;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.util.logging.Logger;

/**
 * Owns one plane's event loop and resources: loads the state file, creates the gateway and LLM
 * clients and the {@link PlaneController}; undeploying it stops them all (gracefully, unless the
 * plane {@link #crash() crashed}). Deployed by {@link ExecutionPlane}.
 */
final class PlaneVerticle extends AbstractVerticle {

  static final int MAX_FRAME_BYTES = 1024 * 1024;
  static final int CONNECT_TIMEOUT_MS = 10_000;

  private static final Logger LOG = Logger.getLogger(PlaneVerticle.class.getName());

  private final PlaneOptions options;
  private final Promise<Void> terminated = Promise.promise();
  private StateStore store;
  private PlaneController controller;
  private HttpClient llmHttpClient;
  private WebSocketClient webSocketClient;
  private boolean crashed;
  private boolean stopping;

  PlaneVerticle(PlaneOptions options) {
    this.options = options;
  }

  @Override
  public void start(Promise<Void> startPromise) {
    store = new StateStore(vertx, options.getDataDir());
    store.load().onComplete(loaded -> {
      PlaneState state;
      try {
        if (loaded.failed()) {
          throw new IllegalStateException(loaded.cause().getMessage(), loaded.cause());
        }
        state = loaded.result() == null ? new PlaneState() : PlaneState.fromJson(loaded.result(), options.getVmId());
      } catch (RuntimeException e) {
        startPromise.fail(new IllegalStateException("cannot use the plane state " + store.file() + ": "
            + e.getMessage(), e));
        return;
      }
      store.content(state.source(options.getVmId()));
      llmHttpClient = vertx.createHttpClient(
          new HttpClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MS).setKeepAlive(true),
          new PoolOptions().setHttp1MaxSize(options.getLlmMaxConnections()));
      webSocketClient = vertx.createWebSocketClient(new WebSocketClientOptions()
          .setConnectTimeout(CONNECT_TIMEOUT_MS)
          .setMaxFrameSize(MAX_FRAME_BYTES)
          .setMaxMessageSize(MAX_FRAME_BYTES));
      LlmChatClient llm = new LlmChatClient(llmHttpClient, options.getLlmBaseUrl(), options.getLlmApiKey(),
          options.getModel());
      controller = new PlaneController(vertx, options, state, store, webSocketClient, llm, this::exitFromDirective);
      controller.start();
      LOG.info("execution plane " + options.getVmId() + " dialling " + options.getGatewayUrl()
          + " (state " + store.file() + ", last downlink seq " + state.lastDownlinkSeq + ")");
      startPromise.complete();
    });
  }

  @Override
  public void stop(Promise<Void> stopPromise) {
    stopping = true;
    Future<Void> disconnected = crashed || controller == null ? Future.succeededFuture() : controller.close();
    disconnected.recover(ignored -> Future.succeededFuture())
        // a graceful stop writes what waits for a lazy save (acks); a crash leaves the file as it was
        .compose(ignored -> crashed || controller == null ? store.idle() : store.save())
        .compose(ignored -> store.close())
        .compose(ignored -> webSocketClient == null ? Future.succeededFuture() : webSocketClient.close())
        .recover(ignored -> Future.succeededFuture())
        .compose(ignored -> llmHttpClient == null ? Future.succeededFuture() : llmHttpClient.close())
        .onComplete(ignored -> {
          terminated.tryComplete();
          stopPromise.complete();
        });
  }

  boolean connected() {
    return controller != null && controller.connected();
  }

  void updateToken(String token) {
    controller.updateToken(token);
  }

  /** Completes once the plane has stopped (closed, crashed or exited) and its state file is settled. */
  Future<Void> terminated() {
    return terminated.future();
  }

  /** Graceful stop; see {@link ExecutionPlane#close()}. */
  Future<Void> close() {
    context.runOnContext(ignored -> undeploySelf());
    return terminated.future();
  }

  /** Abrupt stop; see {@link ExecutionPlane#crash()}. */
  Future<Void> crashFromOutside() {
    context.runOnContext(ignored -> crash());
    return terminated.future();
  }

  /** On the plane's event loop: drops the connection without a close frame, then stops everything. */
  void crash() {
    if (crashed || stopping) {
      return;
    }
    crashed = true;
    controller.kill();
    undeploySelf();
  }

  private void exitFromDirective() {
    crash();
    if (options.isExitProcessOnExitAfter()) {
      terminated.future().onComplete(ignored -> {
        Thread exit = new Thread(() -> System.exit(3), "plane-exit-after");
        exit.start();
      });
    }
  }

  private void undeploySelf() {
    if (stopping) {
      return;
    }
    stopping = true;
    vertx.undeploy(deploymentID()).onFailure(error -> terminated.tryComplete());
  }
}
