package io.chatgw.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Turns a run's figures into the Markdown table (figure x target, with the ratio to the baseline target)
 * and the JSON, with the product's goals checked by {@link Goals}.
 */
final class Report {

  private final List<TargetSpec> targets;
  private final List<CellResult> cells;
  private final List<IdleStreams.Result> idle;
  private final String idleUnavailable;
  private final String relayUnavailable;
  private final RelayLatency.Result relay;
  private final JsonObject header;
  private final Goals checks;
  private final List<Goals.Goal> goals;

  /**
   * @param header run facts: {@code title}, {@code command}, {@code started}, {@code wallSeconds},
   *               {@code machine} (object), {@code upstream}, {@code client}
   */
  Report(List<TargetSpec> targets, List<CellResult> cells, List<IdleStreams.Result> idle, String idleUnavailable,
      String relayUnavailable, JsonObject header) {
    this(targets, cells, idle, idleUnavailable, relayUnavailable, null, header);
  }

  Report(List<TargetSpec> targets, List<CellResult> cells, List<IdleStreams.Result> idle, String idleUnavailable,
      String relayUnavailable, RelayLatency.Result relay, JsonObject header) {
    this.relay = relay;
    this.targets = targets;
    this.cells = cells;
    this.idle = idle;
    this.idleUnavailable = idleUnavailable;
    this.relayUnavailable = relayUnavailable;
    this.header = header;
    this.checks = new Goals(targets, cells, idle, idleUnavailable, relayUnavailable, relay);
    this.goals = checks.all();
  }

  /** The product's goals and where this run stands on each. */
  List<Goals.Goal> goals() {
    return goals;
  }

  // ---------------------------------------------------------------- markdown

  String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# ").append(header.getString("title", "Benchmark")).append("\n\n");
    md.append("- Command: `").append(header.getString("command", "bench/run")).append("`\n");
    md.append("- Started: ").append(header.getString("started", "?"));
    if (header.containsKey("wallSeconds")) {
      md.append(", measured part took ").append(Math.round(header.getDouble("wallSeconds"))).append(" s");
    }
    md.append("\n");
    JsonObject machine = header.getJsonObject("machine", new JsonObject());
    if (!machine.isEmpty()) {
      md.append("- Machine: ").append(machine.stream().map(e -> e.getKey() + " " + e.getValue())
          .collect(Collectors.joining("; "))).append("\n");
    }
    if (header.containsKey("upstream")) {
      md.append("- Upstream: ").append(header.getString("upstream")).append("\n");
    }
    if (header.containsKey("client")) {
      md.append("- Client: ").append(header.getString("client")).append("\n");
    }
    md.append("- Cells: each target in turn, same upstream; a cell is a closed loop of N clients (one stream each at a"
        + " time), warm-up then a measured window; only requests started in the window count. Times in ms;"
        + " `(+x, y.yyx)` = added over (a) direct and ratio to it. \"client-saturated\": the load generator's busiest"
        + " event loop was >= 80% busy, its timestamps are late and the cell is not a fair measurement."
        + " \"machine-saturated\": >= 90% of both cores busy (client, upstream and target compete for CPU)."
        + " \"disturbed\": >= 0.25 cores went to neither the target, the upstream nor the client (another program,"
        + " or another target still finishing work an earlier cell left behind).\n\n");

    md.append("## Goals\n\n| goal | target | measured | verdict |\n|---|---|---|---|\n");
    for (Goals.Goal g : goals) {
      md.append("| ").append(g.goal()).append(" | ").append(g.target()).append(" | ").append(g.measured())
          .append(" | ").append(g.verdict()).append(" |\n");
    }
    md.append('\n');

    for (String scenario : List.of("latency", "throughput")) {
      List<Integer> levels = cells.stream().filter(c -> c.scenario().equals(scenario)).map(CellResult::concurrency)
          .distinct().sorted().toList();
      for (int level : levels) {
        List<CellResult> row = targets.stream()
            .map(t -> checks.find(scenario, level, t).orElse(null)).toList();
        CellResult any = row.stream().filter(c -> c != null).findFirst().orElseThrow();
        md.append("## ").append(scenario.equals("latency") ? "Latency" : "Throughput (zero interval)")
            .append(", ").append(level).append(level == 1 ? " client" : " concurrent clients")
            .append(" (").append(any.chunks()).append(" chunks, ").append(any.delayMs()).append(" ms apart)\n\n");
        md.append(table(scenario, row)).append('\n');
        for (CellResult c : row) {
          if (c != null && !c.available()) {
            md.append("- ").append(c.target().label()).append(": ").append(c.unavailable()).append("\n");
          }
        }
        md.append('\n');
      }
    }

    md.append("## Idle SSE streams on the gateway\n\n");
    if (idle.isEmpty()) {
      md.append(idleUnavailable == null ? "not run" : idleUnavailable).append("\n\n");
    } else {
      md.append("| streams | opened (failed) | open time | heap used after full GC: before -> with streams |"
          + " heap per stream | RSS before -> with | RSS per stream | heap max |\n|---|---|---|---|---|---|---|---|\n");
      for (IdleStreams.Result r : idle) {
        md.append(String.format(Locale.ROOT, "| %,d | %,d (%d) | %.1f s | %s -> %s | %s | %s -> %s | %s | %s |%n",
            r.streams(), r.opened(), r.failed(), r.openSeconds(), mib(r.heapBefore()), mib(r.heapWith()),
            kib(r.perStream(r.heapBefore(), r.heapWith())), mib(r.rssBefore()), mib(r.rssWith()),
            kib(r.perStream(r.rssBefore(), r.rssWith())), mib(r.heapMax())));
      }
      for (IdleStreams.Result r : idle) {
        if (!r.failures().isEmpty()) {
          md.append("\n- ").append(String.format(Locale.ROOT, "%,d", r.streams())).append(" streams, not opened: ")
              .append(r.failures().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                  .collect(Collectors.joining(", ")));
        }
      }
      md.append('\n');
    }
    md.append("## WebSocket -> SSE relay (new path)\n\n");
    if (relay == null) {
      md.append(relayUnavailable == null ? "not run" : relayUnavailable).append("\n");
    } else {
      Percentiles.Summary l = relay.latencyMicros();
      md.append(String.format(Locale.ROOT, "%d planes (this process, docs/protocol.md), %,d sessions, turns back to back: "
              + "%d `text` events %d ms apart then `done`; %.0f s measured. Latency = client's receive time of the SSE "
              + "event minus the plane's send time of its frame (one clock).%n%n", relay.planes(), relay.sessions(),
          relay.events(), relay.intervalMs(), relay.seconds()));
      md.append("| figure | value |\n|---|---|\n");
      md.append(String.format(Locale.ROOT, "| relay latency p50 / p90 / p99 / max, ms | %s / %s / %s / %s |%n",
          fmt(l.p50() / 1000.0), fmt(l.p90() / 1000.0), fmt(l.p99() / 1000.0), fmt(l.max() / 1000.0)));
      md.append(String.format(Locale.ROOT, "| events measured (per second) | %,d (%,.0f) |%n", l.count(), relay.eventsPerSecond()));
      md.append(String.format(Locale.ROOT, "| turns done, errors | %,d, %d%s |%n", relay.turnsDone(), relay.errors(),
          relay.failures().isEmpty() ? "" : " (" + relay.failures().entrySet().stream()
              .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")) + ")"));
      md.append(String.format(Locale.ROOT, "| gateway's own histogram (plane frame in -> SSE write), p99 bucket, ms | %s |%n",
          Double.isNaN(relay.gatewayRelayP99Micros()) ? "-" : fmt(relay.gatewayRelayP99Micros() / 1000.0)));
      md.append(String.format(Locale.ROOT, "| gateway CPU, cores | %s |%n",
          fmt(relay.cpu().processCores().getOrDefault("gateway", 0.0))));
      md.append(String.format(Locale.ROOT, "| load generator CPU (busiest loop); machine busy | %.0f%% (%.0f%%); %.0f%% |%n",
          relay.cpu().loadgenCores() * 100, relay.cpu().loopBusiest() * 100, relay.cpu().machineBusy() * 100));
    }
    return md.toString();
  }

  private String table(String scenario, List<CellResult> row) {
    StringBuilder t = new StringBuilder("| figure |");
    StringBuilder sep = new StringBuilder("|---|");
    for (TargetSpec target : targets) {
      t.append(' ').append(target.label()).append(" |");
      sep.append("---|");
    }
    t.append('\n').append(sep).append('\n');
    CellResult base = row.stream().filter(c -> c != null && c.target().isBaseline() && c.available()).findFirst()
        .orElse(null);
    if (scenario.equals("throughput")) {
      rowRate(t, "chunks/s", row, base, CellResult::chunksPerSecond);
      rowRate(t, "requests/s", row, base, CellResult::requestsPerSecond);
    }
    rowMs(t, "time to first event p50", row, base, c -> c.ttfe().p50());
    rowMs(t, "time to first event p90", row, base, c -> c.ttfe().p90());
    rowMs(t, "time to first event p99", row, base, c -> c.ttfe().p99());
    rowMs(t, "time to first event max", row, base, c -> c.ttfe().max());
    rowMs(t, "time to first byte p50", row, base, c -> c.ttfb().p50());
    rowMs(t, "time to first byte p99", row, base, c -> c.ttfb().p99());
    if (scenario.equals("latency")) {
      rowMs(t, "inter-event gap p50", row, base, c -> c.gap().p50());
      rowMs(t, "inter-event gap p99", row, base, c -> c.gap().p99());
    }
    rowMs(t, "total duration p50", row, base, c -> c.total().p50());
    rowMs(t, "total duration p99", row, base, c -> c.total().p99());
    if (scenario.equals("latency")) {
      rowRate(t, "chunks/s", row, base, CellResult::chunksPerSecond);
    }
    rowText(t, "requests (errors)", row, c -> c.requests() + " (" + errorsText(c) + ")");
    rowText(t, "target CPU, cores", row, c -> String.format(Locale.ROOT, "%.2f", targetCores(c)));
    if (scenario.equals("throughput")) {
      rowText(t, "chunks per target CPU-second", row, c -> {
        double cores = targetCores(c);
        return cores <= 0 ? "-" : String.format(Locale.ROOT, "%,.0f", c.chunksPerSecond() / cores);
      });
    }
    rowText(t, "stand-in LLM CPU, cores", row,
        c -> String.format(Locale.ROOT, "%.2f", c.cpu().processCores().getOrDefault("stand-in LLM", 0.0)));
    rowText(t, "load generator CPU (busiest loop)", row, c -> String.format(Locale.ROOT, "%.0f%% (%.0f%%)",
        100 * c.cpu().loadgenCores(), 100 * c.cpu().loopBusiest()));
    rowText(t, "machine CPU busy", row, c -> String.format(Locale.ROOT, "%.0f%%", 100 * c.cpu().machineBusy()));
    rowText(t, "background CPU (not target/upstream/client), cores", row,
        c -> String.format(Locale.ROOT, "%.2f", c.backgroundCores()));
    rowText(t, "saturated?", row, Report::saturation);
    return t.toString();
  }

  static String saturation(CellResult c) {
    List<String> flags = new ArrayList<>();
    if (c.cpu().clientSaturated()) {
      flags.add("client");
    }
    if (c.cpu().machineSaturated()) {
      flags.add("machine");
    }
    if (c.disturbed()) {
      flags.add("disturbed");
    }
    return flags.isEmpty() ? "no" : String.join(" + ", flags);
  }

  static double targetCores(CellResult c) {
    double sum = 0;
    for (String p : c.target().processes()) {
      sum += c.cpu().processCores().getOrDefault(p, 0.0);
    }
    return sum;
  }

  private static String errorsText(CellResult c) {
    if (c.errors() == 0) {
      return "0";
    }
    return c.errors() + ": " + c.errorKinds().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
        .collect(Collectors.joining(", "));
  }

  private static void rowMs(StringBuilder t, String figure, List<CellResult> row, CellResult base,
      Function<CellResult, Long> micros) {
    t.append("| ").append(figure).append(" |");
    for (CellResult c : row) {
      t.append(' ');
      if (c == null || !c.available()) {
        t.append(c == null ? "-" : "n/a");
      } else if (c.ttfe().isEmpty() && c.total().isEmpty()) {
        t.append("no successful request");
      } else {
        double v = micros.apply(c) / 1000.0;
        t.append(fmt(v));
        if (base != null && c != base && !base.total().isEmpty()) {
          double b = micros.apply(base) / 1000.0;
          t.append(String.format(Locale.ROOT, " (%s, %s)", signed(v - b), ratio(v, b)));
        }
      }
      t.append(" |");
    }
    t.append('\n');
  }

  private static void rowRate(StringBuilder t, String figure, List<CellResult> row, CellResult base,
      Function<CellResult, Double> value) {
    t.append("| ").append(figure).append(" |");
    for (CellResult c : row) {
      t.append(' ');
      if (c == null || !c.available()) {
        t.append(c == null ? "-" : "n/a");
      } else {
        double v = value.apply(c);
        t.append(String.format(Locale.ROOT, "%,.0f", v));
        if (base != null && c != base) {
          t.append(" (").append(ratio(v, value.apply(base))).append(')');
        }
      }
      t.append(" |");
    }
    t.append('\n');
  }

  private static void rowText(StringBuilder t, String figure, List<CellResult> row, Function<CellResult, String> text) {
    t.append("| ").append(figure).append(" |");
    for (CellResult c : row) {
      t.append(' ').append(c == null ? "-" : c.available() ? text.apply(c) : "n/a").append(" |");
    }
    t.append('\n');
  }

  static String ratio(double v, double base) {
    return base <= 0 ? "-" : String.format(Locale.ROOT, "%.2fx", v / base);
  }

  /** {@link #fmt} with a sign: "+0.30", "-4.00". */
  static String signed(double ms) {
    return (ms >= 0 ? "+" : "") + fmt(ms);
  }

  static String fmt(double ms) {
    double a = Math.abs(ms);
    return String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f", ms);
  }

  static String mib(long bytes) {
    return bytes < 0 ? "?" : String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }

  static String kib(long bytes) {
    return bytes < 0 ? "?" : String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
  }

  // ---------------------------------------------------------------- JSON

  JsonObject json() {
    JsonArray cellsJson = new JsonArray();
    cells.forEach(c -> cellsJson.add(c.toJson()));
    JsonArray targetsJson = new JsonArray();
    targets.forEach(t -> targetsJson.add(t.toJson()));
    JsonArray idleJson = new JsonArray();
    idle.forEach(i -> idleJson.add(i.toJson()));
    JsonArray goalsJson = new JsonArray();
    goals.forEach(g -> goalsJson.add(g.toJson()));
    return header.copy().put("targets", targetsJson).put("cells", cellsJson).put("idleStreams", idleJson)
        .put("idleStreamsUnavailable", idleUnavailable).put("relay", relay == null ? relayUnavailable : relay.toJson()).put("goals", goalsJson);
  }

}
