package io.chatgw.runtime.plane;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * A warm-pool plane's rehearsal: while it waits for its claim, it runs {@link #TURNS} whole turns against a stand-in of
 * the gateway's {@code /ws/vm} side and of the LLM inside its own process (loopback, a port of its own), on a throwaway
 * data dir ({@code .rehearsal} in its data dir, deleted afterwards). So what a claimed plane runs first (its state
 * store, the socket, hello/welcome, a {@code user_message} streamed from the LLM as {@code sse_event}s acknowledged one
 * by one, the usage and snapshot frames) is loaded and warmed before a user waits for it: a cold JVM spends about a
 * second loading and interpreting that code (docs/operations.md "Warm pool"). Nothing leaves the process. The
 * returned future never fails: a rehearsal that fails or outlasts {@link #TIMEOUT_MS} only costs the warm-up, and
 * says so; the claim works as it would without it.
 */
public final class PlaneRehearsal {

  private static final Logger LOG = Logger.getLogger(PlaneRehearsal.class.getName());
  static final String DIR = ".rehearsal";
  static final int TURNS = 3;
  static final int CHUNKS = 24;
  public static final long TIMEOUT_MS = 30_000;
  private static final String SESSION = "rehearsal";

  private final Vertx vertx;
  private final PlaneOptions options;
  /** The turns' end, or the rehearsal's cut short (timeout, failure, claim). */
  private final Promise<Void> ended = Promise.promise();
  private volatile HttpServer server;
  private volatile ExecutionPlane plane;
  private long downlinkSeq;
  private int turn;

  private PlaneRehearsal(Vertx vertx, PlaneOptions options) {
    this.vertx = vertx;
    this.options = options;
  }

  /**
   * Rehearses on {@code vertx} for a plane with {@code options} (only its data dir is used); completes with what
   * happened once the rehearsal plane and the stand-ins are stopped and the throwaway data dir deleted. Cut short when
   * {@code claimed} completes first (the claimed plane starts without waiting for the rest).
   */
  public static Future<String> run(Vertx vertx, PlaneOptions options, Future<?> claimed) {
    PlaneRehearsal rehearsal = new PlaneRehearsal(vertx, options);
    claimed.onComplete(ignored -> rehearsal.ended.tryFail("claimed first"));
    return rehearsal.run();
  }

  /**
   * The rehearsal on its own (nothing to wait for; {@code --mode=rehearse}, a class archive's training run): fails,
   * with what happened, unless all {@link #TURNS} turns completed.
   */
  public static Future<String> runAlone(Vertx vertx, PlaneOptions options) {
    PlaneRehearsal rehearsal = new PlaneRehearsal(vertx, options);
    return rehearsal.run().compose(said -> rehearsal.ended.future().succeeded()
        ? Future.succeededFuture(said) : Future.failedFuture(said));
  }

  private Future<String> run() {
    String dir = Path.of(options.getDataDir(), DIR).toString();
    long started = System.nanoTime();
    // the outcome is told on the caller's context: told on the rehearsal plane's, a plane deployed from its callbacks
    // would be a child of that undeployed verticle and fail to start
    Context caller = vertx.getOrCreateContext();
    Promise<String> outcome = Promise.promise();
    long timer = vertx.setTimer(TIMEOUT_MS, t -> ended.tryFail("no end within " + TIMEOUT_MS + " ms"));
    vertx.fileSystem().deleteRecursive(dir, true).otherwiseEmpty() // a rehearsal cut short by a crash left it
        .compose(ignored -> ended.future().isComplete() ? Future.failedFuture("cut short") : vertx.fileSystem().mkdirs(dir))
        .compose(ignored -> vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
            .webSocketHandler(this::gatewaySide).requestHandler(this::llmSide).listen())
        .compose(listening -> {
          if (ended.future().isComplete()) { // cut short meanwhile: the clean-up below has already run
            return listening.close().compose(ignored -> Future.failedFuture("cut short"));
          }
          server = listening;
          return ExecutionPlane.start(vertx, rehearsalOptions(dir));
        })
        .onSuccess(running -> {
          plane = running;
          if (ended.future().isComplete()) {
            plane.close(); // cut short while it started: the clean-up below has already run
          }
        })
        .onFailure(e -> ended.tryFail(String.valueOf(e.getMessage())));
    ended.future().transform(end -> {
      vertx.cancelTimer(timer);
      long ms = (System.nanoTime() - started) / 1_000_000;
      String said = end.succeeded() ? "rehearsed " + TURNS + " turns in " + ms + " ms"
          : "rehearsal stopped after " + ms + " ms: " + end.cause().getMessage();
      return (plane == null ? Future.<Void>succeededFuture() : plane.close())
          .transform(ignored -> server == null ? Future.<Void>succeededFuture() : server.close())
          .transform(ignored -> vertx.fileSystem().deleteRecursive(dir, true))
          .onComplete(ignored -> {
            LOG.info(said);
            caller.runOnContext(v -> outcome.complete(said));
          });
    });
    return outcome.future();
  }

  private PlaneOptions rehearsalOptions(String dir) {
    return new PlaneOptions(options).setGatewayUrl("ws://127.0.0.1:" + server.actualPort() + "/ws/vm")
        .setLlmBaseUrl("http://127.0.0.1:" + server.actualPort()).setToken("rehearsal").setVmId("rehearsal")
        .setDataDir(dir).setClaimFile(null).setExitProcessOnExitAfter(false);
  }

  /** The gateway's side: welcome, then one turn after the other; every event acknowledged. */
  private void gatewaySide(ServerWebSocket ws) {
    ws.textMessageHandler(text -> {
      JsonObject frame = new JsonObject(text);
      switch (String.valueOf(frame.getValue("type"))) {
        case "hello" -> {
          ws.writeTextMessage(new JsonObject().put("type", "welcome").put("vm_id", frame.getValue("vm_id"))
              .put("heartbeat_interval_ms", 10_000).put("max_frame_bytes", 1024 * 1024)
              .put("sessions", new JsonObject()).encode());
          nextTurn(ws);
        }
        case "sse_event" -> {
          ws.writeTextMessage(new JsonObject().put("type", "ack").put("session_id", frame.getValue("session_id"))
              .put("seq", frame.getValue("seq")).encode());
          String event = String.valueOf(frame.getValue("event"));
          if (event.equals("error")) {
            ended.tryFail("the turn ended with error " + frame.getValue("data"));
          } else if (event.equals("done")) {
            nextTurn(ws);
          }
        }
        default -> {
          // usage, snapshot, pong: nothing to do
        }
      }
    });
  }

  private void nextTurn(ServerWebSocket ws) {
    if (turn == TURNS) {
      ended.tryComplete();
      return;
    }
    turn++;
    ws.writeTextMessage(new JsonObject().put("type", "user_message").put("seq", ++downlinkSeq)
        .put("session_id", SESSION).put("request_id", SESSION + "-" + turn).put("message", "rehearsal " + turn)
        .put("history", new JsonArray()).encode());
  }

  /** The LLM's side: a streamed chat completion of {@link #CHUNKS} words, its usage and [DONE]. */
  private void llmSide(HttpServerRequest request) {
    request.body().onComplete(ignored -> {
      request.response().setChunked(true).putHeader("Content-Type", "text/event-stream");
      for (int i = 0; i < CHUNKS; i++) {
        chunk(request, new JsonObject().put("delta", new JsonObject().put("content", "word" + i + " ")), null);
      }
      chunk(request, new JsonObject().put("delta", new JsonObject()).put("finish_reason", "stop"), null);
      chunk(request, null, new JsonObject().put("prompt_tokens", 1).put("completion_tokens", CHUNKS));
      request.response().end("data: [DONE]\n\n");
    });
  }

  private static void chunk(HttpServerRequest request, JsonObject choice, JsonObject usage) {
    JsonObject chunk = new JsonObject().put("id", "rehearsal").put("object", "chat.completion.chunk")
        .put("model", "rehearsal").put("choices", choice == null ? new JsonArray() : new JsonArray().add(choice.put("index", 0)));
    if (usage != null) {
      chunk.put("usage", usage);
    }
    request.response().write("data: " + chunk.encode() + "\n\n");
  }
}
