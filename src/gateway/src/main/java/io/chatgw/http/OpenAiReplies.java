package io.chatgw.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.core.GatewayException;
import io.chatgw.openai.OpenAiError;
import io.chatgw.openai.OpenAiProperties;
import io.chatgw.openai.StreamTranslator;
import io.chatgw.relay.RelayEvent;
import io.chatgw.relay.RelaySubscription;
import io.chatgw.relay.SessionRelay;
import io.chatgw.relay.SlowClientException;
import io.chatgw.turn.Turn;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * How the OpenAI-compatible endpoints ({@link OpenAiApi}'s chat completions, {@link OpenAiResponsesApi}'s
 * responses) answer a turn: follow its relay events, hold a stream's status until the path's first output, write
 * SSE without buffering, and send errors in OpenAI's shape with the gateway's headers ({@code x-gateway-path},
 * {@code x-gateway-fallback-from}, {@code x-gateway-request-id}; {@code x-request-id} is {@link RequestIds}').
 */
final class OpenAiReplies {

    private static final Logger log = LoggerFactory.getLogger(OpenAiReplies.class);
    static final String PATH_HEADER = "x-gateway-path";
    static final String FALLBACK_FROM_HEADER = "x-gateway-fallback-from";
    static final String REQUEST_ID_HEADER = "x-gateway-request-id";
    private static final String FALLBACK_MODEL = "chat-gateway";
    /** The signal that gateway.openai.first-chunk-wait passed. */
    private static final Object WAITED = new Object();

    private final SessionRelay relay;
    private final OpenAiProperties config;
    private final ObjectMapper json;

    OpenAiReplies(SessionRelay relay, OpenAiProperties config, ObjectMapper json) {
        this.relay = relay;
        this.config = config;
        this.json = json;
    }

    ObjectMapper json() {
        return json;
    }

    /**
     * A streamed answer: first reads events until the answer starts (or ends, or gateway.openai.first-chunk-wait
     * passes) without sending anything; then either answers with the failure's status, or sends 200 and the
     * stream, following the relay from where it stopped.
     *
     * @param frame       one piece of the stream as SSE text
     * @param brokenFrame the SSE text that ends a stream that broke inside the gateway
     */
    <F> Mono<ServerResponse> stream(ServerRequest request, Turn turn, StreamTranslator<F> translator,
                                    Function<F, String> frame, Supplier<String> brokenFrame) {
        String turnId = turn.requestId().toString();
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
                        return error(translator.failure() != null ? translator.failure() : OpenAiError.internal(),
                                path, translator.fallbackFrom(), turnId);
                    }
                    Flux<F> rest = translator.finished() ? Flux.empty()
                            : Flux.defer(() -> follow(request, turn, lastSeen.get())).concatMapIterable(translator::accept);
                    // a client gone before the turn's end (closed, or dropped as slow): its usage record says so
                    Flux<String> frames = Flux.concat(Flux.fromIterable(head).concatMapIterable(l -> l), rest)
                            .doOnCancel(turn::clientDisconnected)
                            .doOnError(SlowClientException.class, e -> turn.clientDisconnected())
                            .map(frame)
                            .onErrorResume(e -> {
                                if (e instanceof SlowClientException) {
                                    return Flux.empty(); // its connection is being closed
                                }
                                log.error("OpenAI-compatible stream of turn {} failed", turnId, e);
                                return Flux.just(brokenFrame.get());
                            });
                    return sse(frames, path, translator.fallbackFrom(), turnId);
                })
                .doOnNext(response -> responded.set(true))
                .doOnCancel(() -> { // gone while the first chunk was awaited (a cancel after the response is not that)
                    if (!responded.get()) {
                        turn.clientDisconnected();
                    }
                });
    }

    /** This turn's events after {@code afterId}, until the turn ends. */
    Flux<RelayEvent> follow(ServerRequest request, Turn turn, long afterId) {
        String turnId = turn.requestId().toString();
        return Flux.defer(() -> {
                    RelaySubscription subscription = relay.subscribe(turn.session().id(), afterId);
                    return relay.track(subscription, () -> RouteCalls.closeConnection(request));
                })
                .takeUntil(e -> RelayEvent.RESYNC.equals(e.type()) || (e.endsTurn() && turnId.equals(e.turnId())));
    }

    /**
     * The model named before the path's done event: the one the path reported so far, or (if it has reported
     * none yet) the gateway's first listed model, never an echo of what the client asked for.
     */
    Supplier<String> model(Turn turn) {
        String fallback = config.models().isEmpty() ? FALLBACK_MODEL : config.models().get(0);
        return () -> turn.model() != null ? turn.model() : fallback;
    }

    /** A JSON answer with the gateway's headers. */
    Mono<ServerResponse> json(Object body, String path, String fallbackFrom, String turnId) {
        return withFallbackFrom(ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                .header(PATH_HEADER, path), fallbackFrom)
                .header(REQUEST_ID_HEADER, turnId)
                .bodyValue(body);
    }

    /** SSE frames, a comment line when idle, no buffering anywhere on the way. */
    private Mono<ServerResponse> sse(Flux<String> frames, String path, String fallbackFrom, String turnId) {
        Flux<String> body = KeepAlive.around(frames, config.keepaliveInterval(), () -> ": keep-alive\n\n");
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

    Mono<ServerResponse> error(OpenAiError error, String path, String fallbackFrom, String turnId) {
        return error(ServerResponse.status(HttpStatus.valueOf(error.status())), error, path, fallbackFrom, turnId);
    }

    private Mono<ServerResponse> error(ServerResponse.BodyBuilder builder, OpenAiError error, String path,
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

    /** A failure of the routes before any turn (auth, validation, session) or of the gateway itself. */
    Mono<ServerResponse> failure(Throwable e) {
        if (e instanceof GatewayException g) {
            return error(ErrorBodies.withRetryAfter(ServerResponse.status(HttpStatus.valueOf(g.status())), g),
                    OpenAiError.of(g), null, null, null);
        }
        log.error("OpenAI-compatible request failed", e);
        return error(OpenAiError.internal(), null, null, null);
    }

    String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
