package io.chatgw.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The event sinks' cells (config key {@code sinksDown}, bench/README.md): the latency cell at one concurrency for
 * a few gateway targets, once per phase, one phase after the other: e.g. (n) both sinks up, (o) Kafka down, (p)
 * PostgreSQL down, (n') both up again. A phase's {@code before} shell command takes a sink down for real (the bench
 * stops its process), its {@code after} command brings it back and waits for what it held back to drain; the last
 * line that command prints is the phase's note in the report. Each phase's clients get their sessions before its
 * {@code before} runs (PostgreSQL up).
 */
final class SinksDown {

  /** One phase: what runs before and after its cells. */
  record Phase(String name, String label, String before, String after) {
  }

  /** Runs one latency cell of a target (LoadGenMain's cell runner). */
  interface Cells {
    void prepare(TargetSpec target, int concurrency) throws Exception;

    CellResult run(TargetSpec target, int concurrency) throws Exception;
  }

  private final int concurrency;
  private final List<TargetSpec> bases;
  private final List<Phase> phases;
  private final List<CellResult> cells = new ArrayList<>();
  private final Map<String, String> notes = new java.util.LinkedHashMap<>();

  SinksDown(int concurrency, List<TargetSpec> bases, List<Phase> phases) {
    this.concurrency = concurrency;
    this.bases = bases;
    this.phases = phases;
  }

  static SinksDown fromJson(JsonObject json, List<TargetSpec> targets) {
    List<TargetSpec> bases = new ArrayList<>();
    for (Object name : json.getJsonArray("targets", new JsonArray())) {
      targets.stream().filter(t -> t.name().equals(name)).findFirst().ifPresent(bases::add);
    }
    List<Phase> phases = new ArrayList<>();
    for (Object p : json.getJsonArray("phases", new JsonArray())) {
      JsonObject phase = (JsonObject) p;
      phases.add(new Phase(phase.getString("name"), phase.getString("label", phase.getString("name")),
          phase.getString("before"), phase.getString("after")));
    }
    return new SinksDown(json.getInteger("concurrency", 50), bases, phases);
  }

  /** The target of {@code base} in {@code phase}: same gateway, user and path; a name and label of its own. */
  static TargetSpec derive(TargetSpec base, Phase phase) {
    return new TargetSpec(base.name() + "@" + phase.name(), phase.label() + ": " + base.label(), "sinks",
        base.kind(), base.url(), base.baseUrl(), base.headers(), base.user(), base.org(), base.expectPath(),
        base.processes(), true, base.messagePrefix(), base.name(), base.apiKeyUser());
  }

  /** Runs every phase; a phase whose {@code before} fails has its cells reported unavailable. */
  List<CellResult> run(Cells runner) throws Exception {
    for (Phase phase : phases) {
      List<TargetSpec> mine = bases.stream().map(b -> derive(b, phase)).toList();
      for (TargetSpec t : mine) {
        prepareWhenAdmitted(runner, t); // sessions exist before a sink goes down
      }
      String failed = null;
      if (phase.before() != null) {
        Shell before = shell(phase.before());
        LoadGenMain.log("sinks %s: before: exit %d %s", phase.name(), before.exit(), before.lastLine());
        if (before.exit() != 0) {
          failed = "not available: the phase's before command failed (exit " + before.exit() + "): " + before.lastLine();
        }
      }
      for (TargetSpec t : mine) {
        cells.add(failed != null ? CellResult.unavailable("latency", concurrency, 0, 0, t, failed)
            : runner.run(t, concurrency));
      }
      if (phase.after() != null) {
        Shell after = shell(phase.after());
        String note = (after.exit() == 0 ? "" : "after command failed (exit " + after.exit() + "): ") + after.lastLine();
        notes.put(phase.name(), note);
        LoadGenMain.log("sinks %s: after: %s", phase.name(), note);
      }
    }
    return cells;
  }

  /**
   * Prepares {@code t}, asking again for up to {@value #ADMIT_WAIT_S} s while the gateway answers 503: right after
   * PostgreSQL came back, the gateway may still refuse requests until its next retry of the database
   * ({@code gateway.database.retry-after}) or a background connection tells it the database is back.
   */
  private void prepareWhenAdmitted(Cells runner, TargetSpec t) throws Exception {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(ADMIT_WAIT_S);
    while (true) {
      try {
        runner.prepare(t, concurrency);
        return;
      } catch (Exception e) {
        if (System.nanoTime() > deadline || !refusedForNow(e)) {
          throw e;
        }
        Thread.sleep(1000);
      }
    }
  }

  static final int ADMIT_WAIT_S = 30;

  /** A 503 from the gateway anywhere in the failure's causes (GatewayClient's message: "GET ... -> 503 ..."). */
  static boolean refusedForNow(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (String.valueOf(c.getMessage()).contains(" -> 503 ")) {
        return true;
      }
    }
    return false;
  }

  record Shell(int exit, String lastLine) {
  }

  static Shell shell(String command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!p.waitFor(600, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return new Shell(-1, "timed out");
    }
    String[] lines = out.split("\n");
    return new Shell(p.exitValue(), lines[lines.length - 1].strip());
  }

  // ---------------------------------------------------------------- report

  /**
   * One goal per sink-down phase and target: its added time to first event against the first phase's (both sinks
   * up), within the spread between the first and the last phase when the last is both-up too (no hooks).
   */
  List<Goals.Goal> goals(CellResult baseline) {
    List<Goals.Goal> goals = new ArrayList<>();
    if (phases.size() < 2) {
      return goals;
    }
    Phase up = phases.get(0);
    Phase again = phases.get(phases.size() - 1);
    boolean spread = phases.size() > 2 && again.before() == null;
    for (Phase phase : phases.subList(1, spread ? phases.size() - 1 : phases.size())) {
      for (TargetSpec base : bases) {
        String goal = "added time to first event at " + concurrency + " streams, " + phase.label() + ", against "
            + up.label() + (spread ? ": within the spread between " + up.label() + " and " + again.label() : "");
        Optional<CellResult> cell = find(base, phase);
        Optional<CellResult> ref = find(base, up);
        Optional<CellResult> ref2 = spread ? find(base, again) : Optional.empty();
        if (cell.isEmpty() || ref.isEmpty() || !cell.get().available() || !ref.get().available() || baseline == null) {
          goals.add(new Goals.Goal(goal, base.label(), "-", cell.map(CellResult::unavailable).orElse(Goals.NOT_AVAILABLE)));
          continue;
        }
        CellResult c = cell.get();
        if (c.ttfe().isEmpty() || ref.get().ttfe().isEmpty()) {
          goals.add(new Goals.Goal(goal, base.label(), "no successful request (" + c.requests() + " started, "
              + c.errors() + " errors: " + c.errorKinds() + ")", Goals.MISSED));
          continue;
        }
        double d50 = Goals.added(c, ref.get(), 50);
        double d99 = Goals.added(c, ref.get(), 99);
        String measured = String.format(Locale.ROOT, "%s / %s ms over %s (p50 / p99)", Report.signed(d50),
            Report.signed(d99), up.name());
        String verdict = "reported";
        if (ref2.isPresent() && ref2.get().available() && !ref2.get().ttfe().isEmpty()) {
          double s50 = Math.abs(Goals.added(ref2.get(), ref.get(), 50));
          double s99 = Math.abs(Goals.added(ref2.get(), ref.get(), 99));
          measured += String.format(Locale.ROOT, "; spread %s / %s ms", Report.fmt(s50), Report.fmt(s99));
          verdict = d50 <= s50 && d99 <= s99 && c.errors() == 0 ? Goals.MET : Goals.MISSED;
        }
        goals.add(new Goals.Goal(goal, base.label(), measured + (c.errors() > 0 ? ", " + c.errors() + " errors" : ""),
            verdict + (c.disturbed() || ref.get().disturbed() ? " (disturbed cell)" : "")));
      }
    }
    return goals;
  }

  /** The section of the report: one row per phase and target, and each phase's drain note. */
  String markdown(CellResult baseline) {
    StringBuilder md = new StringBuilder("## Event sinks up and down (latency, " + concurrency + " streams)\n\n");
    md.append("| phase | target | time to first event p50 / p99 | added over (a) p50 / p99 | requests (errors) |"
        + " gateway CPU, cores | saturated? |\n|---|---|---|---|---|---|---|\n");
    for (Phase phase : phases) {
      for (TargetSpec base : bases) {
        CellResult c = find(base, phase).orElse(null);
        md.append("| ").append(phase.label()).append(" | ").append(base.label()).append(" | ");
        if (c == null || !c.available()) {
          md.append(c == null ? "not run" : c.unavailable()).append(" | | | | |\n");
          continue;
        }
        String errors = c.errors() == 0 ? "0" : c.errors() + ": " + c.errorKinds();
        if (c.ttfe().isEmpty()) {
          md.append("no successful request | | ").append(c.requests()).append(" (").append(errors).append(") | | |\n");
          continue;
        }
        md.append(Report.fmt(c.ttfe().p50() / 1000.0)).append(" / ").append(Report.fmt(c.ttfe().p99() / 1000.0))
            .append(" | ");
        md.append(baseline == null || baseline.ttfe().isEmpty() ? "-" : Report.signed(Goals.added(c, baseline, 50))
            + " / " + Report.signed(Goals.added(c, baseline, 99)));
        md.append(" | ").append(c.requests()).append(" (").append(errors).append(") | ")
            .append(String.format(Locale.ROOT, "%.2f", Report.targetCores(c))).append(" | ")
            .append(Report.saturation(c)).append(" |\n");
      }
    }
    md.append('\n');
    for (Phase phase : phases) {
      if (notes.containsKey(phase.name())) {
        md.append("- after ").append(phase.label()).append(": ").append(notes.get(phase.name())).append('\n');
      }
    }
    return md.append('\n').toString();
  }

  JsonObject json() {
    JsonObject notesJson = new JsonObject();
    notes.forEach(notesJson::put);
    JsonArray phasesJson = new JsonArray();
    phases.forEach(p -> phasesJson.add(new JsonObject().put("name", p.name()).put("label", p.label())));
    return new JsonObject().put("concurrency", concurrency).put("phases", phasesJson).put("notes", notesJson);
  }

  private Optional<CellResult> find(TargetSpec base, Phase phase) {
    String name = base.name() + "@" + phase.name();
    return cells.stream().filter(c -> c.target().name().equals(name)).findFirst();
  }
}
