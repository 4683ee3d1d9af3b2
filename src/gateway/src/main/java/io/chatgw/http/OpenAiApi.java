package io.chatgw.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.core.ExchangeKeys;
import io.chatgw.core.GatewayException;
import io.chatgw.openai.CompletionChunks;
import io.chatgw.openai.CompletionCollector;
import io.chatgw.openai.CompletionRequest;
import io.chatgw.openai.CompletionStream;
import io.chatgw.openai.OpenAiError;
import io.chatgw.openai.OpenAiKeys;
import io.chatgw.openai.OpenAiProperties;
import io.chatgw.relay.RelayEvent;
import io.chatgw.relay.RelaySubscription;
import io.chatgw.relay.SessionRelay;
import io.chatgw.relay.SlowClientException;
import io.chatgw.turn.Turn;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The OpenAI-compatible API's HTTP layer ({@code POST /v1/chat/completions}, {@code GET /v1/models}), thin like
 * {@link ChatApi}: the request goes through routes/openai.yaml (auth, validation, session, router, turn), and
 * the turn's relay events become a {@code chat.completion} or a stream of {@code chat.completion.chunk}s
 * ({@link CompletionCollector}, {@link CompletionStream}).
 *
 * <p>A stream's status and headers are sent with its first chunk, i.e. once the path produced something:
 * a path that fails before that (unavailable, unreachable, timed out) gets a proper HTTP error the SDKs can
 * retry; a failure after it is an in-band {@code error} chunk without {@code [DONE]}. {@code x-gateway-path}
 * names the path that answered.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "gateway.openai.enabled", havingValue = "true", matchIfMissing = true)
public class OpenAiApi {

    private static final Logger log = LoggerFactory.getLogger(OpenAiApi.class);
    public static final String PATH_HEADER = "x-gateway-path";
    public static final String FALLBACK_FROM_HEADER = "x-gateway-fallback-from";
    public static final String REQUEST_ID_HEADER = "x-gateway-request-id";
    public static final String RUNTIME_EVENTS_HEADER = "X-Gateway-Runtime-Events";
    private static final String FALLBACK_MODEL = "chat-gateway";
    /** The signal that gateway.openai.first-chunk-wait passed. */
    private static final Object WAITED = new Object();

    private final ProducerTemplate routes;
    private final SessionRelay relay;
    private final OpenAiProperties config;
    private final ObjectMapper json;

    public OpenAiApi(ProducerTemplate routes, SessionRelay relay, OpenAiProperties config, ObjectMapper json) {
        this.routes = routes;
        this.relay = relay;
        this.config = config;
        this.json = json;
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
                .onErrorResume(this::errorResponse);
    }

    Mono<ServerResponse> models(ServerRequest request) {
        return RouteCalls.call(routes, "direct:openai-list-models", request, new byte[0], Map.of())
                .flatMap(exchange -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(exchange.getMessage().getBody()))
                .onErrorResume(this::errorResponse);
    }

    /** stream: false — wait for the turn's end, answer with one chat.completion (or the failure's status). */
    private Mono<ServerResponse> collect(ServerRequest request, Turn turn, CompletionRequest completion) {
        String turnId = turn.requestId().toString();
        CompletionCollector collector = new CompletionCollector(json,
                new CompletionChunks(json, turnId, false), turnId, completion.runtimeEvents(), model(turn, completion));
        return follow(request, turn, turn.routeEventId() - 1)
                .takeUntil(collector::accept)
                .then(Mono.defer(() -> {
                    String path = collector.path() != null ? collector.path() : turn.path();
                    if (collector.completion() == null) {
                        return openAiError(collector.failure() != null ? collector.failure() : OpenAiError.internal(),
                                path, collector.fallbackFrom(), turnId);
                    }
                    return withFallbackFrom(ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                            .header(PATH_HEADER, path), collector.fallbackFrom())
                            .header(REQUEST_ID_HEADER, turnId)
                            .bodyValue(collector.completion());
                }))
                .doOnCancel(turn::clientDisconnected); // gone before the answer (after the turn's end: no effect)
    }

    /**
     * stream: true — first reads events until the answer starts (or ends, or gateway.openai.first-chunk-wait passes),
     * without sending anything; then either answers with the failure's status, or sends 200 and the chunks,
     * following the relay from where it stopped.
     */
    private Mono<ServerResponse> stream(ServerRequest request, Turn turn, CompletionRequest completion) {
        String turnId = turn.requestId().toString();
        CompletionStream translator = new CompletionStream(json,
                new CompletionChunks(json, turnId, completion.includeUsage()), turnId, completion.runtimeEvents(),
                model(turn, completion));
        AtomicLong lastSeen = new AtomicLong(turn.routeEventId() - 1);
        AtomicBoolean responded = new AtomicBoolean();
        // events and the end of the wait, merged so the translator sees one signal at a time; an event counts as
        // seen only once translated (one still queued when the head ends is read again from the relay)
        Flux<Object> signals = Flux.merge(follow(request, turn, lastSeen.get()),
                Mono.delay(config.firstChunkWait()).map(tick -> WAITED));
        return signals
                .map(signal -> {
                    if (signal == WAITED) {
                        return translator.begin(); // waited long enough: start, so keep-alives can flow
                    }
                    RelayEvent event = (RelayEvent) signal;
                    if (event.id() != RelayEvent.NO_ID) {
                        lastSeen.set(event.id());
                    }
                    return translator.accept(event);
                })
                .takeUntil(out -> translator.started() || translator.finished())
                .collectList()
                .flatMap(head -> {
                    String path = translator.path() != null ? translator.path() : turn.path();
                    if (!translator.started()) {
                        return openAiError(translator.failure() != null ? translator.failure() : OpenAiError.internal(),
                                path, translator.fallbackFrom(), turnId);
                    }
                    Flux<String> rest = translator.finished() ? Flux.empty()
                            : Flux.defer(() -> follow(request, turn, lastSeen.get())).concatMapIterable(translator::accept);
                    // a client gone before the turn's end (closed, or dropped as slow): its usage record says so
                    return sse(Flux.concat(Flux.fromIterable(head).concatMapIterable(l -> l), rest)
                                    .doOnCancel(turn::clientDisconnected)
                                    .doOnError(SlowClientException.class, e -> turn.clientDisconnected()), path,
                            translator.fallbackFrom(), turnId);
                })
                .doOnNext(response -> responded.set(true))
                .doOnCancel(() -> { // gone while the first chunk was awaited (a cancel after the response is not that)
                    if (!responded.get()) {
                        turn.clientDisconnected();
                    }
                });
    }

    /** This turn's events after {@code afterId}, until the turn ends. */
    private Flux<RelayEvent> follow(ServerRequest request, Turn turn, long afterId) {
        String turnId = turn.requestId().toString();
        return Flux.defer(() -> {
                    RelaySubscription subscription = relay.subscribe(turn.session().id(), afterId);
                    return relay.track(subscription, () -> RouteCalls.closeConnection(request));
                })
                .takeUntil(e -> RelayEvent.RESYNC.equals(e.type()) || (e.endsTurn() && turnId.equals(e.turnId())));
    }

    /**
     * The model named in chunks before the path's done event: the one the path reported so far, or (if it has
     * reported none yet) the gateway's first listed model, never an echo of what the client asked for.
     */
    private Supplier<String> model(Turn turn, CompletionRequest completion) {
        String fallback = config.models().isEmpty() ? FALLBACK_MODEL : config.models().get(0);
        return () -> turn.model() != null ? turn.model() : fallback;
    }

    /** {@code data: <payload>} events, a comment line when idle, no buffering anywhere on the way. */
    private Mono<ServerResponse> sse(Flux<String> payloads, String path, String fallbackFrom, String turnId) {
        Flux<String> data = payloads
                .map(p -> "data: " + p + "\n\n")
                .onErrorResume(e -> {
                    if (e instanceof SlowClientException) {
                        return Flux.empty(); // its connection is being closed
                    }
                    log.error("OpenAI-compatible stream of turn {} failed", turnId, e);
                    return Flux.just("data: " + writeJson(OpenAiError.internal().body()) + "\n\n");
                });
        Flux<String> body = KeepAlive.around(data, config.keepaliveInterval(), () -> ": keep-alive\n\n");
        return withFallbackFrom(ServerResponse.ok()
                .contentType(MediaType.TEXT_EVENT_STREAM)
                .header(HttpHeaders.CACHE_CONTROL, "no-cache, no-transform")
                .header("X-Accel-Buffering", "no")
                .header(PATH_HEADER, path), fallbackFrom)
                .header(REQUEST_ID_HEADER, turnId)
                .body(SseBody.of(body));
    }

    /** {@code x-gateway-fallback-from}: the path that failed before the one in x-gateway-path answered. */
    private static ServerResponse.BodyBuilder withFallbackFrom(ServerResponse.BodyBuilder builder, String fallbackFrom) {
        return fallbackFrom == null ? builder : builder.header(FALLBACK_FROM_HEADER, fallbackFrom);
    }

    private Mono<ServerResponse> openAiError(OpenAiError error, String path, String fallbackFrom, String turnId) {
        return openAiError(ServerResponse.status(HttpStatus.valueOf(error.status())), error, path, fallbackFrom, turnId);
    }

    private Mono<ServerResponse> openAiError(ServerResponse.BodyBuilder builder, OpenAiError error, String path,
                                             String fallbackFrom, String turnId) {
        builder.contentType(MediaType.APPLICATION_JSON);
        if (error.retryAfter() != null) {
            builder.header(HttpHeaders.RETRY_AFTER, Integer.toString(error.retryAfter()));
        }
        if (path != null) {
            builder.header(PATH_HEADER, path);
        }
        withFallbackFrom(builder, fallbackFrom);
        if (turnId != null) {
            builder.header(REQUEST_ID_HEADER, turnId);
        }
        return builder.bodyValue(error.body());
    }

    private Mono<ServerResponse> errorResponse(Throwable e) {
        if (e instanceof GatewayException g) {
            return openAiError(ErrorBodies.withRetryAfter(ServerResponse.status(HttpStatus.valueOf(g.status())), g),
                    OpenAiError.of(g), null, null, null);
        }
        log.error("OpenAI-compatible request failed", e);
        return openAiError(OpenAiError.internal(), null, null, null);
    }

    private String writeJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
