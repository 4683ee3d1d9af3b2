package io.chatgw.bench;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Runs one cell as a closed loop: {@code concurrency} virtual clients, each sending its next request as
 * soon as the previous one ended, for a warm-up and then a measured window. Only requests started inside
 * the window count; content events count for chunks/s when they arrive inside the window. Clients are
 * spread over the event loops, each loop with its own HTTP client so a connection and the client that
 * uses it stay on one thread.
 */
final class CellRunner {

  /** How one cell is run. */
  record Plan(String scenario, int concurrency, int chunks, long delayMs, double warmupSeconds, double seconds,
      double drainSeconds, long idleTimeoutMs, double settleSeconds) {
  }

  private final Vertx vertx;
  private final int eventLoops;
  private final CpuMeter cpu;

  CellRunner(Vertx vertx, int eventLoops, CpuMeter cpu) {
    this.vertx = vertx;
    this.eventLoops = eventLoops;
    this.cpu = cpu;
  }

  /** Runs the cell; {@code requests.apply(i)} is the request of virtual client i. */
  CellResult run(Plan plan, TargetSpec target, IntFunction<RequestTemplate> requests) throws Exception {
    double settled = plan.settleSeconds() > 0 ? cpu.waitQuiet(0.2, plan.settleSeconds()) : 0;
    long start = System.nanoTime();
    long measureStart = start + (long) (plan.warmupSeconds() * 1e9);
    long measureEnd = measureStart + (long) (plan.seconds() * 1e9);
    List<Worker> workers = new ArrayList<>();
    int loops = Math.min(eventLoops, plan.concurrency());
    for (int w = 0; w < loops; w++) {
      int clients = plan.concurrency() / loops + (w < plan.concurrency() % loops ? 1 : 0);
      workers.add(new Worker(vertx.getOrCreateContext(), clients, plan, target, measureStart, measureEnd));
    }
    // clients start spread over the first half of the warm-up (at most 1 s), not all in the same
    // millisecond: a burst of 1,000 connects would overflow accept queues and measure SYN retries
    double rampMs = Math.min(1000.0, plan.warmupSeconds() * 500.0);
    int index = 0;
    for (Worker worker : workers) {
      List<RequestTemplate> mine = new ArrayList<>();
      List<Long> delays = new ArrayList<>();
      for (int i = 0; i < worker.clientCount; i++) {
        delays.add((long) (rampMs * index / plan.concurrency()));
        mine.add(requests.apply(index++));
      }
      worker.start(mine, delays);
    }
    sleepUntil(measureStart);
    CpuMeter.Snapshot before = cpu.take();
    sleepUntil(measureEnd);
    CpuMeter.Snapshot after = cpu.take();
    CompletableFuture<?> all = CompletableFuture.allOf(workers.stream().map(w -> w.finished).toArray(CompletableFuture[]::new));
    try {
      all.get((long) (plan.drainSeconds() * 1000), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      // stragglers are cut below and counted as errors
    }
    Stats merged = new Stats();
    for (Worker worker : workers) {
      merged.add(worker.stop().get(30, TimeUnit.SECONDS));
    }
    return new CellResult(plan.scenario(), plan.concurrency(), plan.chunks(), plan.delayMs(), target, null,
        plan.seconds(), merged.requests, merged.ok, merged.errors, merged.errorKinds, merged.ttfb.summary(),
        merged.ttfe.summary(), merged.gaps.summary(), merged.total.summary(), merged.windowContent,
        cpu.between(before, after), settled);
  }

  /** Sends one request outside any cell and returns its outcome (used to probe a target). */
  StreamedRequest.Outcome once(TargetSpec target, RequestTemplate request, int chunks, long idleTimeoutMs)
      throws Exception {
    Context context = vertx.getOrCreateContext();
    CompletableFuture<StreamedRequest.Outcome> result = new CompletableFuture<>();
    context.runOnContext(v -> {
      HttpClient client = newClient(vertx, 4);
      new StreamedRequest(client, request, target.kind(), chunks, target.expectPath(), idleTimeoutMs,
          new StreamedRequest.Observer() {
            @Override
            public void onContent(long nanos) {
            }

            @Override
            public void onDone(StreamedRequest.Outcome outcome) {
              client.close();
              result.complete(outcome);
            }
          }, true).send();
    });
    return result.get(idleTimeoutMs + 5000, TimeUnit.MILLISECONDS);
  }

  static HttpClient newClient(Vertx vertx, int maxConnections) {
    return vertx.createHttpClient(
        new HttpClientOptions()
            .setProtocolVersion(HttpVersion.HTTP_1_1)
            .setKeepAlive(true)
            .setTcpNoDelay(true)
            .setPipelining(false)
            .setConnectTimeout(10_000)
            .setDecompressionSupported(false)
            .setKeepAliveTimeout(60),
        new PoolOptions().setHttp1MaxSize(Math.max(1, maxConnections)).setMaxWaitQueueSize(-1));
  }

  private static void sleepUntil(long nanos) throws InterruptedException {
    long left;
    while ((left = nanos - System.nanoTime()) > 0) {
      TimeUnit.NANOSECONDS.sleep(Math.min(left, 50_000_000L));
    }
  }

  /** Figures of one worker (touched only on its event loop), merged after the cell. */
  static final class Stats {
    int requests;
    int ok;
    int errors;
    final Map<String, Integer> errorKinds = new TreeMap<>();
    final LongSamples ttfb = new LongSamples(1024);
    final LongSamples ttfe = new LongSamples(1024);
    final LongSamples gaps = new LongSamples(1 << 16);
    final LongSamples total = new LongSamples(1024);
    long windowContent;

    void error(String kind) {
      errors++;
      errorKinds.merge(kind, 1, Integer::sum);
    }

    void add(Stats other) {
      requests += other.requests;
      ok += other.ok;
      errors += other.errors;
      other.errorKinds.forEach((k, v) -> errorKinds.merge(k, v, Integer::sum));
      ttfb.addAll(other.ttfb);
      ttfe.addAll(other.ttfe);
      gaps.addAll(other.gaps);
      total.addAll(other.total);
      windowContent += other.windowContent;
    }
  }

  /** The virtual clients of one event loop. */
  private final class Worker {
    final Context context;
    final int clientCount;
    final Plan plan;
    final TargetSpec target;
    final long measureStart;
    final long measureEnd;
    final Stats stats = new Stats();
    final CompletableFuture<Void> finished = new CompletableFuture<>();
    HttpClient client;
    int running;
    boolean stopped;

    Worker(Context context, int clientCount, Plan plan, TargetSpec target, long measureStart, long measureEnd) {
      this.context = context;
      this.clientCount = clientCount;
      this.plan = plan;
      this.target = target;
      this.measureStart = measureStart;
      this.measureEnd = measureEnd;
    }

    void start(List<RequestTemplate> requests, List<Long> delaysMs) {
      context.runOnContext(v -> {
        client = newClient(vertx, clientCount + 8);
        running = requests.size();
        if (running == 0) {
          finished.complete(null);
        }
        for (int i = 0; i < requests.size(); i++) {
          RequestTemplate request = requests.get(i);
          long delay = delaysMs.get(i);
          if (delay <= 0) {
            next(request);
          } else {
            vertx.setTimer(delay, id -> next(request));
          }
        }
      });
    }

    /** Runs on the event loop: the next request of a virtual client, or its end. */
    void next(RequestTemplate request) {
      if (stopped || System.nanoTime() >= measureEnd) {
        if (--running == 0) {
          finished.complete(null);
        }
        return;
      }
      new StreamedRequest(client, request, target.kind(), plan.chunks(), target.expectPath(), plan.idleTimeoutMs(),
          new StreamedRequest.Observer() {
            @Override
            public void onContent(long nanos) {
              if (nanos >= measureStart && nanos < measureEnd) {
                stats.windowContent++;
              }
            }

            @Override
            public void onDone(StreamedRequest.Outcome outcome) {
              record(outcome);
              if (outcome.ok()) {
                next(request);
              } else {
                // a failing target must not turn the client into a busy loop
                vertx.setTimer(20, id -> next(request));
              }
            }
          }).send();
    }

    void record(StreamedRequest.Outcome o) {
      if (stopped) {
        return; // cut at the drain limit: already counted by stop()
      }
      if (o.startNanos() < measureStart || o.startNanos() >= measureEnd) {
        return;
      }
      stats.requests++;
      if (!o.ok()) {
        stats.error(o.error());
        return;
      }
      stats.ok++;
      stats.ttfb.add((o.headersNanos() - o.startNanos()) / 1000);
      if (o.firstContentNanos() != 0) {
        stats.ttfe.add((o.firstContentNanos() - o.startNanos()) / 1000);
      }
      LongSamples g = o.gaps();
      for (int i = 0; i < g.size(); i++) {
        stats.gaps.add(g.get(i) / 1000);
      }
      stats.total.add((o.endNanos() - o.startNanos()) / 1000);
    }

    /** Stops the worker; requests still running were cut by the drain limit and count as errors. */
    CompletableFuture<Stats> stop() {
      Promise<Stats> promise = Promise.promise();
      context.runOnContext(v -> {
        stopped = true;
        if (running > 0) {
          // each client still running has one request in flight, started inside the window or before
          for (int i = 0; i < running; i++) {
            stats.requests++;
            stats.error("unfinished at drain");
          }
        }
        client.close().onComplete(ar -> promise.complete(stats));
      });
      return promise.future().toCompletionStage().toCompletableFuture();
    }
  }
}
