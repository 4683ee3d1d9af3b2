package io.chatgw.runtime.plane;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.impl.WebSocketInternal;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The plane's WebSocket to the gateway: dials with the VM token, sends {@code hello} first,
 * waits for {@code welcome}, then hands every frame to its {@link Listener}. Reconnects on close
 * or error with exponential backoff and full jitter (reset after a {@code welcome}), also after a
 * 1008 rejection (the token may have been renewed), but not after 4000 (a newer connection of
 * the same {@code vm_id} took over). Dials with the newest VM token the gateway handed out
 * ({@code welcome.token}, {@code token} frames), so it can reconnect after the first token expired. Drops a connection
 * on which the gateway went silent ({@link GatewaySilence}). Used from the plane's event loop only, except {@link #connected()}.
 */
final class GatewayLink {

  static final short NORMAL_CLOSURE = 1000;
  static final short POLICY_VIOLATION = 1008;
  static final short REPLACED = 4000;
  static final long WELCOME_TIMEOUT_MS = 15_000;
  static final int MAX_QUEUED_FRAMES = 1_000;

  private static final Logger LOG = Logger.getLogger(GatewayLink.class.getName());
  private static final int QUIET_AFTER_FAILURES = 3;
  private static final int LOG_EVERY_FAILURES = 20;

  /** What the link reports, on the plane's event loop. */
  interface Listener {
    /** The {@code hello} frame for a new connection (with the current resume state). */
    JsonObject hello();

    /** A {@code welcome} arrived: the link is ready. */
    void onWelcome(JsonObject welcome);

    /** Any other frame, once ready. */
    void onFrame(JsonObject frame);

    /** A ready link lost its connection (a reconnect is scheduled unless stopped). */
    void onDisconnected();

    /** The socket's write queue drained. */
    void onWritable();
  }

  private enum State { IDLE, CONNECTING, AWAITING_WELCOME, READY, STOPPED }

  private final Vertx vertx;
  private final WebSocketClient client;
  private final PlaneOptions options;
  private final Listener listener;
  private final ReconnectBackoff backoff;
  private final ArrayDeque<JsonObject> queued = new ArrayDeque<>();
  private State state = State.IDLE;
  private volatile boolean connected;
  private volatile String token;
  private WebSocket current;
  private long reconnectTimer = -1;
  private long welcomeTimer = -1;
  private long heartbeatTimer = -1;
  /** The current connection's silence check (from its welcome on; until then, the previous one's). */
  private GatewaySilence silence = GatewaySilence.of(new JsonObject(), System.nanoTime());
  private int failures;

  GatewayLink(Vertx vertx, WebSocketClient client, PlaneOptions options, Listener listener) {
    this.vertx = vertx;
    this.client = client;
    this.options = options;
    this.listener = listener;
    this.backoff = new ReconnectBackoff(options.getBackoffBaseMs(), options.getBackoffCapMs());
    this.token = options.getToken();
  }

  /** Uses {@code token} from the next connection attempt on; safe from any thread. */
  void updateToken(String token) {
    this.token = token;
  }

  /** Dials now. */
  void start() {
    connect();
  }

  /** Connected and welcomed; safe from any thread. */
  boolean connected() {
    return connected;
  }

  boolean ready() {
    return state == State.READY;
  }

  boolean writeQueueFull() {
    return current != null && current.writeQueueFull();
  }

  /** Sends a frame if ready; otherwise drops it. */
  boolean send(JsonObject frame) {
    if (state != State.READY) {
      return false;
    }
    current.writeTextMessage(frame.encode());
    return true;
  }

  /** Sends a frame now if ready, otherwise as soon as the next {@code welcome} was handled (bounded). */
  void sendWhenReady(JsonObject frame) {
    if (state == State.READY) {
      send(frame);
      return;
    }
    if (state == State.STOPPED) {
      return;
    }
    queued.addLast(frame);
    if (queued.size() > MAX_QUEUED_FRAMES) {
      JsonObject dropped = queued.removeFirst();
      LOG.warning("more than " + MAX_QUEUED_FRAMES + " frames wait for a connection; dropping a "
          + dropped.getValue("type") + " frame");
    }
  }

  /** Drops the connection without a close frame and reconnects with backoff (a network blip). */
  void blip() {
    WebSocket ws = current;
    if (ws == null || state == State.STOPPED) {
      return;
    }
    LOG.info("dropping the gateway connection abruptly");
    disconnected();
    abort(ws);
    scheduleReconnect();
  }

  /** Stops for good, dropping the connection without a close frame. */
  void kill() {
    WebSocket ws = current;
    stop();
    if (ws != null) {
      abort(ws);
    }
  }

  /** Stops for good, closing the connection with 1000; completes when it is closed. */
  Future<Void> close() {
    WebSocket ws = current;
    stop();
    if (ws == null) {
      return Future.succeededFuture();
    }
    Promise<Void> closed = Promise.promise();
    ws.closeHandler(ignored -> closed.tryComplete());
    ws.close(NORMAL_CLOSURE, "plane shutting down").onFailure(closed::tryFail);
    long timer = vertx.setTimer(2_000, ignored -> {
      abort(ws);
      closed.tryComplete();
    });
    return closed.future().onComplete(ignored -> vertx.cancelTimer(timer));
  }

  private void stop() {
    boolean wasReady = state == State.READY;
    state = State.STOPPED;
    connected = false;
    current = null;
    queued.clear();
    cancelTimers();
    vertx.cancelTimer(reconnectTimer);
    if (wasReady) {
      listener.onDisconnected();
    }
  }

  private void connect() {
    if (state == State.STOPPED) {
      return;
    }
    state = State.CONNECTING;
    client.connect(connectOptions()).onComplete(attempt -> {
      if (state == State.STOPPED) {
        if (attempt.succeeded()) {
          abort(attempt.result());
        }
        return;
      }
      if (attempt.failed()) {
        state = State.IDLE;
        logFailure("could not connect to " + options.getGatewayUrl() + ": " + describe(attempt.cause()));
        scheduleReconnect();
        return;
      }
      opened(attempt.result());
    });
  }

  private void opened(WebSocket ws) {
    current = ws;
    state = State.AWAITING_WELCOME;
    ws.textMessageHandler(text -> onText(ws, text));
    ws.closeHandler(ignored -> onClosed(ws));
    ws.exceptionHandler(error -> LOG.log(Level.FINE, "gateway connection error", error));
    ws.drainHandler(ignored -> {
      if (ws == current) {
        listener.onWritable();
      }
    });
    ws.writeTextMessage(listener.hello().encode());
    welcomeTimer = vertx.setTimer(WELCOME_TIMEOUT_MS, ignored -> {
      if (ws == current && state == State.AWAITING_WELCOME) {
        logFailure("no welcome within " + WELCOME_TIMEOUT_MS + " ms");
        blip();
      }
    });
  }

  private void onText(WebSocket ws, String text) {
    if (ws != current) {
      return;
    }
    silence.received(System.nanoTime());
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (DecodeException e) {
      LOG.warning("the gateway sent a frame that is not a JSON object: " + abbreviate(text));
      return;
    }
    Object type = frame.getValue("type");
    if (state == State.AWAITING_WELCOME) {
      if ("welcome".equals(type)) {
        welcomed(frame);
      } else if ("error".equals(type)) {
        LOG.warning("the gateway refused a frame before welcome: " + abbreviate(text));
      }
      return;
    }
    if (state == State.READY && "token".equals(type)) {
      renewToken(frame);
    } else if (state == State.READY && !"welcome".equals(type)) {
      listener.onFrame(frame);
    }
  }

  /** The gateway's newer VM token (in {@code welcome} and {@code token} frames) is used from the next connection on. */
  private void renewToken(JsonObject frame) {
    Object fresh = frame.getValue("token");
    if (fresh instanceof String && !((String) fresh).isBlank()) {
      token = ((String) fresh).strip();
    }
  }

  private void welcomed(JsonObject welcome) {
    vertx.cancelTimer(welcomeTimer);
    renewToken(welcome);
    state = State.READY;
    connected = true;
    backoff.reset();
    if (failures > QUIET_AFTER_FAILURES) {
      LOG.info("connected to the gateway again after " + failures + " failed attempts");
    }
    failures = 0;
    WebSocket ws = current;
    GatewaySilence silence = GatewaySilence.of(welcome, System.nanoTime());
    this.silence = silence;
    heartbeatTimer = vertx.setPeriodic(silence.intervalMs(), ignored -> {
      if (ws == current && silence.silentAtTick(System.nanoTime())) {
        LOG.warning("nothing from the gateway for three heartbeat intervals; reconnecting");
        blip();
      }
    });
    listener.onWelcome(welcome);
    while (state == State.READY && !queued.isEmpty()) {
      send(queued.removeFirst());
    }
  }

  private void onClosed(WebSocket ws) {
    if (ws != current) {
      return;
    }
    Short code = ws.closeStatusCode();
    String reason = ws.closeReason();
    disconnected();
    if (code != null && code == REPLACED) {
      LOG.warning("the gateway closed this connection (4000 " + reason + "): another plane with vm_id "
          + options.getVmId() + " took over; not reconnecting");
      stop();
      return;
    }
    if (code != null && code == POLICY_VIOLATION) {
      logFailure("the gateway rejected the connection (1008 " + reason + ")");
    } else {
      logFailure("the gateway connection closed (" + (code == null ? "no close frame" : code + " " + reason) + ")");
    }
    scheduleReconnect();
  }

  private void disconnected() {
    boolean wasReady = state == State.READY;
    current = null;
    if (state != State.STOPPED) {
      state = State.IDLE;
    }
    connected = false;
    cancelTimers();
    if (wasReady) {
      listener.onDisconnected();
    }
  }

  private void scheduleReconnect() {
    if (state == State.STOPPED) {
      return;
    }
    long delay = backoff.nextDelayMs();
    reconnectTimer = vertx.setTimer(Math.max(1, delay), ignored -> connect());
  }

  private void cancelTimers() {
    vertx.cancelTimer(welcomeTimer);
    vertx.cancelTimer(heartbeatTimer);
    welcomeTimer = -1;
    heartbeatTimer = -1;
  }

  /** Logs the first few failures in a row, then every {@value #LOG_EVERY_FAILURES}th. */
  private void logFailure(String message) {
    failures++;
    if (failures <= QUIET_AFTER_FAILURES) {
      LOG.warning(message + "; retrying with backoff");
    } else if (failures % LOG_EVERY_FAILURES == 0) {
      LOG.warning(message + " (" + failures + " failures in a row); still retrying");
    } else {
      LOG.fine(message);
    }
  }

  private WebSocketConnectOptions connectOptions() {
    URI uri = URI.create(options.getGatewayUrl());
    boolean ssl = "wss".equalsIgnoreCase(uri.getScheme());
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String query = uri.getRawQuery();
    if (options.isTokenInQuery()) {
      String tokenParameter = "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
      query = query == null || query.isEmpty() ? tokenParameter : query + "&" + tokenParameter;
    }
    WebSocketConnectOptions connect = new WebSocketConnectOptions()
        .setHost(uri.getHost())
        .setPort(uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80)
        .setSsl(ssl)
        .setURI(query == null ? path : path + "?" + query);
    if (!options.isTokenInQuery()) {
      connect.addHeader(HttpHeaders.AUTHORIZATION.toString(), "Bearer " + token);
    }
    return connect;
  }

  /** Closes the TCP connection under a WebSocket without a close frame. */
  static void abort(WebSocketBase ws) {
    if (ws instanceof WebSocketInternal) {
      // close from the pipeline's first handler, so no WebSocket handler gets to send a close frame
      Channel channel = ((WebSocketInternal) ws).channelHandlerContext().channel();
      ChannelHandlerContext first = channel.pipeline().firstContext();
      if (first != null) {
        first.close();
      } else {
        channel.close();
      }
    } else {
      LOG.warning("cannot drop a " + ws.getClass().getName() + " abruptly; closing it with 1001");
      ws.close((short) 1001, "plane stopping");
    }
  }

  private static String describe(Throwable error) {
    String message = error.getMessage();
    return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
  }

  private static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }
}
