package io.chatgw.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.core.ExchangeKeys;
import io.chatgw.openai.CompletionChunks;
import io.chatgw.openai.CompletionCollector;
import io.chatgw.openai.CompletionRequest;
import io.chatgw.openai.CompletionStream;
import io.chatgw.openai.OpenAiError;
import io.chatgw.openai.OpenAiKeys;
import io.chatgw.openai.OpenAiProperties;
import io.chatgw.relay.SessionRelay;
import io.chatgw.turn.Turn;
import java.util.HashMap;
import java.util.Map;
import org.apache.camel.ProducerTemplate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The OpenAI-compatible API's HTTP layer ({@code POST /v1/chat/completions}, {@code GET /v1/models}), thin like
 * {@link ChatApi}: the request goes through routes/openai.yaml (auth, validation, session, router, turn), and
 * the turn's relay events become a {@code chat.completion} or a stream of {@code chat.completion.chunk}s
 * ({@link CompletionCollector}, {@link CompletionStream}); {@code POST /v1/responses} is {@link OpenAiResponsesApi}.
 *
 * <p>A stream's status and headers are sent with its first chunk, i.e. once the path produced something:
 * a path that fails before that (unavailable, unreachable, timed out) gets a proper HTTP error the SDKs can
 * retry; a failure after it is an in-band {@code error} chunk without {@code [DONE]} ({@link OpenAiReplies}).
 * {@code x-gateway-path} names the path that answered.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "gateway.openai.enabled", havingValue = "true", matchIfMissing = true)
public class OpenAiApi {

    public static final String PATH_HEADER = OpenAiReplies.PATH_HEADER;
    public static final String FALLBACK_FROM_HEADER = OpenAiReplies.FALLBACK_FROM_HEADER;
    public static final String REQUEST_ID_HEADER = OpenAiReplies.REQUEST_ID_HEADER;
    public static final String RUNTIME_EVENTS_HEADER = "X-Gateway-Runtime-Events";

    private final ProducerTemplate routes;
    private final OpenAiProperties config;
    private final OpenAiReplies replies;

    public OpenAiApi(ProducerTemplate routes, SessionRelay relay, OpenAiProperties config, ObjectMapper json) {
        this.routes = routes;
        this.config = config;
        this.replies = new OpenAiReplies(relay, config, json);
    }

    @Bean
    RouterFunction<ServerResponse> openAiRoutes() {
        return RouterFunctions.route()
                .POST("/v1/chat/completions", this::chatCompletion)
                .GET("/v1/models", this::models)
                .GET("/v1/models/{model}", this::models)
                .build();
    }

    Mono<ServerResponse> chatCompletion(ServerRequest request) {
        Map<String, String> headers = new HashMap<>();
        request.headers().header(config.sessionHeader()).stream().findFirst()
                .ifPresent(v -> headers.put(OpenAiKeys.SESSION_HEADER, v));
        request.headers().header(RUNTIME_EVENTS_HEADER).stream().findFirst()
                .ifPresent(v -> headers.put(OpenAiKeys.RUNTIME_EVENTS_HEADER, v));
        return RouteCalls.readBody(request, config.maxBodyBytes())
                .flatMap(body -> RouteCalls.call(routes, "direct:openai-chat-completion", request, body, headers))
                .flatMap(exchange -> {
                    Turn turn = exchange.getProperty(ExchangeKeys.TURN, Turn.class);
                    RequestIds.useTurnId(request, turn.requestId());
                    CompletionRequest completion = exchange.getProperty(OpenAiKeys.COMPLETION_REQUEST, CompletionRequest.class);
                    return completion.stream() ? stream(request, turn, completion) : collect(request, turn, completion);
                })
                .onErrorResume(replies::failure);
    }

    Mono<ServerResponse> models(ServerRequest request) {
        return RouteCalls.call(routes, "direct:openai-list-models", request, new byte[0], Map.of())
                .flatMap(exchange -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(exchange.getMessage().getBody()))
                .onErrorResume(replies::failure);
    }

    /** stream: false — wait for the turn's end, answer with one chat.completion (or the failure's status). */
    private Mono<ServerResponse> collect(ServerRequest request, Turn turn, CompletionRequest completion) {
        String turnId = turn.requestId().toString();
        CompletionCollector collector = new CompletionCollector(replies.json(),
                new CompletionChunks(replies.json(), turnId, false), turnId, completion.runtimeEvents(),
                replies.model(turn));
        return replies.follow(request, turn, turn.routeEventId() - 1)
                .takeUntil(collector::accept)
                .then(Mono.defer(() -> {
                    String path = collector.path() != null ? collector.path() : turn.path();
                    if (collector.completion() == null) {
                        return replies.error(collector.failure() != null ? collector.failure() : OpenAiError.internal(),
                                path, collector.fallbackFrom(), turnId);
                    }
                    return replies.json(collector.completion(), path, collector.fallbackFrom(), turnId);
                }))
                .doOnCancel(turn::clientDisconnected); // gone before the answer (after the turn's end: no effect)
    }

    /** stream: true — {@code data: <chunk>} events, {@code data: [DONE]} at the end. */
    private Mono<ServerResponse> stream(ServerRequest request, Turn turn, CompletionRequest completion) {
        String turnId = turn.requestId().toString();
        CompletionStream translator = new CompletionStream(replies.json(),
                new CompletionChunks(replies.json(), turnId, completion.includeUsage()), turnId,
                completion.runtimeEvents(), replies.model(turn));
        return replies.stream(request, turn, translator, payload -> "data: " + payload + "\n\n",
                () -> "data: " + replies.write(OpenAiError.internal().body()) + "\n\n");
    }
}
