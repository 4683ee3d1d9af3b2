package io.chatgw.bench;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code new} path's relay: this process plays both ends. It connects as the execution planes of
 * {@code planes} users (VM tokens from {@code POST /api/v1/vm-tokens}, the protocol of docs/protocol.md),
 * and as the SSE clients of {@code sessions} sessions spread over those users. Every session runs turns
 * back to back: the client posts a message, the plane answers with {@code events} {@code text} events
 * {@code intervalMs} apart and a {@code done}. Each event carries the plane's send time
 * ({@code System.nanoTime()}, one clock for both ends); the client's receive time minus it is the relay
 * latency: plane WebSocket frame -> gateway -> SSE event parsed by the client. Only events sent after the
 * warm-up count.
 */
final class RelayLatency {

  /** Figures of the scenario; latencies in microseconds. */
  record Result(int planes, int sessions, int events, long intervalMs, double seconds, Percentiles.Summary latencyMicros,
      long eventsReceived, long turnsDone, long errors, Map<String, Integer> failures, CpuMeter.Usage cpu,
      double gatewayRelayP99Micros) {

    double eventsPerSecond() {
      return seconds <= 0 ? 0 : latencyMicros.count() / seconds;
    }

    JsonObject toJson() {
      return new JsonObject().put("planes", planes).put("sessions", sessions).put("eventsPerTurn", events)
          .put("intervalMs", intervalMs).put("seconds", CellResult.round(seconds))
          .put("latencyMicros", new JsonObject().put("count", latencyMicros.count()).put("p50", latencyMicros.p50())
              .put("p90", latencyMicros.p90()).put("p99", latencyMicros.p99()).put("max", latencyMicros.max())
              .put("mean", CellResult.round(latencyMicros.mean())))
          .put("eventsPerSecond", CellResult.round(eventsPerSecond()))
          .put("eventsReceived", eventsReceived).put("turnsDone", turnsDone).put("errors", errors)
          .put("failures", new JsonObject(new java.util.LinkedHashMap<>(failures)))
          .put("loadgenCores", CellResult.round(cpu.loadgenCores())).put("loopBusiest", CellResult.round(cpu.loopBusiest()))
          .put("machineBusy", CellResult.round(cpu.machineBusy()))
          .put("processCores", new JsonObject(new java.util.LinkedHashMap<>(cpu.processCores())))
          .put("gatewayRelayHistogramP99Micros", Double.isNaN(gatewayRelayP99Micros) ? null : CellResult.round(gatewayRelayP99Micros));
    }
  }

  private final Vertx vertx;
  private final String baseUrl;
  private final String planeUrl;
  private final String org;
  private final List<String> users;
  private final int sessions;
  private final int events;
  private final long intervalMs;
  private final double warmupSeconds;
  private final double seconds;
  private final int eventLoops;
  private final CpuMeter cpu;

  private final Map<String, Integer> failures = new ConcurrentHashMap<>();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong turnsDone = new AtomicLong();
  private volatile long measureFrom = Long.MAX_VALUE;
  private volatile long measureUntil = Long.MAX_VALUE;
  private volatile boolean stopping;

  RelayLatency(Vertx vertx, JsonObject config, int eventLoops, CpuMeter cpu) {
    this.vertx = vertx;
    this.baseUrl = TargetSpec.stripSlash(config.getString("baseUrl"));
    this.planeUrl = config.getString("planeUrl");
    this.org = config.getString("org", "org-acme");
    this.users = new ArrayList<>();
    config.getJsonArray("users", new JsonArray()).forEach(u -> users.add((String) u));
    this.sessions = config.getInteger("sessions", 1000);
    this.events = config.getInteger("events", 20);
    this.intervalMs = config.getLong("intervalMs", 100L);
    this.warmupSeconds = config.getDouble("warmupSeconds", 5.0);
    this.seconds = config.getDouble("seconds", 15.0);
    this.eventLoops = eventLoops;
    this.cpu = cpu;
    if (users.isEmpty()) {
      throw new IllegalArgumentException("relay.users is empty: the scenario needs new-mode users to play planes for");
    }
  }

  Result run() throws Exception {
    List<Plane> planes = new ArrayList<>();
    List<Client> clients = new ArrayList<>();
    List<HttpClient> httpClients = new ArrayList<>();
    WebSocketClient wsClient = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20));
    try (GatewayClient gateway = new GatewayClient(vertx, baseUrl)) {
      // 1. the planes dial in first, so the gateway never launches one of its own for these users
      List<Context> contexts = new ArrayList<>();
      for (int i = 0; i < eventLoops; i++) {
        contexts.add(vertx.getOrCreateContext());
      }
      int perUser = (sessions + users.size() - 1) / users.size();
      for (int u = 0; u < users.size(); u++) {
        String user = users.get(u);
        String userToken = gateway.token(user, org);
        JsonObject vm = new JsonObject(gateway.call(HttpMethod.POST, baseUrl + "/api/v1/vm-tokens", userToken, null, 201));
        Plane plane = new Plane(user, vm.getString("vm_id"), vm.getString("token"), contexts.get(u % contexts.size()));
        plane.connect(wsClient).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        planes.add(plane);
        int count = Math.min(perUser, sessions - u * perUser);
        for (String session : gateway.createSessions(userToken, count, 16)) {
          clients.add(new Client(session, userToken));
        }
      }
      LoadGenMain.log("relay: %d planes connected, %d sessions", planes.size(), clients.size());
      // 2. the clients, spread over the event loops, each with its own pool (one SSE stream per session)
      for (int i = 0; i < eventLoops; i++) {
        int size = clients.size() / eventLoops + 2;
        CompletableFuture<HttpClient> c = new CompletableFuture<>();
        contexts.get(i).runOnContext(v -> c.complete(CellRunner.newClient(vertx, size)));
        httpClients.add(c.get(10, TimeUnit.SECONDS));
      }
      long start = System.nanoTime();
      measureFrom = start + (long) (warmupSeconds * 1e9);
      measureUntil = measureFrom + (long) (seconds * 1e9);
      for (int i = 0; i < clients.size(); i++) {
        Client client = clients.get(i);
        client.http = httpClients.get(i % httpClients.size());
        Context context = contexts.get(i % contexts.size());
        // staggered over one event interval, so turns do not start in lockstep
        long delay = 1 + (long) ((double) i / clients.size() * Math.max(1, intervalMs));
        context.runOnContext(v -> vertx.setTimer(delay, id -> client.nextTurn()));
      }
      Thread.sleep(Math.max(0, (measureFrom - System.nanoTime()) / 1_000_000));
      CpuMeter.Snapshot cpuAtStart = cpu.take();
      Map<Double, Double> bucketsAtStart = relayBuckets(gateway);
      Thread.sleep(Math.max(0, (measureUntil - System.nanoTime()) / 1_000_000));
      CpuMeter.Snapshot cpuAtEnd = cpu.take();
      Map<Double, Double> bucketsAtEnd = relayBuckets(gateway);
      stopping = true;
      Thread.sleep(Math.min(5000, events * intervalMs + 1000));
      LongSamples all = new LongSamples();
      for (Client client : clients) {
        all.addAll(client.latencies);
      }
      return new Result(planes.size(), clients.size(), events, intervalMs, seconds, all.summary(), received.get(),
          turnsDone.get(), errors.get(), new TreeMap<>(failures), cpu.between(cpuAtStart, cpuAtEnd),
          bucketP99Micros(bucketsAtStart, bucketsAtEnd));
    } finally {
      for (Plane plane : planes) {
        plane.close();
      }
      for (HttpClient http : httpClients) {
        http.close();
      }
      wsClient.close();
    }
  }

  /**
   * The cumulative buckets (upper bound in seconds -> count) of the gateway's own relay histogram
   * ({@code gateway_plane_relay_latency_seconds}, from its frame arriving to the SSE write), empty if unavailable.
   */
  private Map<Double, Double> relayBuckets(GatewayClient gateway) {
    Map<Double, Double> buckets = new TreeMap<>();
    try {
      String text = gateway.call(HttpMethod.GET, baseUrl + "/actuator/prometheus", null, null, 200);
      for (String line : text.split("\n")) {
        if (line.startsWith("gateway_plane_relay_latency_seconds_bucket{")) {
          int le = line.indexOf("le=\"") + 4;
          String bound = line.substring(le, line.indexOf('"', le));
          double count = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
          buckets.merge("+Inf".equals(bound) ? Double.POSITIVE_INFINITY : Double.parseDouble(bound), count, Double::sum);
        }
      }
    } catch (Exception e) {
      LoadGenMain.log("relay: could not read the gateway's histogram: %s", e);
    }
    return buckets;
  }

  /** The upper bound of the bucket holding the 99th percentile of what was added between two readings. */
  static double bucketP99Micros(Map<Double, Double> before, Map<Double, Double> after) {
    double total = 0;
    for (Map.Entry<Double, Double> e : after.entrySet()) {
      if (e.getKey().isInfinite()) {
        total = e.getValue() - before.getOrDefault(e.getKey(), 0.0);
      }
    }
    if (total <= 0) {
      return Double.NaN;
    }
    for (Map.Entry<Double, Double> e : after.entrySet()) {
      if (e.getValue() - before.getOrDefault(e.getKey(), 0.0) >= 0.99 * total) {
        return e.getKey() * 1e6;
      }
    }
    return Double.NaN;
  }

  private void fail(String why) {
    errors.incrementAndGet();
    failures.merge(why, 1, Integer::sum);
  }

  /** One user's execution plane: answers each user_message with the scenario's events. */
  private final class Plane {
    final String user;
    final String vmId;
    final String token;
    final Context context;
    final Map<String, Long> seqBySession = new ConcurrentHashMap<>();
    long downlinkSeq;
    WebSocket socket;

    Plane(String user, String vmId, String token, Context context) {
      this.user = user;
      this.vmId = vmId;
      this.token = token;
      this.context = context;
    }

    io.vertx.core.Future<Void> connect(WebSocketClient client) {
      Promise<Void> welcomed = Promise.promise();
      context.runOnContext(v -> client.connect(new WebSocketConnectOptions().setAbsoluteURI(planeUrl)
              .addHeader("Authorization", "Bearer " + token))
          .onFailure(welcomed::tryFail)
          .onSuccess(ws -> {
            socket = ws;
            ws.textMessageHandler(text -> onFrame(new JsonObject(text), welcomed));
            ws.closeHandler(x -> {
              if (!stopping) {
                fail("plane " + vmId + " closed: " + ws.closeStatusCode() + " " + ws.closeReason());
              }
              welcomed.tryFail("closed before welcome: " + ws.closeReason());
            });
            send(new JsonObject().put("type", "hello").put("vm_id", vmId).put("version", "1")
                .put("capabilities", new JsonArray())
                .put("resume", new JsonObject().put("last_downlink_seq", 0).put("sessions", new JsonObject())));
          }));
      return welcomed.future();
    }

    void onFrame(JsonObject frame, Promise<Void> welcomed) {
      switch (frame.getString("type", "")) {
        case "welcome" -> welcomed.tryComplete();
        case "ping" -> send(new JsonObject().put("type", "pong").put("ts", frame.getValue("ts")));
        case "user_message" -> {
          long seq = frame.getLong("seq", 0L);
          if (seq <= downlinkSeq) {
            return;
          }
          downlinkSeq = seq;
          answer(frame.getString("session_id"), frame.getString("request_id"), 1);
        }
        case "error" -> fail("error frame " + frame.getString("code"));
        default -> { }   // ack, cancel, response: nothing to do for this scenario
      }
    }

    void answer(String session, String request, int k) {
      if (socket == null || socket.isClosed()) {
        return;
      }
      long seq = seqBySession.merge(session, 1L, Long::sum);
      JsonObject frame = new JsonObject().put("type", "sse_event").put("session_id", session).put("request_id", request)
          .put("seq", seq);
      if (k <= events) {
        frame.put("event", "text").put("data", new JsonObject().put("delta", "token-" + k + " ")
            .put("bench_sent_ns", System.nanoTime()));
        send(frame);
        vertx.setTimer(Math.max(1, intervalMs), id -> answer(session, request, k + 1));
      } else {
        frame.put("event", "done").put("data", new JsonObject().put("model", "bench-plane")
            .put("usage", new JsonObject().put("prompt_tokens", 1).put("completion_tokens", events)));
        send(frame);
      }
    }

    void send(JsonObject frame) {
      socket.writeTextMessage(frame.encode());
    }

    void close() {
      if (socket != null && !socket.isClosed()) {
        socket.close((short) 1000, "benchmark over");
      }
    }
  }

  /** One session's client: turns back to back until the scenario stops. */
  private final class Client {
    final String session;
    final String token;
    final LongSamples latencies = new LongSamples(256);
    HttpClient http;

    Client(String session, String token) {
      this.session = session;
      this.token = token;
    }

    void nextTurn() {
      if (stopping || System.nanoTime() > measureUntil) {
        return;
      }
      RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
          .setAbsoluteURI(baseUrl + "/api/v1/sessions/" + session + "/messages")
          .putHeader("Authorization", "Bearer " + token)
          .putHeader("Content-Type", "application/json")
          .putHeader("Accept", "text/event-stream")
          .setIdleTimeout(30_000);
      http.request(options)
          .compose(req -> req.send(Buffer.buffer("{\"message\":\"relay benchmark\"}")))
          .onFailure(e -> retryLater("request: " + StreamedRequest.describe(e)))
          .onSuccess(this::read);
    }

    void read(HttpClientResponse response) {
      if (response.statusCode() != 200) {
        response.body().onComplete(b -> retryLater("http " + response.statusCode()));
        return;
      }
      boolean[] ended = new boolean[1];
      SseParser parser = new SseParser(new SseParser.Listener() {
        @Override
        public void onEvent(SseEvent event) {
          long now = System.nanoTime();
          switch (event.type()) {
            case "text" -> {
              long sent = new JsonObject(event.data()).getLong("bench_sent_ns", 0L);
              received.incrementAndGet();
              if (sent >= measureFrom && sent <= measureUntil) {
                latencies.add((now - sent) / 1000);
              }
            }
            case "done" -> {
              ended[0] = true;
              turnsDone.incrementAndGet();
            }
            case "error" -> {
              ended[0] = true;
              fail("error event " + new JsonObject(event.data()).getString("code"));
            }
            default -> { }
          }
        }
      });
      response.handler(b -> parser.feed(b.getBytes()));
      response.exceptionHandler(e -> {
        if (!ended[0]) {
          ended[0] = true;
          retryLater("stream: " + StreamedRequest.describe(e));
        }
      });
      response.endHandler(v -> {
        if (!ended[0]) {
          fail("stream ended without done");
        }
        nextTurn();
      });
    }

    void retryLater(String why) {
      fail(why);
      vertx.setTimer(500, id -> nextTurn());
    }
  }
}
