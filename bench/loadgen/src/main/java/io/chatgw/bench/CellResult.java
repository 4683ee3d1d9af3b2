package io.chatgw.bench;

import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * The figures of one cell: one target at one concurrency in one scenario.
 *
 * @param scenario          {@code latency} or {@code throughput}
 * @param unavailable       null when the target ran; otherwise why not (e.g. "not available: new path not built")
 * @param windowSeconds     length of the measured window
 * @param requests          requests started inside the window
 * @param errorKinds        errors by reason
 * @param ttfb              time to first byte (response headers), ms
 * @param ttfe              time to first content event, ms
 * @param gap               gaps between consecutive content events of a stream, ms
 * @param total             request start to response end, ms
 * @param contentEvents     content events received inside the window (any request)
 */
record CellResult(String scenario, int concurrency, int chunks, long delayMs, TargetSpec target, String unavailable,
    double windowSeconds, int requests, int ok, int errors, Map<String, Integer> errorKinds,
    Percentiles.Summary ttfb, Percentiles.Summary ttfe, Percentiles.Summary gap, Percentiles.Summary total,
    long contentEvents, CpuMeter.Usage cpu, double settleSeconds) {

  /** Upstream process: its CPU belongs to every cell. */
  static final String UPSTREAM = "stand-in LLM";

  static CellResult unavailable(String scenario, int concurrency, int chunks, long delayMs, TargetSpec target,
      String reason) {
    return new CellResult(scenario, concurrency, chunks, delayMs, target, reason, 0, 0, 0, 0, Map.of(),
        Percentiles.Summary.EMPTY, Percentiles.Summary.EMPTY, Percentiles.Summary.EMPTY, Percentiles.Summary.EMPTY,
        0, CpuMeter.Usage.NONE, 0);
  }

  /**
   * CPU used during the cell by neither the target, nor the upstream, nor the load generator: other
   * programs on the machine, or another target still busy with work a previous cell left behind.
   */
  double backgroundCores() {
    double sum = cpu.otherCores();
    for (Map.Entry<String, Double> e : cpu.processCores().entrySet()) {
      if (!e.getKey().equals(UPSTREAM) && !target.processes().contains(e.getKey())) {
        sum += e.getValue();
      }
    }
    return sum;
  }

  boolean disturbed() {
    return backgroundCores() >= 0.25;
  }

  boolean available() {
    return unavailable == null;
  }

  double chunksPerSecond() {
    return windowSeconds <= 0 ? 0 : contentEvents / windowSeconds;
  }

  double requestsPerSecond() {
    return windowSeconds <= 0 ? 0 : requests / windowSeconds;
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("scenario", scenario)
        .put("concurrency", concurrency)
        .put("chunks", chunks)
        .put("delayMs", delayMs)
        .put("target", target.name())
        .put("label", target.label());
    if (!available()) {
      return json.put("available", false).put("reason", unavailable);
    }
    JsonObject errorsJson = new JsonObject();
    errorKinds.forEach(errorsJson::put);
    JsonObject cpuJson = new JsonObject()
        .put("loadgenCores", round(cpu.loadgenCores()))
        .put("loadgenBusiestLoop", round(cpu.loopBusiest()))
        .put("machineBusy", round(cpu.machineBusy()))
        .put("clientSaturated", cpu.clientSaturated())
        .put("machineSaturated", cpu.machineSaturated())
        .put("otherProcessesCores", round(cpu.otherCores()))
        .put("backgroundCores", round(backgroundCores()))
        .put("disturbed", disturbed());
    JsonObject processes = new JsonObject();
    cpu.processCores().forEach((name, cores) -> processes.put(name, round(cores)));
    cpuJson.put("processCores", processes);
    return json.put("available", true)
        .put("windowSeconds", round(windowSeconds))
        .put("requests", requests)
        .put("ok", ok)
        .put("errors", errors)
        .put("errorKinds", errorsJson)
        .put("ttfbMs", summaryJson(ttfb))
        .put("ttfeMs", summaryJson(ttfe))
        .put("gapMs", summaryJson(gap))
        .put("totalMs", summaryJson(total))
        .put("contentEvents", contentEvents)
        .put("chunksPerSecond", round(chunksPerSecond()))
        .put("requestsPerSecond", round(requestsPerSecond()))
        .put("settleSeconds", round(settleSeconds))
        .put("cpu", cpuJson);
  }

  /** Summaries are kept in microseconds; JSON shows milliseconds. */
  static JsonObject summaryJson(Percentiles.Summary s) {
    return new JsonObject().put("n", s.count()).put("min", ms(s.min())).put("mean", round(s.mean() / 1000.0))
        .put("p50", ms(s.p50())).put("p90", ms(s.p90())).put("p99", ms(s.p99())).put("max", ms(s.max()));
  }

  static double ms(long micros) {
    return round(micros / 1000.0);
  }

  static double round(double v) {
    return Math.round(v * 1000.0) / 1000.0;
  }
}
