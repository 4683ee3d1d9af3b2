package io.chatgw.health;

import io.chatgw.config.GatewayProperties;
import io.chatgw.database.DatabaseReachability;
import io.chatgw.metrics.MetricsProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.actuate.health.HealthContributorRegistry;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.stereotype.Component;

/**
 * {@code gateway_dependency_up{dependency}}: 1 when the dependency answered its last probe, 0 when not. PostgreSQL
 * and Kafka through their health indicators ({@code db}, {@code kafka}), the legacy runtime through
 * {@code GET <gateway.legacy.base-url><gateway.metrics.legacy-health-path>} (2xx). Probed every
 * {@code gateway.metrics.probe-interval} on a thread of its own, so a scrape never waits for a dependency;
 * PostgreSQL is 0 without a probe while {@link DatabaseReachability} knows it to be down.
 * A change is logged once (WARN when it goes down, INFO when it is back).
 */
@Component
public class DependencyProbes implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(DependencyProbes.class);

    private final Map<String, Boolean> up = new ConcurrentHashMap<>();
    private final ScheduledExecutorService probes = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dependency-probes");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public DependencyProbes(HealthContributorRegistry health, GatewayProperties gateway, MetricsProperties config, MeterRegistry meters,
                            DatabaseReachability database) {
        Map<String, BooleanSupplier> checks = new java.util.LinkedHashMap<>();
        // known down (a connection just failed): 0 at once, without the pool's wait on this thread
        checks.put("postgresql", () -> !database.isDown() && isUp(health, "db"));
        checks.put("kafka", () -> isUp(health, "kafka"));
        String legacy = gateway.legacy().baseUrl();
        String legacyHealthPath = config.legacyHealthPath();
        if (legacy != null && !legacy.isBlank() && !legacyHealthPath.isBlank()) {
            URI uri = URI.create(legacy.replaceAll("/+$", "") + legacyHealthPath);
            checks.put("legacy_runtime", () -> answers(uri));
        }
        checks.forEach((name, check) -> {
            up.put(name, true);
            Gauge.builder("gateway.dependency.up", up, m -> m.getOrDefault(name, false) ? 1 : 0)
                    .description("1 when the dependency answered its last probe (gateway.metrics.probe-interval)")
                    .tag("dependency", name).register(meters);
        });
        long every = config.probeInterval().toMillis();
        probes.scheduleWithFixedDelay(() -> checks.forEach(this::probe), 0, every, TimeUnit.MILLISECONDS);
    }

    private void probe(String name, BooleanSupplier check) {
        boolean now;
        try {
            now = check.getAsBoolean();
        } catch (RuntimeException e) {
            now = false;
        }
        Boolean before = up.put(name, now);
        if (before != null && before != now) {
            if (now) {
                log.info("dependency {} answers again", name);
            } else {
                log.warn("dependency {} does not answer its probe (gateway_dependency_up 0)", name);
            }
        }
    }

    private static boolean isUp(HealthContributorRegistry health, String indicator) {
        return health.getContributor(indicator) instanceof HealthIndicator h && Status.UP.equals(h.health().getStatus());
    }

    private boolean answers(URI uri) {
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() / 100 == 2;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void destroy() {
        probes.shutdownNow();
    }
}
