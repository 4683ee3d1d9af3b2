package io.chatgw.metrics;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Bounds of the gateway's own metric tags and the dependency probes ({@code gateway.metrics.*}); docs/configuration.md. */
@ConfigurationProperties("gateway.metrics")
public record MetricsProperties(
        /** Distinct org ids with a series of their own (tokens per org); later orgs count under {@code other}. */
        @DefaultValue("200") int maxOrgTags,
        /** Distinct model names with a series of their own; later ones count under {@code other}. */
        @DefaultValue("20") int maxModelTags,
        /** Distinct turn error codes with a series of their own in gateway_turn_errors_total. */
        @DefaultValue("50") int maxErrorCodeTags,
        /** How often PostgreSQL, Kafka and the legacy runtime are probed for gateway_dependency_up. */
        @DefaultValue("10s") Duration probeInterval,
        /** Path probed on the legacy runtime ({@code gateway.legacy.base-url} + this; 2xx = up); empty: not probed. */
        @DefaultValue("/health") String legacyHealthPath) {
}
