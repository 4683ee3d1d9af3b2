package io.chatgw.bench;

import static io.chatgw.bench.Report.fmt;
import static io.chatgw.bench.Report.mib;
import static io.chatgw.bench.Report.signed;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The product's goals (docs/performance.md) checked against a run's cells, idle streams and relay figures. */
final class Goals {

  /** A product goal and where the run stands. */
  record Goal(String goal, String target, String measured, String verdict) {
    JsonObject toJson() {
      return new JsonObject().put("goal", goal).put("target", target).put("measured", measured).put("verdict", verdict);
    }
  }


  static final String MET = "met";
  static final String MISSED = "MISSED";
  static final String NOT_AVAILABLE = "n/a";

  private final List<TargetSpec> targets;
  private final List<CellResult> cells;
  private final List<IdleStreams.Result> idle;
  private final String idleUnavailable;
  private final String relayUnavailable;
  private final RelayLatency.Result relay;

  Goals(List<TargetSpec> targets, List<CellResult> cells, List<IdleStreams.Result> idle, String idleUnavailable,
      String relayUnavailable, RelayLatency.Result relay) {
    this.targets = targets;
    this.cells = cells;
    this.idle = idle;
    this.idleUnavailable = idleUnavailable;
    this.relayUnavailable = relayUnavailable;
    this.relay = relay;
  }

  List<Goal> all() {
    List<Goal> goals = new ArrayList<>();
    List<TargetSpec> gateways = targets.stream().filter(t -> t.role().equals("gateway")).toList();
    for (TargetSpec gw : gateways) {
      goals.add(addedGoal(gw, 50));
    }
    for (TargetSpec gw : gateways) {
      goals.add(vsNginxGoal(gw, 200));
      goals.add(vsPortkeyGoal(gw, 200));
    }
    for (TargetSpec gw : gateways) {
      goals.add(throughputGoal(gw, 50));
    }
    for (TargetSpec gw : gateways.stream().filter(t -> "new".equals(t.expectPath())).toList()) {
      goals.add(slowestGoal(gw, 50));
    }
    for (TargetSpec fallback : targets.stream().filter(t -> t.role().equals("fallback")).toList()) {
      goals.add(fallbackGoal(fallback, 50));
    }
    goals.add(relayGoal());
    goals.add(idleGoal());
    return goals;
  }

  private Goal relayGoal() {
    String goal = "WebSocket -> SSE relay p99 <= 2 ms at 1,000 sessions";
    if (relay == null || relay.latencyMicros().isEmpty()) {
      return new Goal(goal, "gateway new", relay == null ? "-" : "no event relayed (" + relay.errors() + " errors)",
          relay == null ? (relayUnavailable == null ? NOT_AVAILABLE : relayUnavailable) : MISSED);
    }
    double p99 = relay.latencyMicros().p99() / 1000.0;
    boolean met = p99 <= 2.0 && relay.sessions() >= 1000 && relay.errors() == 0;
    String verdict = met ? MET : MISSED;
    if (relay.cpu().clientSaturated()) {
      verdict += " (client-saturated)";
    } else if (relay.cpu().machineSaturated()) {
      verdict += " (machine-saturated)";
    }
    return new Goal(goal, "gateway new", String.format(Locale.ROOT, "p99 %s ms over %,d sessions, %,.0f events/s, %d errors",
        fmt(p99), relay.sessions(), relay.eventsPerSecond(), relay.errors()), verdict);
  }

  private Goal addedGoal(TargetSpec gw, int concurrency) {
    String goal = "added time to first event over direct at " + concurrency + " streams: p50 <= 1 ms, p99 <= 5 ms";
    Optional<CellResult> cell = find("latency", concurrency, gw);
    Optional<CellResult> base = baseline("latency", concurrency);
    if (cell.isEmpty() || base.isEmpty() || !cell.get().available() || !base.get().available()) {
      return new Goal(goal, gw.label(), "-", notRun(cell));
    }
    if (cell.get().ttfe().isEmpty()) {
      return new Goal(goal, gw.label(), noAnswer(cell.get()), MISSED);
    }
    double p50 = added(cell.get(), base.get(), 50);
    double p99 = added(cell.get(), base.get(), 99);
    boolean met = p50 <= 1.0 && p99 <= 5.0;
    return new Goal(goal, gw.label(), String.format(Locale.ROOT, "%s / %s ms", signed(p50), signed(p99)),
        verdict(met, cell.get(), base.get()));
  }

  /** A failing path's answers (fallback, breaker open) against the fallback path's own: p50 within +5 ms. */
  private Goal fallbackGoal(TargetSpec fallback, int concurrency) {
    String goal = "fallback answer's time to first event at " + concurrency + " streams: p50 within +5 ms of "
        + fallback.compareWith() + "'s own";
    Optional<TargetSpec> own = targets.stream().filter(t -> t.name().equals(fallback.compareWith())).findFirst();
    Optional<CellResult> cell = find("latency", concurrency, fallback);
    Optional<CellResult> ref = own.flatMap(t -> find("latency", concurrency, t));
    if (cell.isEmpty() || ref.isEmpty() || !cell.get().available() || !ref.get().available()) {
      return new Goal(goal, fallback.label(), "-", notRun(cell));
    }
    if (cell.get().ttfe().isEmpty() || ref.get().ttfe().isEmpty()) {
      return new Goal(goal, fallback.label(), noAnswer(cell.get()), MISSED);
    }
    double p50 = added(cell.get(), ref.get(), 50);
    double p99 = added(cell.get(), ref.get(), 99);
    return new Goal(goal, fallback.label(), String.format(Locale.ROOT, "%s / %s ms (p50 / p99)", signed(p50), signed(p99)),
        verdict(p50 <= 5.0, cell.get(), ref.get()));
  }

  /**
   * One user's execution plane serving {@code concurrency} turns at once (what ReferencePlaneIT checks works): every
   * request answered, and the slowest first event within 5 s.
   */
  private Goal slowestGoal(TargetSpec gw, int concurrency) {
    String goal = concurrency + " concurrent turns of one user's plane: all answered, slowest time to first event <= 5 s";
    Optional<CellResult> cell = find("latency", concurrency, gw);
    if (cell.isEmpty() || !cell.get().available()) {
      return new Goal(goal, gw.label(), "-", notRun(cell));
    }
    CellResult c = cell.get();
    if (c.ttfe().isEmpty()) {
      return new Goal(goal, gw.label(), noAnswer(c), MISSED);
    }
    double max = c.ttfe().max() / 1000.0;
    return new Goal(goal, gw.label(), String.format(Locale.ROOT, "max %s ms over %d requests, %d errors", fmt(max),
        c.requests(), c.errors()), verdict(max <= 5000 && c.errors() == 0, c));
  }

  private Goal vsNginxGoal(TargetSpec gw, int concurrency) {
    String goal = "added time to first event at " + concurrency + " streams: p50 and p99 <= 1.2x nginx's added";
    Optional<CellResult> cell = find("latency", concurrency, gw);
    Optional<CellResult> base = baseline("latency", concurrency);
    Optional<CellResult> nginx = byRole("latency", concurrency, "nginx");
    if (cell.isEmpty() || base.isEmpty() || nginx.isEmpty() || !cell.get().available() || !base.get().available()
        || !nginx.get().available()) {
      return new Goal(goal, gw.label(), "-", notRun(cell));
    }
    if (cell.get().ttfe().isEmpty()) {
      return new Goal(goal, gw.label(), noAnswer(cell.get()), MISSED);
    }
    double p50 = added(cell.get(), base.get(), 50);
    double p99 = added(cell.get(), base.get(), 99);
    double n50 = added(nginx.get(), base.get(), 50);
    double n99 = added(nginx.get(), base.get(), 99);
    boolean met = p50 <= allowance(n50) && p99 <= allowance(n99);
    return new Goal(goal, gw.label(), String.format(Locale.ROOT, "%s / %s ms vs nginx %s / %s ms (limit %s / %s)",
        signed(p50), signed(p99), signed(n50), signed(n99), signed(allowance(n50)), signed(allowance(n99))),
        verdict(met, cell.get(), nginx.get()));
  }

  /** 1.2x nginx's added time; when nginx adds nothing (or less than nothing), matching it is the limit. */
  static double allowance(double nginxAdded) {
    return nginxAdded > 0 ? 1.2 * nginxAdded : nginxAdded;
  }

  private Goal vsPortkeyGoal(TargetSpec gw, int concurrency) {
    String goal = "ahead of Portkey at " + concurrency + " streams (added time to first event p50 and p99)";
    Optional<CellResult> cell = find("latency", concurrency, gw);
    Optional<CellResult> base = baseline("latency", concurrency);
    Optional<CellResult> portkey = byRole("latency", concurrency, "portkey");
    if (cell.isEmpty() || base.isEmpty() || portkey.isEmpty() || !cell.get().available() || !base.get().available()
        || !portkey.get().available()) {
      return new Goal(goal, gw.label(), "-", notRun(cell));
    }
    if (cell.get().ttfe().isEmpty()) {
      return new Goal(goal, gw.label(), noAnswer(cell.get()), MISSED);
    }
    double p50 = added(cell.get(), base.get(), 50);
    double p99 = added(cell.get(), base.get(), 99);
    double k50 = added(portkey.get(), base.get(), 50);
    double k99 = added(portkey.get(), base.get(), 99);
    boolean met = p50 < k50 && p99 < k99;
    return new Goal(goal, gw.label(), String.format(Locale.ROOT, "%s / %s ms vs Portkey %s / %s ms",
        signed(p50), signed(p99), signed(k50), signed(k99)), verdict(met, cell.get(), portkey.get()));
  }

  private Goal throughputGoal(TargetSpec gw, int concurrency) {
    String goal = "zero-interval throughput at " + concurrency + " clients >= 0.8x nginx's chunks/s";
    Optional<CellResult> cell = find("throughput", concurrency, gw);
    Optional<CellResult> nginx = byRole("throughput", concurrency, "nginx");
    if (cell.isEmpty() || nginx.isEmpty() || !cell.get().available() || !nginx.get().available()) {
      return new Goal(goal, gw.label(), "-", notRun(cell));
    }
    double ratio = cell.get().chunksPerSecond() / Math.max(1e-9, nginx.get().chunksPerSecond());
    return new Goal(goal, gw.label(), String.format(Locale.ROOT, "%.0f vs nginx %.0f chunks/s = %.2fx",
        cell.get().chunksPerSecond(), nginx.get().chunksPerSecond(), ratio),
        verdict(ratio >= 0.8, cell.get(), nginx.get()));
  }

  private Goal idleGoal() {
    String goal = "10,000 idle SSE streams within 1 GiB heap";
    Optional<IdleStreams.Result> r = idle.stream().filter(i -> i.streams() == 10_000).findFirst();
    if (r.isEmpty()) {
      return new Goal(goal, "gateway", "-", idleUnavailable == null ? NOT_AVAILABLE : idleUnavailable);
    }
    IdleStreams.Result i = r.get();
    boolean met = i.opened() == i.streams() && i.heapWith() > 0 && i.heapWith() < (1L << 30);
    return new Goal(goal, "gateway", String.format(Locale.ROOT, "%d/%d open, heap after GC %s (max %s)",
        i.opened(), i.streams(), mib(i.heapWith()), mib(i.heapMax())), met ? MET : MISSED);
  }

  private static String verdict(boolean met, CellResult... involved) {
    boolean saturated = false;
    boolean disturbed = false;
    for (CellResult c : involved) {
      saturated |= c.cpu().clientSaturated();
      disturbed |= c.disturbed();
    }
    return (met ? MET : MISSED) + (saturated ? " (client-saturated cell)" : "")
        + (disturbed ? " (disturbed cell)" : "");
  }

  private static String noAnswer(CellResult c) {
    return "no successful request (" + c.requests() + " started, " + c.errors() + " errors)";
  }

  private static String notRun(Optional<CellResult> cell) {
    return cell.filter(c -> !c.available()).map(CellResult::unavailable).orElse(NOT_AVAILABLE);
  }

  /** Added time to first event over the baseline at a percentile, ms. */
  static double added(CellResult cell, CellResult base, int percentile) {
    return (pick(cell.ttfe(), percentile) - pick(base.ttfe(), percentile)) / 1000.0;
  }

  private static long pick(Percentiles.Summary s, int percentile) {
    return switch (percentile) {
      case 50 -> s.p50();
      case 90 -> s.p90();
      case 99 -> s.p99();
      default -> throw new IllegalArgumentException("percentile " + percentile);
    };
  }

  // ---------------------------------------------------------------- lookup

  Optional<CellResult> find(String scenario, int concurrency, TargetSpec target) {
    return cells.stream().filter(c -> c.scenario().equals(scenario) && c.concurrency() == concurrency
        && c.target().name().equals(target.name())).findFirst();
  }

  private Optional<CellResult> baseline(String scenario, int concurrency) {
    return byRole(scenario, concurrency, "baseline");
  }

  private Optional<CellResult> byRole(String scenario, int concurrency, String role) {
    return cells.stream().filter(c -> c.scenario().equals(scenario) && c.concurrency() == concurrency
        && c.target().role().equals(role)).findFirst();
  }
}
