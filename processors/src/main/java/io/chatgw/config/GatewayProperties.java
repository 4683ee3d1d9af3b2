package io.chatgw.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Every tuning knob of the gateway, bound from {@code gateway.*} in config/application.yaml
 * (or the matching environment variables, e.g. GATEWAY_AUTH_JWTSECRET). Documented in docs/configuration.md.
 */
@ConfigurationProperties("gateway")
public record GatewayProperties(
        @DefaultValue Auth auth,
        @DefaultValue Chat chat,
        @DefaultValue Relay relay,
        @DefaultValue Routing routing,
        @DefaultValue Upstream legacy,
        @DefaultValue Llm llm,
        @DefaultValue Kafka kafka,
        @DefaultValue Dev dev) {

    public record Auth(
            /** HS256 secret for user JWTs; at least 32 bytes. */
            String jwtSecret,
            /** Tolerated clock skew when checking exp/nbf. */
            @DefaultValue("30s") Duration clockSkew,
            /** Verified JWTs kept until they expire, so the same token is not verified again; 0: none kept. */
            @DefaultValue("10000") int verifiedTokenCacheSize) {
    }

    public record Chat(
            /** Largest accepted request body; larger bodies get 413. */
            @DefaultValue("65536") int maxBodyBytes,
            /** Longest silence on an SSE stream: a comment line goes out after 3/4 of it. */
            @DefaultValue("15s") Duration keepaliveInterval,
            /** {@code Retry-After} of a 409 turn_in_progress (both APIs). */
            @DefaultValue("1s") Duration busyRetryAfter) {
    }

    public record Relay(
            /** Events kept per session for Last-Event-ID replay. */
            @DefaultValue("512") int bufferSize,
            /** Events queued per connected client before that (slow) client is dropped. */
            @DefaultValue("256") int clientQueueSize,
            /** A session's relay with no client and no open turn is released after this long. */
            @DefaultValue("30m") Duration idleSessionTtl,
            /**
             * A per-request (ephemeral) session's relay is released once unused this long: long enough for the
             * HTTP layer to attach after its turn opened or ended, short enough not to hold memory.
             */
            @DefaultValue("30s") Duration ephemeralGrace,
            /**
             * All sessions' replay buffers together, estimated: beyond it the least recently used sessions' buffers
             * are dropped (their clients get resync when they reconnect), so many sessions cannot fill the heap.
             */
            @DefaultValue("256MB") DataSize maxBufferedBytes) {
    }

    public record Routing(
            /** Mode when neither org, user nor agent sets one (and no global route policy row does). */
            @DefaultValue("legacy") String defaultMode) {
    }

    /** An upstream reached over HTTP with a streamed (SSE) answer. */
    public record Upstream(
            /** Base URL; empty in the embedded default run, which starts a reference one and fills this in. */
            String baseUrl,
            @DefaultValue("2s") Duration connectTimeout,
            /** From sending the request to the first event of the answer. */
            @DefaultValue("30s") Duration firstEventTimeout,
            /** Longest silence between two events once the answer started. */
            @DefaultValue("60s") Duration idleTimeout,
            /** Pooled HTTP connections to this upstream. */
            @DefaultValue("1000") int maxConnections) {
    }

    public record Llm(
            String baseUrl,
            String apiKey,
            @DefaultValue("standin-1") String model,
            /** Optional system prompt sent before the user's message. */
            String systemPrompt,
            @DefaultValue("2s") Duration connectTimeout,
            @DefaultValue("30s") Duration firstEventTimeout,
            @DefaultValue("60s") Duration idleTimeout,
            @DefaultValue("1000") int maxConnections) {

        public Upstream asUpstream() {
            return new Upstream(baseUrl, connectTimeout, firstEventTimeout, idleTimeout, maxConnections);
        }
    }

    public record Kafka(
            /** Topic that receives one record per finished turn. */
            @DefaultValue("gateway.usage") String usageTopic) {
    }

    public record Dev(
            /** GET /dev/token issues user JWTs signed with the configured secret. Never enable in production. */
            @DefaultValue("false") boolean tokenEndpointEnabled) {
    }
}
