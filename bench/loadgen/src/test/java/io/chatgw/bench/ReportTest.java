package io.chatgw.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {

  private static final TargetSpec DIRECT = new TargetSpec("direct", "(a) direct", "baseline", TargetSpec.Kind.OPENAI,
      "http://x/v1/chat/completions", null, null, null, null, null, List.of("stand-in LLM"), false);
  private static final TargetSpec NGINX = new TargetSpec("nginx", "(b) nginx", "nginx", TargetSpec.Kind.OPENAI,
      "http://x/v1/chat/completions", null, null, null, null, null, List.of("nginx"), false);
  private static final TargetSpec PORTKEY = new TargetSpec("portkey", "(c) Portkey", "portkey",
      TargetSpec.Kind.OPENAI, "http://x/v1/chat/completions", null, null, null, null, null, List.of("portkey"), false);
  private static final TargetSpec GW = new TargetSpec("gw", "(d) gateway", "gateway", TargetSpec.Kind.GATEWAY, null,
      "http://x", null, "u-carol", null, "direct_llm", List.of("gateway"), false);
  private static final TargetSpec LEGACY = new TargetSpec("gw-legacy", "(e) gateway legacy", "gateway",
      TargetSpec.Kind.GATEWAY, null, "http://x", null, "u-alice", null, "legacy", List.of("gateway"), false);
  private static final TargetSpec NEW = new TargetSpec("gw-new", "(f) gateway new", "gateway",
      TargetSpec.Kind.GATEWAY, null, "http://x", null, "u-bob", null, "new", List.of("gateway"), false);

  /** A cell whose time to first event is p50/p90/p99 (ms) and chunks/s as given. */
  private static CellResult cell(String scenario, int c, TargetSpec t, double p50, double p99, long chunks) {
    Percentiles.Summary ttfe = new Percentiles.Summary(100, (long) (p50 * 1000), p50 * 1000, (long) (p50 * 1000),
        (long) (p99 * 1000), (long) (p99 * 1000), (long) (p99 * 1000));
    return new CellResult(scenario, c, 64, 5, t, null, 1.0, 100, 100, 0, Map.of(), ttfe, ttfe, ttfe, ttfe, chunks,
        new CpuMeter.Usage(1, 0.2, 0.2, 0.5, Map.of(t.processes().get(0), 0.5), 0), 0);
  }

  @Test
  void goalsAreJudgedAgainstTheSameRun() {
    List<CellResult> cells = List.of(
        cell("latency", 50, DIRECT, 5.0, 8.0, 1000),
        cell("latency", 50, NGINX, 5.2, 9.0, 1000),
        cell("latency", 50, PORTKEY, 40.0, 60.0, 1000),
        cell("latency", 50, GW, 5.8, 12.0, 1000),
        new CellResult("latency", 50, 64, 5, LEGACY, null, 1.0, 7, 0, 7, Map.of("timeout", 7), Percentiles.Summary.EMPTY,
            Percentiles.Summary.EMPTY, Percentiles.Summary.EMPTY, Percentiles.Summary.EMPTY, 0,
            new CpuMeter.Usage(1, 0.2, 0.2, 0.5, Map.of(), 0), 0),
        CellResult.unavailable("latency", 50, 64, 5, NEW, "not available: new path not built"),
        cell("latency", 200, DIRECT, 5.0, 10.0, 1000),
        cell("latency", 200, NGINX, 10.0, 30.0, 1000),
        cell("latency", 200, PORTKEY, 300.0, 500.0, 1000),
        cell("latency", 200, GW, 10.5, 33.0, 1000),
        cell("throughput", 50, DIRECT, 1, 2, 100_000),
        cell("throughput", 50, NGINX, 1, 2, 60_000),
        cell("throughput", 50, GW, 1, 2, 50_000));
    Report report = new Report(List.of(DIRECT, NGINX, PORTKEY, GW, LEGACY, NEW), cells, List.of(), null,
        "not available: new path not built", new JsonObject());
    List<Goals.Goal> goals = report.goals();
    Goals.Goal at50 = goals.stream().filter(g -> g.goal().contains("at 50 streams") && g.target().equals("(d) gateway"))
        .findFirst().orElseThrow();
    assertEquals("+0.80 / +4.00 ms", at50.measured());
    Goals.Goal legacy = goals.stream().filter(g -> g.goal().contains("at 50 streams") && g.target().equals("(e) gateway legacy"))
        .findFirst().orElseThrow();
    assertEquals("no successful request (7 started, 7 errors)", legacy.measured());
    assertEquals(Goals.MISSED, legacy.verdict());
    assertEquals(Goals.MET, at50.verdict());
    Goals.Goal vsNginx = goals.stream().filter(g -> g.goal().contains("nginx's added") && g.target().equals("(d) gateway"))
        .findFirst().orElseThrow();
    assertEquals(Goals.MET, vsNginx.verdict()); // +5.5 <= 6.0 and +23 <= 24
    Goals.Goal throughput = goals.stream().filter(g -> g.goal().contains("throughput") && g.target().equals("(d) gateway"))
        .findFirst().orElseThrow();
    assertEquals(Goals.MET, throughput.verdict()); // 50k / 60k = 0.83
    Goals.Goal newPath = goals.stream().filter(g -> g.target().equals("(f) gateway new")).findFirst().orElseThrow();
    assertEquals("not available: new path not built", newPath.verdict());

    String md = report.markdown();
    assertTrue(md.contains("| time to first event p50 | 5.00 | 5.20 (+0.20, 1.04x) |"), md);
    assertTrue(md.contains("- (f) gateway new: not available: new path not built"), md);
    assertTrue(md.contains("## WebSocket -> SSE relay (new path)\n\nnot available: new path not built"), md);
    assertTrue(report.json().getJsonArray("cells").size() == cells.size());
  }

  @Test
  void oneUsersPlaneAtFiftyTurnsIsJudgedOnItsSlowestFirstEventAndOnEveryTurnAnswered() {
    CellResult fast = cell("latency", 50, NEW, 200.0, 900.0, 1000);  // max = p99 here
    Report met = new Report(List.of(DIRECT, NEW), List.of(cell("latency", 50, DIRECT, 5.0, 8.0, 1000), fast),
        List.of(), null, null, new JsonObject());
    Goals.Goal slowest = met.goals().stream().filter(g -> g.goal().contains("one user's plane")).findFirst().orElseThrow();
    assertEquals(Goals.MET, slowest.verdict());
    assertEquals("max 900 ms over 100 requests, 0 errors", slowest.measured());
    assertTrue(met.markdown().contains("| time to first event max |"), met.markdown());

    CellResult slow = cell("latency", 50, NEW, 200.0, 6000.0, 1000);
    Report missed = new Report(List.of(DIRECT, NEW), List.of(cell("latency", 50, DIRECT, 5.0, 8.0, 1000), slow),
        List.of(), null, null, new JsonObject());
    assertEquals(Goals.MISSED, missed.goals().stream().filter(g -> g.goal().contains("one user's plane"))
        .findFirst().orElseThrow().verdict());
    assertTrue(met.goals().stream().noneMatch(g -> g.goal().contains("one user's plane") && !g.target().equals(NEW.label())));
  }

  @Test
  void theFallbackTargetIsJudgedAgainstTheDirectLlmPathsOwnAnswers() {
    TargetSpec fallback = new TargetSpec("gw-fallback", "(g) fallback", "fallback", TargetSpec.Kind.GATEWAY, null,
        "http://x", null, "u-frank", null, "legacy", List.of("gateway"), true, "[[runtime fail=http_503]] ", "gw");
    List<CellResult> within = List.of(cell("latency", 50, DIRECT, 5.0, 8.0, 1000), cell("latency", 50, GW, 6.0, 12.0, 1000),
        cell("latency", 50, fallback, 10.5, 30.0, 1000));
    Goals.Goal met = new Report(List.of(DIRECT, GW, fallback), within, List.of(), null, "-", new JsonObject())
        .goals().stream().filter(g -> g.target().equals("(g) fallback")).findFirst().orElseThrow();
    assertTrue(met.goal().contains("within +5 ms of gw's own"), met.goal());
    assertEquals("+4.50 / +18.0 ms (p50 / p99)", met.measured());
    assertEquals(Goals.MET, met.verdict());

    List<CellResult> beyond = List.of(cell("latency", 50, DIRECT, 5.0, 8.0, 1000), cell("latency", 50, GW, 6.0, 12.0, 1000),
        cell("latency", 50, fallback, 11.5, 30.0, 1000));
    Goals.Goal missed = new Report(List.of(DIRECT, GW, fallback), beyond, List.of(), null, "-", new JsonObject())
        .goals().stream().filter(g -> g.target().equals("(g) fallback")).findFirst().orElseThrow();
    assertEquals(Goals.MISSED, missed.verdict());
  }

  @Test
  void backgroundCpuIsWhatNeitherTargetNorUpstreamUsed() {
    CellResult direct = new CellResult("latency", 50, 64, 5, DIRECT, null, 1.0, 1, 1, 0, Map.of(),
        Percentiles.Summary.EMPTY, Percentiles.Summary.EMPTY, Percentiles.Summary.EMPTY, Percentiles.Summary.EMPTY, 0,
        new CpuMeter.Usage(1, 0.2, 0.2, 0.9, Map.of("stand-in LLM", 0.8, "gateway", 0.3, "nginx", 0.0), 0.1), 0);
    assertEquals(0.4, direct.backgroundCores(), 1e-9); // gateway 0.3 + other programs 0.1
    assertTrue(direct.disturbed());
    CellResult gw = new CellResult("latency", 50, 64, 5, GW, null, 1.0, 1, 1, 0, Map.of(),
        Percentiles.Summary.EMPTY, Percentiles.Summary.EMPTY, Percentiles.Summary.EMPTY, Percentiles.Summary.EMPTY, 0,
        new CpuMeter.Usage(1, 0.2, 0.2, 0.9, Map.of("stand-in LLM", 0.3, "gateway", 1.2), 0.05), 0);
    assertEquals(0.05, gw.backgroundCores(), 1e-9);
    assertEquals(false, gw.disturbed());
  }

  @Test
  void nginxAllowance() {
    assertEquals(6.0, Goals.allowance(5.0), 1e-9);
    assertEquals(0.0, Goals.allowance(0.0), 1e-9);
    assertEquals(-4.0, Goals.allowance(-4.0), 1e-9);
  }

  @Test
  void formatting() {
    assertEquals("0.30", Report.fmt(0.3));
    assertEquals("14.0", Report.fmt(14));
    assertEquals("476", Report.fmt(476.2));
    assertEquals("1.06x", Report.ratio(5.3, 5.0));
    assertEquals("-", Report.ratio(1, 0));
  }
}
