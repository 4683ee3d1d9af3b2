package io.chatgw.bench;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Memory of idle SSE streams on the gateway: N clients each follow their own session with
 * {@code GET /api/v1/sessions/{id}/events} and stay connected without traffic. Heap used (after a full
 * GC, through jcmd) and the process's RSS are taken before and while the streams are open.
 */
final class IdleStreams {

  /** Figures of one level. heap/rss in bytes; NaN or -1 when they could not be read. */
  record Result(int streams, int opened, int failed, double openSeconds, long heapBefore, long heapWith,
      long rssBefore, long rssWith, double gatewayStreamsOpen, long heapMax, Map<String, Integer> failures) {

    JsonObject toJson() {
      return new JsonObject().put("streams", streams).put("opened", opened).put("failed", failed)
          .put("openSeconds", CellResult.round(openSeconds))
          .put("heapUsedAfterGcBeforeBytes", heapBefore).put("heapUsedAfterGcWithStreamsBytes", heapWith)
          .put("heapPerStreamBytes", perStream(heapBefore, heapWith))
          .put("rssBeforeBytes", rssBefore).put("rssWithStreamsBytes", rssWith)
          .put("rssPerStreamBytes", perStream(rssBefore, rssWith))
          .put("gatewayStreamsOpenMetric", Double.isNaN(gatewayStreamsOpen) ? null : gatewayStreamsOpen)
          .put("heapMaxBytes", heapMax)
          .put("failures", new JsonObject(new java.util.LinkedHashMap<>(failures)));
    }

    long perStream(long before, long with) {
      return before < 0 || with < 0 || opened == 0 ? -1 : (with - before) / opened;
    }
  }

  private final Vertx vertx;
  private final String baseUrl;
  private final long pid;
  private final int eventLoops;
  private final CpuMeter cpu;

  IdleStreams(Vertx vertx, String baseUrl, long pid, int eventLoops, CpuMeter cpu) {
    this.cpu = cpu;
    this.vertx = vertx;
    this.baseUrl = TargetSpec.stripSlash(baseUrl);
    this.pid = pid;
    this.eventLoops = eventLoops;
  }

  Result run(String token, List<String> sessions, int streams) throws Exception {
    GatewayClient gateway = new GatewayClient(vertx, baseUrl);
    try {
      // turns an earlier cell left running would change the heap under the measurement
      double waited = cpu.waitQuiet(0.1, 30);
      if (waited >= 30) {
        LoadGenMain.log("idle streams: the processes did not go quiet within 30 s; measuring anyway");
      }
      gc();
      long heapBefore = heapUsed(gateway);
      long rssBefore = rss();
      List<Context> contexts = new ArrayList<>();
      List<HttpClient> clients = new ArrayList<>();
      for (int i = 0; i < eventLoops; i++) {
        Context context = vertx.getOrCreateContext();
        contexts.add(context);
        CompletableFuture<HttpClient> c = new CompletableFuture<>();
        // streams are handed to the loops first come first served, so any loop may hold them all
        int size = streams + 16;
        context.runOnContext(v -> c.complete(CellRunner.newClient(vertx, size)));
        clients.add(c.get(10, TimeUnit.SECONDS));
      }
      AtomicInteger opened = new AtomicInteger();
      AtomicInteger failed = new AtomicInteger();
      Map<String, Integer> failures = new ConcurrentHashMap<>();
      AtomicInteger next = new AtomicInteger();
      CompletableFuture<Void> allSettled = new CompletableFuture<>();
      long t0 = System.nanoTime();
      // open in waves of at most `window` in flight per loop so the gateway's accept queue is not flooded
      int window = 128;
      for (int l = 0; l < eventLoops; l++) {
        Context context = contexts.get(l);
        HttpClient client = clients.get(l);
        for (int w = 0; w < window; w++) {
          context.runOnContext(v -> openNext(client, token, sessions, streams, next, opened, failed, failures,
              allSettled));
        }
      }
      try {
        allSettled.get(120, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        // report what opened
      }
      double openSeconds = (System.nanoTime() - t0) / 1e9;
      int openedNow = opened.get();
      int failedNow = failed.get();
      if (openedNow + failedNow < streams) {
        failures.merge("no answer within 120 s", streams - openedNow - failedNow, Integer::sum);
      }
      Thread.sleep(2000);
      gc();
      long heapWith = heapUsed(gateway);
      long rssWith = rss();
      double metric = gateway.metric("gateway.sse.streams.open", null);
      long heapMax = (long) gateway.metric("jvm.memory.max", "area:heap");
      for (HttpClient client : clients) {
        client.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      }
      // let the gateway notice the closed connections before the next level
      for (int i = 0; i < 50; i++) {
        double open = gateway.metric("gateway.sse.streams.open", null);
        if (Double.isNaN(open) || open < 1) {
          break;
        }
        Thread.sleep(200);
      }
      return new Result(streams, openedNow, streams - openedNow, openSeconds, heapBefore, heapWith, rssBefore,
          rssWith, metric, heapMax, new TreeMap<>(failures));
    } finally {
      gateway.close();
    }
  }

  private void openNext(HttpClient client, String token, List<String> sessions, int streams, AtomicInteger next,
      AtomicInteger opened, AtomicInteger failed, Map<String, Integer> failures, CompletableFuture<Void> allSettled) {
    int index = next.getAndIncrement();
    if (index >= streams) {
      if (opened.get() + failed.get() >= streams) {
        allSettled.complete(null);
      }
      return;
    }
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET)
        .setAbsoluteURI(baseUrl + "/api/v1/sessions/" + sessions.get(index) + "/events")
        .putHeader("Authorization", "Bearer " + token)
        .putHeader("Accept", "text/event-stream");
    boolean[] counted = new boolean[1];
    Runnable settle = () -> {
      if (opened.get() + failed.get() >= streams) {
        allSettled.complete(null);
      }
      openNext(client, token, sessions, streams, next, opened, failed, failures, allSettled);
    };
    client.request(options).compose(req -> req.send()).onComplete(ar -> {
      if (ar.failed() || ar.result().statusCode() != 200) {
        failures.merge(ar.failed() ? StreamedRequest.describe(ar.cause()) : "http " + ar.result().statusCode(), 1,
            Integer::sum);
        failed.incrementAndGet();
        settle.run();
        return;
      }
      HttpClientResponse response = ar.result();
      SseParser parser = new SseParser(new SseParser.Listener() {
        @Override
        public void onComment(String comment) {
          if (!counted[0]) {
            counted[0] = true;
            opened.incrementAndGet();
            settle.run();
          }
        }
      });
      response.handler(b -> parser.feed(b.getBytes()));
      response.exceptionHandler(e -> {
        if (!counted[0]) {
          counted[0] = true;
          failures.merge("before first byte: " + StreamedRequest.describe(e), 1, Integer::sum);
          failed.incrementAndGet();
          settle.run();
        }
      });
    });
  }

  /** A full GC in the gateway (jcmd GC.run), so heap used is what the streams keep alive. */
  private void gc() {
    try {
      Process p = new ProcessBuilder(jcmd(), Long.toString(pid), "GC.run").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        LoadGenMain.log("idle streams: jcmd GC.run failed (%s): heap figures include garbage", out);
      }
      Thread.sleep(300);
    } catch (Exception e) {
      LoadGenMain.log("idle streams: jcmd GC.run failed (%s): heap figures include garbage", e);
    }
  }

  private static long heapUsed(GatewayClient gateway) {
    double v = gateway.metric("jvm.memory.used", "area:heap");
    return Double.isNaN(v) ? -1 : (long) v;
  }

  private long rss() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (Exception e) {
      // no figure
    }
    return -1;
  }

  static String jcmd() {
    Path local = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    return Files.isExecutable(local) ? local.toString() : "jcmd";
  }
}
