package io.chatgw.paths;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.config.GatewayProperties;
import io.chatgw.core.ExecutionMode;
import io.chatgw.core.PathUnavailable;
import io.chatgw.shadow.ShadowEventLoops;
import io.chatgw.shadow.ShadowProperties;
import io.chatgw.turn.PathRun;
import io.chatgw.turn.Turn;
import io.chatgw.upstream.SseEvent;
import io.chatgw.upstream.UpstreamSseCall;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.springframework.stereotype.Component;

/**
 * The {@code direct_llm} path: an OpenAI-compatible streamed chat completion, always asking for usage
 * ({@code stream_options.include_usage}); deltas become {@code text} events via {@link LlmChunkMapping}.
 * The conversation sent is the configured system prompt (if any), the turn's history, the user's message, then
 * the turn's continuation (tool calls, tool results, a prefill).
 */
@Component("streamFromLlm")
public class StreamFromLlm extends StreamIntoRun {

    private final GatewayProperties.Llm config;
    private final ObjectMapper json;

    public StreamFromLlm(Vertx vertx, ShadowEventLoops shadowLoops, ShadowProperties shadow, GatewayProperties properties,
            ObjectMapper json, MeterRegistry meters) {
        super(vertx, shadowLoops, shadow, properties.llm().asUpstream(), meters, ExecutionMode.DIRECT_LLM);
        this.config = properties.llm();
        this.json = json;
    }

    @Override
    protected UpstreamSseCall call(PathRun run, UpstreamClients.Client client, UpstreamSseCall.Listener listener) {
        Turn turn = run.turn();
        if (config.baseUrl() == null || config.baseUrl().isBlank()) {
            throw new PathUnavailable("path_unavailable", PathUnavailable.NOT_CONFIGURED, "gateway.llm.base-url is not configured");
        }
        List<Map<String, ?>> messages = new ArrayList<>();
        if (config.systemPrompt() != null && !config.systemPrompt().isBlank()) {
            messages.add(Map.of("role", "system", "content", config.systemPrompt()));
        }
        messages.addAll(turn.history());
        messages.add(Map.of("role", "user", "content", turn.message()));
        messages.addAll(turn.continuation());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user", turn.caller().userId());
        body.putAll(turn.llmParameters()); // validated OpenAI parameters (max_tokens, response_format, user, ...)
        // a model alias's upstream model (the `model` parameter), else the configured one
        String model = turn.llmParameters().get("model") instanceof String m ? m : config.model();
        body.put("model", model);
        body.put("messages", messages);
        body.put("stream", true);
        body.put("stream_options", Map.of("include_usage", true));
        Map<String, String> headers = UpstreamHeaders.of(turn); // request id, shadow marker, traceparent
        if (config.apiKey() != null && !config.apiKey().isBlank()) {
            headers.put("Authorization", "Bearer " + config.apiKey());
        }
        Buffer payload;
        try {
            payload = Buffer.buffer(json.writeValueAsBytes(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        run.reportModel(model);
        return UpstreamSseCall.post(client.vertx(), client.http(), config.asUpstream(), "LLM",
                StreamFromLegacyRuntime.stripSlash(config.baseUrl()) + "/v1/chat/completions", headers, payload, listener);
    }

    @Override
    protected ExecutionMode mode() {
        return ExecutionMode.DIRECT_LLM;
    }

    @Override
    protected Duration firstEventTimeout() {
        return config.firstEventTimeout();
    }

    @Override
    protected Function<SseEvent, List<PathOutcome>> mapping() {
        return new LlmChunkMapping(json)::map; // per run: it assembles the LLM's tool calls across chunks
    }
}
