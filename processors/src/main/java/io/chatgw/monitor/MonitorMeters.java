package io.chatgw.monitor;

import io.chatgw.metrics.BoundedTagValues;
import io.chatgw.metrics.MetricTags;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * {@code gateway_auto_fallback_active{org,path}} (1 while a trip is in force on this instance; a series only for
 * the global scope, {@code org="*"}, and orgs that tripped) and {@code gateway_auto_fallback_changes_total
 * {action,scope,path,threshold}} (trip, retrip, restore, reset; counted by the instance that made the change).
 * Org tag values are bounded ({@code gateway.metrics.max-org-tags}); the orgs beyond share {@code org="other"}, whose
 * value is how many of them are in force on the path.
 */
public class MonitorMeters {

    public static final String GLOBAL_ORG_TAG = "*";

    private final MeterRegistry registry;
    private final BoundedTagValues orgs;
    private final Set<Trip.Key> gauged = ConcurrentHashMap.newKeySet();
    /** Orgs beyond the org tag bound share one series per path: the number of them in force. */
    private final Set<Trip.Key> others = ConcurrentHashMap.newKeySet();

    public MonitorMeters(MeterRegistry registry) {
        this(registry, MetricTags.withDefaults().orgs());
    }

    public MonitorMeters(MeterRegistry registry, BoundedTagValues orgs) {
        this.registry = registry;
        this.orgs = orgs;
    }

    void active(Trip.Key key, Predicate<Trip.Key> inForce) {
        if (!gauged.add(key)) {
            return;
        }
        String org = key.isGlobal() ? GLOBAL_ORG_TAG : orgs.of(key.orgId());
        if (BoundedTagValues.OTHER.equals(org)) {
            others.add(key);
            Gauge.builder("gateway.auto.fallback.active", () -> others.stream()
                            .filter(k -> k.path() == key.path() && inForce.test(k)).count())
                    .description("1 while an automatic fallback is in force for the org (* = global) and path")
                    .tag("org", org).tag("path", key.path().wire()).register(registry);
            return;
        }
        Gauge.builder("gateway.auto.fallback.active", () -> inForce.test(key) ? 1 : 0)
                .description("1 while an automatic fallback is in force for the org (* = global) and path")
                .tag("org", org).tag("path", key.path().wire())
                .register(registry);
    }

    void changed(String action, Trip trip) {
        Counter.builder("gateway.auto.fallback.changes")
                .description("automatic fallbacks tripped, tripped again after failed probes, restored and reset")
                .tag("action", action).tag("scope", trip.scope()).tag("path", trip.path().wire())
                .tag("threshold", trip.threshold()).register(registry).increment();
    }
}
