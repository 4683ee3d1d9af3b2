package io.chatgw.openai;

import java.time.Duration;
import io.chatgw.core.ExecutionMode;
import java.util.List;
import java.util.Map;
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
        /**
         * What GET /v1/models lists (with the aliases) and what a completion may name as {@code model}; another name is
         * 404 model_not_found unless {@link #acceptAnyModel}. These names leave the path to the router.
         */
        @DefaultValue("chat-gateway") List<String> models,
        /** Let a completion name any model (it is then only passed over; the router picks the path). */
        @DefaultValue("false") boolean acceptAnyModel,
        /** Model names that pin a path and/or the upstream model (listed by GET /v1/models too). */
        Map<String, ModelAlias> modelAliases,
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
        /**
         * Per path (legacy, direct_llm, new): the request parameters it cannot honour (OpenAI parameter names, and
         * {@code prefill} for an assistant message last). A request carrying one is a 400 naming it and the path
         * when that path is decided, and a fallback to that path is not taken ({@link PathParameters}).
         */
        Map<String, List<String>> unsupportedParameters,
        @DefaultValue ApiKeys apiKeys,
        @DefaultValue EphemeralSessions ephemeralSessions) {

    public OpenAiProperties {
        unsupportedParameters = PathParameters.check(unsupportedParameters);
        modelAliases = modelAliases == null ? Map.of() : Map.copyOf(modelAliases);
        modelAliases.forEach((name, alias) -> {
            if (alias == null || (alias.path() == null && alias.model() == null)) {
                throw new IllegalArgumentException("gateway.openai.model-aliases." + name + " needs a path or a model");
            }
        });
    }

    /**
     * A model name a completion may use: {@code path} pins the path (rollback and the automatic fallback still
     * win; null: the router decides), {@code model} is the model the path's LLM is asked for (null: its own).
     */
    public record ModelAlias(ExecutionMode path, String model) {
    }

    /** Whether a completion may name {@code model} (null: none named). */
    public boolean knowsModel(String model) {
        return model == null || acceptAnyModel || models.contains(model) || modelAliases.containsKey(model);
    }

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
