package io.chatgw.http;

import io.chatgw.config.GatewayProperties;
import io.chatgw.core.ExchangeKeys;
import io.chatgw.core.GatewayException;
import io.chatgw.relay.RelayEvent;
import io.chatgw.relay.RelaySubscription;
import io.chatgw.relay.SessionRelay;
import io.chatgw.session.ChatSession;
import io.chatgw.turn.Turn;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The chat API's HTTP layer, deliberately thin: it reads the request (enforcing the body size limit),
 * hands it to the routes in routes/chat.yaml, and turns the result into either a JSON error or an SSE
 * stream from the relay. Every decision (auth, validation, routing) happens in the routes.
 */
@Configuration(proxyBeanMethods = false)
public class ChatApi {

    private static final Logger log = LoggerFactory.getLogger(ChatApi.class);
    /** Sent first so headers go out at once (a quiet session would otherwise hold them back), with a reconnect hint. */
    private static final ServerSentEvent<String> OPENING =
            ServerSentEvent.<String>builder().comment("stream open").retry(Duration.ofSeconds(2)).build();

    private final ProducerTemplate routes;
    private final SessionRelay relay;
    private final GatewayProperties.Chat config;

    private final Timer relayLatency;

    public ChatApi(ProducerTemplate routes, SessionRelay relay, GatewayProperties properties, MeterRegistry meters) {
        this.routes = routes;
        this.relay = relay;
        this.config = properties.chat();
        this.relayLatency = Timer.builder("gateway.plane.relay.latency")
                .description("from a plane's sse_event frame arriving to the event being written to a client's SSE stream")
                .publishPercentileHistogram().register(meters);
    }

    @Bean
    RouterFunction<ServerResponse> chatRoutes() {
        return RouterFunctions.route()
                .POST("/api/v1/sessions", this::createSession)
                .POST("/api/v1/sessions/{sessionId}/messages", this::postMessage)
                .GET("/api/v1/sessions/{sessionId}/events", this::followEvents)
                .POST("/api/v1/vm-tokens", this::issueVmToken)
                .build();
    }

    Mono<ServerResponse> createSession(ServerRequest request) {
        return RouteCalls.readBody(request, config.maxBodyBytes())
                .flatMap(body -> RouteCalls.call(routes, "direct:create-session", request, body, Map.of()))
                .flatMap(exchange -> ServerResponse.status(HttpStatus.CREATED)
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(exchange.getMessage().getBody()))
                .onErrorResume(this::errorResponse);
    }

    Mono<ServerResponse> issueVmToken(ServerRequest request) {
        return RouteCalls.call(routes, "direct:issue-vm-token", request, new byte[0], Map.of())
                .flatMap(exchange -> ServerResponse.status(HttpStatus.CREATED)
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(exchange.getMessage().getBody()))
                .onErrorResume(this::errorResponse);
    }

    Mono<ServerResponse> postMessage(ServerRequest request) {
        return RouteCalls.readBody(request, config.maxBodyBytes())
                .flatMap(body -> RouteCalls.call(routes, "direct:chat-message", request, body, Map.of()))
                .flatMap(exchange -> {
                    Turn turn = exchange.getProperty(ExchangeKeys.TURN, Turn.class);
                    String turnId = turn.requestId().toString();
                    RelaySubscription subscription = relay.subscribe(turn.session().id(), turn.routeEventId() - 1);
                    Flux<RelayEvent> events = relay.track(subscription, () -> RouteCalls.closeConnection(request))
                            .takeUntil(e -> e.endsTurn() && turnId.equals(e.turnId()));
                    return sse(events);
                })
                .onErrorResume(this::errorResponse);
    }

    Mono<ServerResponse> followEvents(ServerRequest request) {
        long afterId;
        try {
            afterId = lastEventId(request);
        } catch (GatewayException e) {
            return ErrorBodies.of(e);
        }
        return RouteCalls.call(routes, "direct:open-event-stream", request, new byte[0], Map.of())
                .flatMap(exchange -> {
                    ChatSession session = exchange.getProperty(ExchangeKeys.SESSION, ChatSession.class);
                    RelaySubscription subscription = relay.subscribe(session.id(), afterId);
                    return sse(relay.track(subscription, () -> RouteCalls.closeConnection(request)));
                })
                .onErrorResume(this::errorResponse);
    }

    private static long lastEventId(ServerRequest request) {
        String raw = request.headers().firstHeader("Last-Event-ID");
        if (raw == null) {
            raw = request.queryParam("last_event_id").orElse(null);
        }
        if (raw == null || raw.isBlank()) {
            return -1;
        }
        try {
            long id = Long.parseLong(raw.trim());
            if (id < 0) {
                throw new NumberFormatException();
            }
            return id;
        } catch (NumberFormatException e) {
            throw GatewayException.badRequest("invalid_last_event_id", "Last-Event-ID must be a non-negative integer");
        }
    }

    /** The SSE response: events as they come, a comment line when the stream has been idle, no buffering. */
    private Mono<ServerResponse> sse(Flux<RelayEvent> events) {
        Duration keepalive = config.keepaliveInterval();
        AtomicLong lastWrite = new AtomicLong(System.nanoTime());
        Sinks.One<Boolean> ended = Sinks.one();
        Flux<ServerSentEvent<String>> body = events
                .map(e -> {
                    lastWrite.set(System.nanoTime());
                    if (e.originNanos() != 0) {
                        relayLatency.record(lastWrite.get() - e.originNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
                    }
                    ServerSentEvent.Builder<String> b = ServerSentEvent.<String>builder(e.data()).event(e.type());
                    if (e.id() != RelayEvent.NO_ID) {
                        b.id(Long.toString(e.id()));
                    }
                    return b.build();
                })
                .doFinally(s -> ended.tryEmitValue(true));
        Flux<ServerSentEvent<String>> comments = Flux.interval(keepalive, keepalive)
                .filter(tick -> System.nanoTime() - lastWrite.get() >= keepalive.toNanos() - 50_000_000L)
                .map(tick -> {
                    lastWrite.set(System.nanoTime());
                    return ServerSentEvent.<String>builder().comment("keep-alive").build();
                })
                .takeUntilOther(ended.asMono());
        return ServerResponse.ok()
                .contentType(MediaType.TEXT_EVENT_STREAM)
                .header(HttpHeaders.CACHE_CONTROL, "no-cache, no-transform")
                .header("X-Accel-Buffering", "no")
                .body(BodyInserters.fromServerSentEvents(Flux.concat(Flux.just(OPENING), Flux.merge(body, comments))));
    }

    private Mono<ServerResponse> errorResponse(Throwable e) {
        if (e instanceof GatewayException g) {
            return ErrorBodies.of(g);
        }
        log.error("chat API request failed", e);
        return ErrorBodies.of(500, "internal_error", "the gateway could not handle this request");
    }

}
