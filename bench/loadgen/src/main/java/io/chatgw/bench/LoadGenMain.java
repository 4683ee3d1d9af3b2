package io.chatgw.bench;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * The load generator: {@code java -jar loadgen-exec.jar CONFIG.json}. Runs every cell the config asks
 * for, one after the other, in this one process, then writes {@code <outDir>/<runName>.json} and
 * {@code .md} and prints the Markdown. The config format is described in bench/README.md.
 */
public final class LoadGenMain {

  private final JsonObject config;
  private final Vertx vertx;
  private final CpuMeter cpu;
  private final CellRunner runner;
  private final long idleTimeoutMs;
  private final double drainSeconds;
  private final Map<String, GatewaySessions> gatewaySessions = new HashMap<>();
  /** Target name -> the API key issued for its {@code apiKeyUser}. */
  private final Map<String, String> apiKeys = new HashMap<>();

  /** A gateway target's token and sessions (client i uses session i). */
  record GatewaySessions(String token, List<String> ids) { }

  LoadGenMain(JsonObject config) {
    this.config = config;
    int loops = config.getInteger("eventLoops", 2);
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setPreferNativeTransport(false)
        .setBlockedThreadCheckInterval(10_000));
    Map<String, Long> processes = new LinkedHashMap<>();
    config.getJsonObject("processes", new JsonObject()).forEach(e -> {
      if (e.getValue() != null) {
        processes.put(e.getKey(), ((Number) e.getValue()).longValue());
      }
    });
    this.cpu = new CpuMeter(processes);
    this.runner = new CellRunner(vertx, loops, cpu);
    this.idleTimeoutMs = config.getLong("requestIdleTimeoutMs", 30_000L);
    this.drainSeconds = config.getDouble("drainSeconds", 15.0);
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 1 || args[0].startsWith("-")) {
      System.err.println("usage: java -jar loadgen-exec.jar CONFIG.json   (see bench/README.md)");
      System.exit(2);
    }
    JsonObject config = new JsonObject(Files.readString(Path.of(args[0])));
    LoadGenMain main = new LoadGenMain(config);
    int status;
    try {
      status = main.run();
    } finally {
      main.vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    System.exit(status);
  }

  int run() throws Exception {
    long started = System.nanoTime();
    String startedAt = ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z"));
    List<TargetSpec> targets = new ArrayList<>();
    config.getJsonArray("targets").forEach(t -> targets.add(TargetSpec.fromJson((JsonObject) t)));
    // "only": run just these targets (the baseline always runs: every ratio is taken against it)
    JsonArray only = config.getJsonArray("only", new JsonArray());
    if (!only.isEmpty()) {
      targets.removeIf(t -> !only.contains(t.name()) && !"baseline".equals(t.role()));
    }
    JsonObject latency = config.getJsonObject("latency", new JsonObject());
    JsonObject throughput = config.getJsonObject("throughput", new JsonObject());
    int maxConcurrency = 1;
    for (JsonObject s : List.of(latency, throughput)) {
      for (Object c : s.getJsonArray("concurrency", new JsonArray())) {
        maxConcurrency = Math.max(maxConcurrency, ((Number) c).intValue());
      }
    }

    // 1. set-up and a probe request per target: a target that cannot answer is reported, not fatal
    Map<String, String> unavailable = new LinkedHashMap<>();
    int probeChunks = latency.getInteger("chunks", 64);
    for (TargetSpec target : targets) {
      try {
        if (target.kind() == TargetSpec.Kind.GATEWAY) {
          prepareGateway(target, 1);
        }
        if (target.apiKeyUser() != null) {
          try (GatewayClient gateway = new GatewayClient(vertx, target.baseUrl())) {
            apiKeys.put(target.name(), gateway.apiKey(target.apiKeyUser(), "bench " + target.name()));
          }
        }
        StreamedRequest.Outcome probe = runner.once(target,
            requests(target, probeChunks, latency.getLong("delayMs", 5L)).apply(0), probeChunks, idleTimeoutMs);
        if (!probe.ok()) {
          unavailable.put(target.name(), unavailableReason(target, probe));
        }
      } catch (Exception e) {
        unavailable.put(target.name(), "not available: set-up failed: " + e);
      }
      log("target %s: %s", target.label(), unavailable.getOrDefault(target.name(), "ok"));
    }

    // 2. warm-up (JIT, connection pools) of every available target, not measured; an isolated target is warmed
    //    up right before its own cells (its warm-up may change the gateway's state, e.g. trip the runtime monitor)
    JsonObject warmup = config.getJsonObject("warmup", new JsonObject());
    for (TargetSpec target : targets) {
      if (!target.isolate()) {
        warmUp(target, warmup, unavailable);
      }
    }

    // 3. the cells; targets marked "isolate" (they may leave work behind that disturbs other cells) run
    //    after everything else, idle streams included
    List<CellResult> cells = new ArrayList<>();
    List<TargetSpec> first = targets.stream().filter(t -> !t.isolate()).toList();
    List<TargetSpec> last = targets.stream().filter(TargetSpec::isolate).toList();
    runCells(first, latency, throughput, unavailable, cells);

    // 4. idle streams on the gateway
    List<IdleStreams.Result> idle = new ArrayList<>();
    String idleUnavailable = null;
    JsonObject memory = config.getJsonObject("memory");
    if (memory != null && memory.getLong("pid") != null) {
      try {
        idle.addAll(idleStreams(memory));
      } catch (Exception e) {
        idleUnavailable = "failed: " + e;
        log("idle streams failed: %s", e);
      }
    } else {
      idleUnavailable = memory == null ? "not run" : memory.getString("unavailable", "not run");
    }

    for (TargetSpec target : last) {
      warmUp(target, warmup, unavailable);
      runCells(List.of(target), latency, throughput, unavailable, cells);
    }

    // 4b. the event sinks' phases (bench/README.md): both up, each one down for real, both up again
    SinksDown sinks = config.containsKey("sinksDown") ? SinksDown.fromJson(config.getJsonObject("sinksDown"), targets) : null;
    if (sinks != null) {
      cells.addAll(sinks.run(new SinksDown.Cells() {
        @Override
        public void prepare(TargetSpec target, int concurrency) throws Exception {
          if (target.apiKeyUser() == null) { // an OpenAI target has its key, and a session per request
            prepareGateway(target, 1);
            freshSessions(target, concurrency);
          }
        }

        @Override
        public CellResult run(TargetSpec target, int concurrency) throws Exception {
          return runCell(latency.copy().put("name", "latency"), concurrency, target, unavailable);
        }
      }));
    }

    // 5. the new path's relay: this process plays the planes and the clients
    JsonObject relay = config.getJsonObject("relay", new JsonObject());
    String relayText = relay.getString("unavailable");
    RelayLatency.Result relayResult = null;
    if (relayText == null) {
      try {
        cpu.waitQuiet(0.1, 30);
        relayResult = new RelayLatency(vertx, relay, config.getInteger("eventLoops", 2), cpu).run();
        log("relay: %d sessions, p50 %.2f p99 %.2f ms, %,.0f events/s, %d errors %s", relayResult.sessions(),
            relayResult.latencyMicros().p50() / 1000.0, relayResult.latencyMicros().p99() / 1000.0,
            relayResult.eventsPerSecond(), relayResult.errors(), relayResult.failures());
      } catch (Exception e) {
        relayText = "failed: " + e;
        log("relay failed: %s", e);
      }
    }

    // 6. report
    JsonObject header = config.getJsonObject("report", new JsonObject()).copy()
        .put("started", startedAt)
        .put("wallSeconds", (System.nanoTime() - started) / 1e9);
    JsonObject machine = header.getJsonObject("machine", new JsonObject());
    machine.put("java (load generator)", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    header.put("machine", machine);
    Report report = new Report(targets, cells, idle, idleUnavailable, relayText, relayResult, header);
    if (sinks != null) {
      CellResult base = cells.stream().filter(c -> c.target().isBaseline() && c.scenario().equals("latency")
          && c.concurrency() == config.getJsonObject("sinksDown").getInteger("concurrency", 50)).findFirst().orElse(null);
      report.addSection(sinks.goals(base), sinks.markdown(base), "sinksDown", sinks.json());
    }
    String md = report.markdown();
    Path outDir = Path.of(config.getString("outDir", "bench/results"));
    Files.createDirectories(outDir);
    String runName = config.getString("runName", ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd")));
    Files.writeString(outDir.resolve(runName + ".md"), md);
    Files.writeString(outDir.resolve(runName + ".json"), report.json().encodePrettily() + "\n");
    System.out.println(md);
    log("wrote %s and %s", outDir.resolve(runName + ".md"), outDir.resolve(runName + ".json"));
    return 0;
  }

  private void runCells(List<TargetSpec> targets, JsonObject latency, JsonObject throughput,
      Map<String, String> unavailable, List<CellResult> cells) throws Exception {
    for (JsonObject scenario : List.of(latency.copy().put("name", "latency"), throughput.copy().put("name", "throughput"))) {
      String name = scenario.getString("name");
      for (Object c : scenario.getJsonArray("concurrency", new JsonArray())) {
        int concurrency = ((Number) c).intValue();
        for (TargetSpec target : targets) {
          cells.add(runCell(scenario, concurrency, target, unavailable));
          Thread.sleep((long) (config.getDouble("pauseSeconds", 1.0) * 1000));
        }
      }
    }
  }

  private CellResult runCell(JsonObject scenario, int concurrency, TargetSpec target, Map<String, String> unavailable)
      throws Exception {
    String name = scenario.getString("name");
    int chunks = scenario.getInteger("chunks", 64);
    long delayMs = scenario.getLong("delayMs", name.equals("latency") ? 5L : 0L);
    if (unavailable.containsKey(target.name())) {
      return CellResult.unavailable(name, concurrency, chunks, delayMs, target, unavailable.get(target.name()));
    }
    double seconds = concurrency == 1 ? scenario.getDouble("secondsAt1", scenario.getDouble("seconds", 6.0))
        : scenario.getDouble("seconds", 6.0);
    CellRunner.Plan plan = new CellRunner.Plan(name, concurrency, chunks, delayMs,
        scenario.getDouble("warmupSeconds", 2.0), seconds, drainSeconds, idleTimeoutMs,
        config.getDouble("settleSeconds", 10.0));
    // fresh sessions per cell: a turn a previous cell left running must not answer 409 here (a sinks-down phase's
    // were made before its sink went down)
    if (!target.role().equals("sinks")) {
      freshSessions(target, concurrency);
    }
    JitClock jit = target.baseUrl() != null ? new JitClock(target.baseUrl()) : null; // this gateway, either API
    var jitBefore = jit == null ? java.util.OptionalDouble.empty() : jit.compileMillis();
    long t0 = System.nanoTime();
    CellResult r = runner.run(plan, target, requests(target, chunks, delayMs));
    double jitCores = jit == null ? Double.NaN : JitClock.cores(jitBefore, jit.compileMillis(), System.nanoTime() - t0);
    log("%s c=%d %s: ttfe p50 %.2f p99 %.2f ms, %d req, %d err, %.0f chunks/s, loadgen %.0f%% (loop %.0f%%),"
            + " machine %.0f%%, background %.2f cores, settled %.1f s, target JIT %.2f cores", name, concurrency,
        target.label(), r.ttfe().p50() / 1000.0, r.ttfe().p99() / 1000.0, r.requests(), r.errors(),
        r.chunksPerSecond(), 100 * r.cpu().loadgenCores(), 100 * r.cpu().loopBusiest(),
        100 * r.cpu().machineBusy(), r.backgroundCores(), r.settleSeconds(), jitCores);
    return r;
  }

  /** Gives a gateway target {@code count} sessions nobody used yet (clients 0..count-1 take them). */
  private void freshSessions(TargetSpec target, int count) throws Exception {
    if (target.kind() != TargetSpec.Kind.GATEWAY) {
      return;
    }
    GatewaySessions known = gatewaySessions.get(target.name());
    try (GatewayClient gateway = new GatewayClient(vertx, target.baseUrl())) {
      List<String> ids = gateway.createSessions(known.token(), count, 32);
      gatewaySessions.put(target.name(), new GatewaySessions(known.token(), ids));
    }
  }

  private List<IdleStreams.Result> idleStreams(JsonObject memory) throws Exception {
    String baseUrl = memory.getString("baseUrl");
    long pid = memory.getLong("pid");
    List<Integer> levels = new ArrayList<>();
    memory.getJsonArray("streams", new JsonArray().add(1000).add(10000)).forEach(n -> levels.add(((Number) n).intValue()));
    int max = levels.stream().mapToInt(Integer::intValue).max().orElse(0);
    List<IdleStreams.Result> results = new ArrayList<>();
    try (GatewayClient gateway = new GatewayClient(vertx, baseUrl)) {
      String token = gateway.token(memory.getString("user", "bench-idle"), memory.getString("org", "org-acme"));
      long t0 = System.nanoTime();
      List<String> sessions = gateway.createSessions(token, max, 32);
      log("idle streams: %d sessions created in %.1f s", sessions.size(), (System.nanoTime() - t0) / 1e9);
      IdleStreams bench = new IdleStreams(vertx, baseUrl, pid, config.getInteger("eventLoops", 2), cpu);
      for (int n : levels) {
        IdleStreams.Result r = bench.run(token, sessions, n);
        results.add(r);
        log("idle streams %d: opened %d (failed %d) in %.1f s, heap %s -> %s, rss %s -> %s", n, r.opened(), r.failed(),
            r.openSeconds(), Report.mib(r.heapBefore()), Report.mib(r.heapWith()), Report.mib(r.rssBefore()),
            Report.mib(r.rssWith()));
      }
    }
    return results;
  }

  private void warmUp(TargetSpec target, JsonObject warmup, Map<String, String> unavailable) throws Exception {
    // targets that need no JIT warm-up (the stand-in itself, nginx) may get less
    double seconds = warmup.getJsonObject("secondsByTarget", new JsonObject())
        .getDouble(target.name(), warmup.getDouble("seconds", 0.0));
    if (unavailable.containsKey(target.name()) || seconds <= 0) {
      return;
    }
    CellRunner.Plan plan = new CellRunner.Plan("warmup", warmup.getInteger("concurrency", 20),
        warmup.getInteger("chunks", 64), warmup.getLong("delayMs", 0L), 0, seconds, drainSeconds, idleTimeoutMs, 0);
    freshSessions(target, plan.concurrency());
    CellResult r = runner.run(plan, target, requests(target, plan.chunks(), plan.delayMs()));
    log("warm-up %s: %d requests, %d errors", target.label(), r.requests(), r.errors());
    JsonObject settle = warmup.getJsonObject("jitSettle");
    if (settle != null && target.baseUrl() != null) {
      settleJit(target, plan, settle);
    }
  }

  /**
   * Goes on warming a JVM target up, in rounds alternating the paced and the zero-interval shape (each cell's
   * code profile), until its JIT used less than {@code jitSettle.cores} for two rounds in a row, or
   * {@code jitSettle.maxSeconds} passed: a C2 compiler still at work takes one of the machine's two cores from
   * the cells.
   */
  private void settleJit(TargetSpec target, CellRunner.Plan warm, JsonObject settle) throws Exception {
    JitClock jit = new JitClock(target.baseUrl());
    double quietCores = settle.getDouble("cores", 0.05);
    double roundSeconds = settle.getDouble("roundSeconds", 5.0);
    long deadline = System.nanoTime() + (long) (settle.getDouble("maxSeconds", 120.0) * 1e9);
    long started = System.nanoTime();
    int quiet = 0;
    double cores = Double.NaN;
    for (int round = 0; quiet < 2 && System.nanoTime() < deadline; round++) {
      long delayMs = round % 2 == 0 ? warm.delayMs() : 0L;
      CellRunner.Plan plan = new CellRunner.Plan("warmup", warm.concurrency(), warm.chunks(), delayMs, 0,
          roundSeconds, drainSeconds, idleTimeoutMs, 0);
      freshSessions(target, plan.concurrency());
      var before = jit.compileMillis();
      long t0 = System.nanoTime();
      runner.run(plan, target, requests(target, plan.chunks(), plan.delayMs()));
      cores = JitClock.cores(before, jit.compileMillis(), System.nanoTime() - t0);
      if (Double.isNaN(cores)) {
        log("warm-up %s: its JIT compile time is not exported (%s), not waited for", target.label(), JitClock.METRIC);
        return;
      }
      quiet = cores < quietCores ? quiet + 1 : 0;
    }
    log("warm-up %s: JIT %s after %.0f s more (last round %.2f cores compiling, quiet below %.2f)", target.label(),
        quiet >= 2 ? "settled" : "still busy", (System.nanoTime() - started) / 1e9, cores, quietCores);
  }

  private void prepareGateway(TargetSpec target, int sessions) throws Exception {
    try (GatewayClient gateway = new GatewayClient(vertx, target.baseUrl())) {
      GatewaySessions known = gatewaySessions.get(target.name());
      String token = known != null ? known.token() : gateway.token(target.user(), target.org());
      List<String> ids = new ArrayList<>(known != null ? known.ids() : List.of());
      long t0 = System.nanoTime();
      ids.addAll(gateway.createSessions(token, sessions - ids.size(), 32));
      gatewaySessions.put(target.name(), new GatewaySessions(token, ids));
      log("target %s: %d sessions for %s in %.1f s", target.label(), ids.size(), target.user(),
          (System.nanoTime() - t0) / 1e9);
    }
  }

  static String unavailableReason(TargetSpec target, StreamedRequest.Outcome probe) {
    String path = probe.routePath() == null ? target.expectPath() : probe.routePath();
    if ("path_unavailable".equals(probe.errorCode())) {
      return "not available: " + path + " path not built";
    }
    if ("vm_unavailable".equals(probe.errorCode())) {
      return "not available: " + path + " path has no execution plane in this set-up (vm_unavailable)";
    }
    return "not available: probe request failed (" + probe.error() + ")";
  }

  /** The chat message: the stand-in LLM reads its knobs from the directive, whatever sits in between. */
  static String message(int chunks, long delayMs) {
    return "Benchmark turn, please answer. [[standin chunks=" + chunks + " delay_ms=" + delayMs + "]]";
  }

  private IntFunction<RequestTemplate> requests(TargetSpec target, int chunks, long delayMs) {
    String message = message(chunks, delayMs);
    if (target.kind() != TargetSpec.Kind.GATEWAY) {
      RequestTemplate shared = RequestTemplate.sdk(target, target.messagePrefix() + message,
          config.getString(target.apiKeyUser() != null ? "gatewayModel" : "model",
              target.apiKeyUser() != null ? "chat-gateway" : "standin-1"),
          apiKeys.getOrDefault(target.name(), apiKeys.get(target.compareWith()))); // a sinks phase: its base's key
      return i -> shared;
    }
    GatewaySessions sessions = gatewaySessions.get(target.name());
    Buffer body = Buffer.buffer(new JsonObject().put("message", target.messagePrefix() + message).encode());
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("Authorization", "Bearer " + sessions.token())
        .add("Content-Type", "application/json")
        .add("Accept", "text/event-stream");
    target.headers().forEach(headers::add);
    return i -> new RequestTemplate(HttpMethod.POST,
        target.baseUrl() + "/api/v1/sessions/" + sessions.ids().get(i % sessions.ids().size()) + "/messages",
        headers, body);
  }

  static void log(String format, Object... args) {
    System.err.println("[loadgen] " + String.format(Locale.ROOT, format, args));
  }
}
