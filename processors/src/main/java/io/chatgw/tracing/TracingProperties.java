package io.chatgw.tracing;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Traces of the turns ({@code gateway.tracing.*}); docs/operations.md#traces. Off by default. */
@ConfigurationProperties("gateway.tracing")
public record TracingProperties(
        /** true: every turn gets a trace (sampled by {@code sample-ratio}); false: no span is made at all. */
        @DefaultValue("false") boolean enabled,
        /** OTLP/HTTP traces endpoint (e.g. http://otel-collector:4318/v1/traces); empty: spans are not exported. */
        @DefaultValue("") String otlpEndpoint,
        /** Share of new traces kept (0-1); a caller's sampled traceparent is always followed. */
        @DefaultValue("1.0") double sampleRatio,
        /** The service.name resource attribute. */
        @DefaultValue("chat-gateway") String serviceName) {

    public TracingProperties {
        if (sampleRatio < 0 || sampleRatio > 1) {
            throw new IllegalArgumentException("gateway.tracing.sample-ratio must be within 0-1, was " + sampleRatio);
        }
    }
}
