package io.chatgw.routing;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * The routing policy as this instance sees it, for dashboards and alerts: {@code gateway_rollbacks_in_force{scope}}
 * (global: 0 or 1; org: the number of orgs rolled back) and {@code gateway_canary_percent} (the global percentage).
 * Read from the current {@link PolicySnapshot} at scrape time.
 */
@Component
public class PolicyMeters {

    public PolicyMeters(RoutePolicies policies, MeterRegistry meters) {
        Gauge.builder("gateway.rollbacks.in.force", policies, p -> p.snapshot().globalRollback().isPresent() ? 1 : 0)
                .description("emergency rollbacks in force (global: 0/1, org: orgs rolled back)").tag("scope", "global")
                .register(meters);
        Gauge.builder("gateway.rollbacks.in.force", policies, p -> p.snapshot().orgRollbacks().size())
                .description("emergency rollbacks in force (global: 0/1, org: orgs rolled back)").tag("scope", "org")
                .register(meters);
        Gauge.builder("gateway.canary.percent", policies, p -> p.snapshot().globalCanaryPercent())
                .description("the global canary percentage of the new path").register(meters);
    }
}
