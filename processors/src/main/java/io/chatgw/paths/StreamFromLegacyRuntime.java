package io.chatgw.paths;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.config.GatewayProperties;
import io.chatgw.core.ExecutionMode;
import io.chatgw.core.PathUnavailable;
import io.chatgw.turn.PathRun;
import io.chatgw.turn.Turn;
import io.chatgw.upstream.SseEvent;
import io.chatgw.upstream.UpstreamSseCall;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
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

    public static final String SHADOW_HEADER = "X-Gateway-Shadow";
    public static final String SHADOW_OF_HEADER = "X-Gateway-Shadow-Of";

    private final GatewayProperties.Upstream config;
    private final HttpClient client;
    private final ObjectMapper json;
    private final LegacyEventMapping mapping;

    public StreamFromLegacyRuntime(Vertx vertx, GatewayProperties properties, ObjectMapper json, MeterRegistry meters) {
        super(vertx, meters);
        this.config = properties.legacy();
        this.client = UpstreamClients.create(vertx, config);
        this.json = json;
        this.mapping = new LegacyEventMapping(json);
    }

    @Override
    protected UpstreamSseCall call(PathRun run, UpstreamSseCall.Listener listener) {
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
        return UpstreamSseCall.post(vertx, client, config, "legacy runtime",
                stripSlash(config.baseUrl()) + "/api/v1/execute/stream", headers(turn), payload, listener);
    }

    /**
     * The request's headers: its id, and for a shadow run (docs/shadow.md) {@value #SHADOW_HEADER}{@code : true} and
     * {@value #SHADOW_OF_HEADER} (the primary's request id): the runtime must not apply side effects for it.
     */
    static Map<String, String> headers(Turn turn) {
        Map<String, String> headers = new java.util.HashMap<>(4);
        headers.put("X-Request-Id", turn.requestId().toString());
        if (turn.isShadow()) {
            headers.put(SHADOW_HEADER, "true");
            headers.put(SHADOW_OF_HEADER, turn.shadowOf().requestId().toString());
        }
        traceparent(turn, headers);
        return headers;
    }

    /** The running path span's W3C {@code traceparent} (docs/operations.md#traces), when tracing is on. */
    static void traceparent(Turn turn, Map<String, String> headers) {
        PathRun run = turn.currentRun();
        if (run != null && run.traceparent() != null) {
            headers.put("traceparent", run.traceparent());
        }
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
