package io.chatgw.runtime.plane;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A FAKE gateway for tests: just enough of docs/protocol.md's {@code /ws/vm} side: checks the
 * token, answers {@code hello} with {@code welcome} (listing running turns), sends
 * {@code user_message}/{@code cancel}/{@code ping}, accepts {@code sse_event}s (dropping
 * duplicates, acknowledging them) and answers {@code request}s through a responder. Knobs let
 * tests lose events, hold back acks, reject connections and drop the socket abruptly.
 */
final class FakeGateway {

  static final String TOKEN = "test-vm-token";

  final List<JsonObject> hellos = new CopyOnWriteArrayList<>();
  /** Every frame received, in order. */
  final List<JsonObject> received = new CopyOnWriteArrayList<>();
  /** {@code sse_event}s accepted (first delivery of each seq), in order. */
  final List<JsonObject> accepted = new CopyOnWriteArrayList<>();
  final List<JsonObject> duplicates = new CopyOnWriteArrayList<>();
  /** {@code sse_event}s ignored because of {@link #loseAbove}, as if lost in flight. */
  final List<JsonObject> lost = new CopyOnWriteArrayList<>();
  /** How each connection authenticated: "header", "query" or "none". */
  final List<String> authentications = new CopyOnWriteArrayList<>();
  /** How each plane socket ended: the close code, or "none" when the TCP connection just dropped. */
  final List<String> closes = new CopyOnWriteArrayList<>();

  final Map<String, Long> lastAccepted = new ConcurrentHashMap<>();
  final Map<String, String> running = new ConcurrentHashMap<>();

  /** Acknowledge events only up to this seq. */
  volatile long ackUpTo = Long.MAX_VALUE;
  /** Ignore events above this seq (as if lost). */
  volatile long loseAbove = Long.MAX_VALUE;
  /** Close every new connection with 1008. */
  volatile boolean rejectAll;
  /** The token connections must carry. */
  volatile String validToken = TOKEN;
  /** A fresh token put in {@code welcome}, or null. */
  volatile String welcomeToken;
  /** Answers a request frame with the response's fields ({@code ok}, {@code result}/{@code error}), or null for no answer. */
  volatile Function<JsonObject, JsonObject> responder = request -> null;

  private final Vertx vertx;
  private final AtomicLong downlinkSeq = new AtomicLong();
  private final List<JsonObject> held = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private volatile ServerWebSocket current;
  private volatile boolean welcomed;

  FakeGateway(Vertx vertx) {
    this.vertx = vertx;
  }

  FakeGateway start() {
    server = await(vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
            .setMaxWebSocketFrameSize(1024 * 1024).setMaxWebSocketMessageSize(1024 * 1024))
        .webSocketHandler(this::onConnection)
        .listen());
    return this;
  }

  void stop() {
    await(server.close());
  }

  String url() {
    return "ws://127.0.0.1:" + server.actualPort() + "/ws/vm";
  }

  // ---- sending

  /** Sends a user_message (held until the plane is welcomed); returns the frame. */
  JsonObject sendUserMessage(String sessionId, String requestId, String message, JsonArray history) {
    running.put(sessionId, requestId);
    JsonObject frame = new JsonObject()
        .put("type", "user_message")
        .put("seq", downlinkSeq.incrementAndGet())
        .put("session_id", sessionId)
        .put("request_id", requestId)
        .put("message", message)
        .put("history", history);
    deliver(frame);
    return frame;
  }

  JsonObject sendUserMessage(String sessionId, String requestId, String message) {
    return sendUserMessage(sessionId, requestId, message, new JsonArray());
  }

  /** Sends a user_message flagged {@code shadow} (docs/protocol.md); returns the frame. */
  JsonObject sendShadowMessage(String sessionId, String requestId, String message) {
    running.put(sessionId, requestId);
    JsonObject frame = new JsonObject().put("type", "user_message").put("seq", downlinkSeq.incrementAndGet())
        .put("session_id", sessionId).put("request_id", requestId).put("message", message)
        .put("history", new JsonArray()).put("shadow", true);
    deliver(frame);
    return frame;
  }

  void sendCancel(String sessionId, String requestId) {
    deliver(new JsonObject().put("type", "cancel").put("seq", downlinkSeq.incrementAndGet())
        .put("session_id", sessionId).put("request_id", requestId));
  }

  void send(JsonObject frame) {
    ServerWebSocket ws = current;
    if (ws != null) {
      ws.writeTextMessage(frame.encode());
    }
  }

  void ping(long ts) {
    send(new JsonObject().put("type", "ping").put("ts", ts));
  }

  /** Drops the plane's TCP connection without a close frame. */
  void dropAbruptly() {
    ServerWebSocket ws = current;
    current = null;
    welcomed = false;
    GatewayLink.abort(ws);
  }

  private synchronized void deliver(JsonObject frame) {
    if (welcomed) {
      send(frame);
    } else {
      held.add(frame);
    }
  }

  // ---- receiving

  private void onConnection(ServerWebSocket ws) {
    String authorization = ws.headers().get("Authorization");
    String query = ws.query();
    String valid = validToken;
    String auth = ("Bearer " + valid).equals(authorization) ? "header"
        : query != null && query.contains("token=" + valid) ? "query" : "none";
    authentications.add(auth);
    ws.closeHandler(ignored -> {
      closes.add(ws.closeStatusCode() == null ? "none" : String.valueOf(ws.closeStatusCode()));
      if (ws == current) {
        current = null;
        welcomed = false;
      }
    });
    if (rejectAll || auth.equals("none")) {
      ws.close((short) 1008, "rejected");
      return;
    }
    ServerWebSocket previous = current;
    current = ws;
    welcomed = false;
    if (previous != null) {
      previous.close((short) 4000, "replaced by a newer connection");
    }
    ws.textMessageHandler(text -> onFrame(ws, new JsonObject(text)));
  }

  private void onFrame(ServerWebSocket ws, JsonObject frame) {
    received.add(frame);
    switch (frame.getString("type")) {
      case "hello":
        hellos.add(frame);
        welcome(ws, frame);
        break;
      case "sse_event":
        onEvent(ws, frame);
        break;
      case "request":
        JsonObject answer = responder.apply(frame);
        if (answer != null) {
          ws.writeTextMessage(answer.copy().put("type", "response").put("id", frame.getString("id")).encode());
        }
        break;
      default:
        break;
    }
  }

  private synchronized void welcome(ServerWebSocket ws, JsonObject hello) {
    JsonObject sessions = new JsonObject();
    running.forEach((sessionId, requestId) -> sessions.put(sessionId, new JsonObject()
        .put("last_seq", lastAccepted.getOrDefault(sessionId, 0L)).put("request_id", requestId)));
    JsonObject welcome = new JsonObject().put("type", "welcome").put("vm_id", hello.getString("vm_id"))
        .put("heartbeat_interval_ms", 10_000).put("max_frame_bytes", 1024 * 1024)
        .put("sessions", sessions);
    if (welcomeToken != null) {
      welcome.put("token", welcomeToken);
    }
    ws.writeTextMessage(welcome.encode());
    welcomed = true;
    List<JsonObject> waiting = new ArrayList<>(held);
    held.clear();
    waiting.forEach(this::send);
  }

  private void onEvent(ServerWebSocket ws, JsonObject event) {
    long seq = event.getLong("seq");
    String sessionId = event.getString("session_id");
    if (seq > loseAbove) {
      lost.add(event);
      return;
    }
    long last = lastAccepted.getOrDefault(sessionId, 0L);
    if (seq <= last) {
      duplicates.add(event);
      return;
    }
    accepted.add(event);
    lastAccepted.put(sessionId, seq);
    if (seq <= ackUpTo) {
      ws.writeTextMessage(new JsonObject().put("type", "ack").put("session_id", sessionId).put("seq", seq).encode());
    }
    String name = event.getString("event");
    if (("done".equals(name) || "error".equals(name)) && event.getString("request_id").equals(running.get(sessionId))) {
      running.remove(sessionId);
    }
  }

  // ---- queries

  List<JsonObject> events(String requestId) {
    return accepted.stream().filter(event -> requestId.equals(event.getString("request_id")))
        .collect(Collectors.toList());
  }

  List<String> eventNames(String requestId) {
    return events(requestId).stream().map(event -> event.getString("event")).collect(Collectors.toList());
  }

  String text(String requestId) {
    return events(requestId).stream().filter(event -> "text".equals(event.getString("event")))
        .map(event -> event.getJsonObject("data").getString("delta")).collect(Collectors.joining());
  }

  JsonObject terminal(String requestId) {
    return events(requestId).stream()
        .filter(event -> "done".equals(event.getString("event")) || "error".equals(event.getString("event")))
        .findFirst().orElse(null);
  }

  List<JsonObject> framesOfType(String type) {
    return received.stream().filter(frame -> type.equals(frame.getString("type"))).collect(Collectors.toList());
  }

  void awaitTerminal(String requestId) {
    awaitTrue(() -> terminal(requestId) != null, "a done/error event for " + requestId);
  }

  static void awaitTrue(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
