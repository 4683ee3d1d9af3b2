package io.chatgw.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SinksDownTest {

  private static final TargetSpec DIRECT = new TargetSpec("direct", "(a) direct", "baseline", TargetSpec.Kind.OPENAI,
      "http://x/v1/chat/completions", null, null, null, null, null, List.of(), false);
  private static final TargetSpec GW = new TargetSpec("gateway-direct_llm", "(d) gateway direct_llm", "gateway",
      TargetSpec.Kind.GATEWAY, null, "http://x", null, "u-carol", null, "direct_llm", List.of("gateway"), false);

  private static final List<SinksDown.Phase> PHASES = List.of(
      new SinksDown.Phase("n", "(n) both sinks up", null, null),
      new SinksDown.Phase("o", "(o) Kafka down", "echo stopping; echo kafka stopped", "echo outbox drained in 1.2 s"),
      new SinksDown.Phase("p", "(p) PostgreSQL down", "exit 3", "echo spool drained"),
      new SinksDown.Phase("n2", "(n') both sinks up again", null, null));

  private static CellResult cell(TargetSpec t, double p50, double p99) {
    Percentiles.Summary ttfe = new Percentiles.Summary(100, (long) (p50 * 1000), p50 * 1000, (long) (p50 * 1000),
        (long) (p99 * 1000), (long) (p99 * 1000), (long) (p99 * 1000));
    return new CellResult("latency", 50, 64, 5, t, null, 1.0, 100, 100, 0, Map.of(), ttfe, ttfe, ttfe, ttfe, 100,
        new CpuMeter.Usage(1, 0.2, 0.2, 0.5, Map.of(), 0), 0);
  }

  /** Cells of (n) 6/10 ms, (o) 6.5/11 ms, (n') 7/12 ms: the spread is 1/2 ms. */
  private static SinksDown.Cells cells(List<String> order) {
    Map<String, double[]> figures = Map.of("n", new double[] {6, 10}, "o", new double[] {6.5, 11},
        "n2", new double[] {7, 12});
    return new SinksDown.Cells() {
      @Override
      public void prepare(TargetSpec target, int concurrency) {
        order.add("prepare " + target.name());
      }

      @Override
      public CellResult run(TargetSpec target, int concurrency) {
        order.add("run " + target.name());
        double[] f = figures.get(target.name().substring(target.name().indexOf('@') + 1));
        return cell(target, f[0], f[1]);
      }
    };
  }

  @Test
  void eachPhasePreparesItsSessionsBeforeItsSinkGoesDownAndAFailedBeforeCommandMarksItsCellsUnavailable()
      throws Exception {
    List<String> order = new ArrayList<>();
    SinksDown sinks = new SinksDown(50, List.of(GW), PHASES);
    List<CellResult> results = sinks.run(cells(order));
    assertEquals(List.of("prepare gateway-direct_llm@n", "run gateway-direct_llm@n", "prepare gateway-direct_llm@o",
        "run gateway-direct_llm@o", "prepare gateway-direct_llm@p", "prepare gateway-direct_llm@n2",
        "run gateway-direct_llm@n2"), order);
    assertEquals(4, results.size());
    assertTrue(results.get(2).unavailable().contains("exit 3"), results.get(2).unavailable());
    String md = sinks.markdown(cell(DIRECT, 5, 8));
    assertTrue(md.contains("after (o) Kafka down: outbox drained in 1.2 s"), md);
    assertTrue(md.contains("| (o) Kafka down | (d) gateway direct_llm | 6.50 / 11.0 | +1.50 / +3.00 |"), md);
  }

  @Test
  void aGatewayStillRefusingJustAfterPostgresqlCameBackIsAskedAgainButOtherFailuresEndTheRun() throws Exception {
    List<String> order = new ArrayList<>();
    SinksDown.Cells base = cells(order);
    int[] refusals = {1};
    SinksDown.Cells refusingOnce = new SinksDown.Cells() {
      @Override
      public void prepare(TargetSpec target, int concurrency) throws Exception {
        if (target.name().endsWith("@n2") && refusals[0]-- > 0) {
          throw new java.util.concurrent.ExecutionException(new IllegalStateException(
              "GET http://x/dev/token?sub=u-carol -> 503 {\"error\":{\"code\":\"database_unavailable\"}}"));
        }
        base.prepare(target, concurrency);
      }

      @Override
      public CellResult run(TargetSpec target, int concurrency) throws Exception {
        return base.run(target, concurrency);
      }
    };
    List<CellResult> results = new SinksDown(50, List.of(GW), PHASES).run(refusingOnce);

    assertEquals(4, results.size());
    assertTrue(order.contains("run gateway-direct_llm@n2"), order.toString());
    assertTrue(SinksDown.refusedForNow(new RuntimeException(new IllegalStateException("GET /x -> 503 busy"))));
    assertTrue(!SinksDown.refusedForNow(new IllegalStateException("GET /x -> 500 broken")));
  }

  @Test
  void aSinkDownPhaseIsMetWhenItsAddedTimeOverBothUpIsWithinTheSpreadOfTheTwoBothUpPhases() throws Exception {
    SinksDown sinks = new SinksDown(50, List.of(GW), PHASES);
    sinks.run(cells(new ArrayList<>()));
    List<Goals.Goal> goals = sinks.goals(cell(DIRECT, 5, 8));
    assertEquals(2, goals.size());
    Goals.Goal kafka = goals.get(0);
    assertEquals("+0.50 / +1.00 ms over n (p50 / p99); spread 1.00 / 2.00 ms", kafka.measured());
    assertEquals(Goals.MET, kafka.verdict());
    assertTrue(goals.get(1).verdict().startsWith("not available"), goals.get(1).verdict());
  }

  @Test
  void theConfigNamesTheTargetsAndPhases() {
    JsonObject json = new JsonObject("""
        {"concurrency": 50, "targets": ["gateway-direct_llm", "missing"],
         "phases": [{"name": "n", "label": "(n) up"}, {"name": "o", "label": "(o) Kafka down", "before": "true"}]}""");
    SinksDown sinks = SinksDown.fromJson(json, List.of(DIRECT, GW));
    assertEquals("{\"concurrency\":50,\"phases\":[{\"name\":\"n\",\"label\":\"(n) up\"},{\"name\":\"o\","
        + "\"label\":\"(o) Kafka down\"}],\"notes\":{}}", sinks.json().encode());
    TargetSpec derived = SinksDown.derive(GW, new SinksDown.Phase("o", "(o) Kafka down", "true", null));
    assertEquals("gateway-direct_llm@o", derived.name());
    assertEquals("(o) Kafka down: (d) gateway direct_llm", derived.label());
    assertEquals("u-carol", derived.user());
    assertEquals("sinks", derived.role());
  }
}
