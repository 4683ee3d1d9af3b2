package io.chatgw.openai;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Knobs of the OpenAI-compatible endpoint, bound from {@code gateway.openai.*} in config/application.yaml.
 * Documented in docs/openai-api.md.
 */
@ConfigurationProperties("gateway.openai")
public record OpenAiProperties(
        /** Serve POST /v1/chat/completions and GET /v1/models at all. */
        @DefaultValue("true") boolean enabled,
        /** What GET /v1/models lists. Requests may name any model: the router, not the model, picks the path. */
        @DefaultValue("chat-gateway") List<String> models,
        /** Largest accepted request body (the whole conversation travels in it); larger bodies get 413. */
        @DefaultValue("1048576") int maxBodyBytes,
        /** Most entries accepted in {@code messages}. */
        @DefaultValue("256") int maxMessages,
        /** Request header naming an existing gateway session to continue. */
        @DefaultValue("X-Session-Id") String sessionHeader,
        /** Map the request's {@code user} field to one gateway session per (caller, user value). */
        @DefaultValue("true") boolean sessionsFromUserField,
        /**
         * How plan/skill/MCP/status events of the runtime paths appear: {@code omit} (not at all) or
         * {@code extension} (a {@code gateway_event} field; see docs/openai-api.md). A request can choose
         * with the {@code X-Gateway-Runtime-Events} header.
         */
        @DefaultValue("omit") RuntimeEvents runtimeEvents,
        /** A {@code : keep-alive} comment is sent on a stream that has been idle this long. */
        @DefaultValue("15s") Duration keepaliveInterval,
        /**
         * How long a streamed answer's status and headers wait for the path's first output. A path failing
         * within it gets an HTTP error status; after it the stream starts (200, role chunk, keep-alives) and a
         * later failure is an in-band error chunk.
         */
        @DefaultValue("10s") Duration firstChunkWait,
        @DefaultValue ApiKeys apiKeys,
        @DefaultValue EphemeralSessions ephemeralSessions) {

    public enum RuntimeEvents {
        OMIT, EXTENSION;

        /** Parses {@code omit} / {@code extension} (any case); null or blank is null. */
        public static RuntimeEvents parse(String value) {
            if (value == null || value.isBlank()) {
                return null;
            }
            for (RuntimeEvents mode : values()) {
                if (mode.name().equalsIgnoreCase(value.trim())) {
                    return mode;
                }
            }
            throw new IllegalArgumentException("runtime events must be 'omit' or 'extension', was '" + value + "'");
        }
    }

    /** Sessions made for one request (no session header, no {@code user}): deleted once unused this long. */
    public record EphemeralSessions(
            /** Deleted once {@code last_active_at} is older than this; keep it well above the longest turn. */
            @DefaultValue("24h") Duration retention,
            /** How often the expire-ephemeral-sessions route runs (its timer reads the same key). */
            @DefaultValue("10m") Duration cleanupInterval,
            /** Rows deleted per statement (the route repeats until none is left). */
            @DefaultValue("1000") int batchSize) {
    }

    public record ApiKeys(
            /** last_used_at is written at most this often per key (a write on every request would be wasteful). */
            @DefaultValue("60s") Duration lastUsedUpdateInterval) {
    }
}
