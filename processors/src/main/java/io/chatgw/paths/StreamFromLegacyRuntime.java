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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.springframework.stereotype.Component;

/**
 * The {@code legacy} path: POSTs the message to the old runtime's {@code /api/v1/execute/stream} and
 * relays its SSE answer, mapped to chat events by {@link LegacyEventMapping}.
 */
@Component("streamFromLegacyRuntime")
public class StreamFromLegacyRuntime extends StreamIntoRun {


    private final GatewayProperties.Upstream config;
    private final ObjectMapper json;
    private final LegacyEventMapping mapping;

    public StreamFromLegacyRuntime(Vertx vertx, ShadowEventLoops shadowLoops, ShadowProperties shadow, GatewayProperties properties,
            ObjectMapper json, MeterRegistry meters) {
        super(vertx, shadowLoops, shadow, properties.legacy(), meters, ExecutionMode.LEGACY);
        this.config = properties.legacy();
        this.json = json;
        this.mapping = new LegacyEventMapping(json);
    }

    @Override
    protected UpstreamSseCall call(PathRun run, UpstreamClients.Client client, UpstreamSseCall.Listener listener) {
        Turn turn = run.turn();
        if (config.baseUrl() == null || config.baseUrl().isBlank()) {
            throw new PathUnavailable("path_unavailable", PathUnavailable.NOT_CONFIGURED, "gateway.legacy.base-url is not configured");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("session_id", turn.session().id().toString());
        body.put("user_id", turn.caller().userId());
        body.put("org_id", turn.caller().orgId());
        body.put("request_id", turn.requestId().toString());
        body.put("message", turn.message());
        if (!turn.history().isEmpty()) {
            body.put("history", turn.history());   // earlier messages, oldest first
        }
        if (!turn.continuation().isEmpty()) {
            body.put("continuation", turn.continuation()); // tool calls, tool results, a prefill: after the message
        }
        if (!turn.llmParameters().isEmpty()) {
            body.put("parameters", turn.llmParameters()); // OpenAI parameters for the runtime's LLM call
        }
        Buffer payload;
        try {
            payload = Buffer.buffer(json.writeValueAsBytes(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return UpstreamSseCall.post(client.vertx(), client.http(), config, "legacy runtime",
                stripSlash(config.baseUrl()) + "/api/v1/execute/stream", UpstreamHeaders.of(turn), payload, listener);
    }

    @Override
    protected ExecutionMode mode() {
        return ExecutionMode.LEGACY;
    }

    @Override
    protected Duration firstEventTimeout() {
        return config.firstEventTimeout();
    }

    @Override
    protected Function<SseEvent, List<PathOutcome>> mapping() {
        return mapping::map; // stateless
    }

    static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
