package io.chatgw.health;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.ReloadStrategy;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;

/**
 * {@code routeReload} health: how the reload of routes/*.yaml went. Always UP: a file that fails to parse or start
 * leaves the routes that were running in place ({@code camel.main.routes-reload-remove-all-routes=false}), so the
 * gateway still serves; the failure shows here ({@code failures}, {@code last_error}), in the metric
 * {@code gateway_routes_reload_failures_total} and in Camel's WARN log line ("Error reloading routes ...").
 */
@Component("routeReload")
public class RouteReloadHealthIndicator extends AbstractHealthIndicator {

    private final CamelContext camel;

    public RouteReloadHealthIndicator(CamelContext camel, MeterRegistry meters) {
        super("route reload health check failed");
        this.camel = camel;
        FunctionCounter.builder("gateway.routes.reload.failures", this, RouteReloadHealthIndicator::failures)
                .description("reloads of routes/*.yaml that failed (the previous routes kept running)")
                .register(meters);
    }

    private Set<ReloadStrategy> strategies() {
        return camel.hasServices(ReloadStrategy.class);
    }

    private double failures() {
        return strategies().stream().mapToInt(ReloadStrategy::getFailedCounter).sum();
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Set<ReloadStrategy> strategies = strategies();
        builder.up().withDetail("enabled", !strategies.isEmpty());
        int reloads = 0;
        int failed = 0;
        Exception last = null;
        for (ReloadStrategy s : strategies) {
            reloads += s.getReloadCounter();
            failed += s.getFailedCounter();
            if (s.getLastError() != null) {
                last = s.getLastError();
            }
        }
        builder.withDetail("reloads", reloads).withDetail("failures", failed);
        if (last != null) {
            String message = String.valueOf(last.getMessage());
            builder.withDetail("last_error", message.length() > 500 ? message.substring(0, 500) + "..." : message)
                    .withDetail("routes", "the routes running before the failed reload are still running");
        }
    }
}
