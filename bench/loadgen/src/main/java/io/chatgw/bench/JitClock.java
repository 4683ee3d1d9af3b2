package io.chatgw.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.OptionalDouble;

/**
 * A JVM target's cumulative JIT compile time, read from its Prometheus endpoint
 * ({@code jvm_compilation_time_ms_total}, Micrometer's JvmCompilationMetrics). On a 2-core machine a C2 compiler
 * still busy takes a core from the cell being measured: the warm-up runs until it is quiet, and each cell says
 * how much of its window went to the JIT.
 */
final class JitClock {

  static final String METRIC = "jvm_compilation_time_ms_total";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final URI metrics;

  /** @param baseUrl the gateway's base URL; its metrics are at {@code /actuator/prometheus} */
  JitClock(String baseUrl) {
    this.metrics = URI.create(baseUrl + "/actuator/prometheus");
  }

  /** Milliseconds the target's JIT compiled so far, or empty when it does not say. */
  OptionalDouble compileMillis() {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(5)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? parse(r.body()) : OptionalDouble.empty();
    } catch (java.io.IOException e) {
      return OptionalDouble.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalDouble.empty();
    }
  }

  /** The sum of every {@value #METRIC} sample in a Prometheus text exposition (one per compiler name). */
  static OptionalDouble parse(String exposition) {
    double sum = 0;
    boolean found = false;
    for (String line : exposition.split("\n")) {
      if (line.startsWith(METRIC + "{") || line.startsWith(METRIC + " ")) {
        String value = line.substring(line.lastIndexOf(' ') + 1).trim();
        try {
          sum += Double.parseDouble(value);
          found = true;
        } catch (NumberFormatException ignored) {
          // a malformed sample: not counted
        }
      }
    }
    return found ? OptionalDouble.of(sum) : OptionalDouble.empty();
  }

  /** Cores the JIT used between two readings {@code wallNanos} apart (NaN when either is unknown). */
  static double cores(OptionalDouble before, OptionalDouble after, long wallNanos) {
    if (before.isEmpty() || after.isEmpty() || wallNanos <= 0) {
      return Double.NaN;
    }
    return (after.getAsDouble() - before.getAsDouble()) / (wallNanos / 1e6);
  }
}
