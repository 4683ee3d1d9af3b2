package io.chatgw.http;

import io.chatgw.config.GatewayProperties;
import io.chatgw.core.ExchangeKeys;
import io.chatgw.core.GatewayException;
import io.chatgw.relay.RelayEvent;
import io.chatgw.relay.SessionRelay;
import io.chatgw.relay.SlowClientException;
import io.chatgw.session.ChatSession;
import io.chatgw.turn.Turn;
import java.util.Map;
import java.util.UUID;
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
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The chat API's HTTP layer, deliberately thin: it reads the request (enforcing the body size limit),
 * hands it to the routes in routes/chat.yaml, and turns the result into either a JSON error or an SSE
 * stream from the relay. Every decision (auth, validation, routing) happens in the routes.
 */
@Configuration(proxyBeanMethods = false)
public class ChatApi {

    private static final Logger log = LoggerFactory.getLogger(ChatApi.class);
    /** Sent first so headers go out at once (a quiet session would otherwise hold them back), with a reconnect hint. */
    private static final String OPENING = ":stream open\nretry:2000\n\n";
    private static final String KEEPALIVE = SseBody.comment("keep-alive");

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
                    RequestIds.useTurnId(request, turn.requestId());
                    String turnId = turn.requestId().toString();
                    // attached when the response body is subscribed, so a client gone before that leaves nothing
                    // attached; the replay from the route event covers what the turn published meanwhile
                    // a client gone before the turn's end (closed, or dropped as slow): its usage record says so
                    return sse(follow(request, turn.session().id(), turn.routeEventId() - 1)
                            .takeUntil(e -> e.endsTurn() && turnId.equals(e.turnId()))
                            .doOnCancel(turn::clientDisconnected)
                            .doOnError(SlowClientException.class, e -> turn.clientDisconnected()));
                })
                .onErrorResume(this::errorResponse);
    }

    /** Authenticated (and the session owned) first: an anonymous caller learns nothing about its Last-Event-ID. */
    Mono<ServerResponse> followEvents(ServerRequest request) {
        return RouteCalls.call(routes, "direct:open-event-stream", request, new byte[0], Map.of())
                .flatMap(exchange -> {
                    long afterId = lastEventId(request);
                    ChatSession session = exchange.getProperty(ExchangeKeys.SESSION, ChatSession.class);
                    return sse(follow(request, session.id(), afterId));
                })
                .onErrorResume(this::errorResponse);
    }

    /** The session's events after {@code afterId}, attached to the relay (and counted as open) only once subscribed. */
    private Flux<RelayEvent> follow(ServerRequest request, UUID sessionId, long afterId) {
        return Flux.defer(() -> relay.track(relay.subscribe(sessionId, afterId), () -> RouteCalls.closeConnection(request)));
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
        Flux<String> body = events.map(e -> {
            if (e.originNanos() != 0) {
                relayLatency.record(System.nanoTime() - e.originNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
            }
            return SseBody.event(e.id() == RelayEvent.NO_ID ? null : Long.toString(e.id()), e.type(), e.data());
        });
        return ServerResponse.ok()
                .contentType(MediaType.TEXT_EVENT_STREAM)
                .header(HttpHeaders.CACHE_CONTROL, "no-cache, no-transform")
                .header("X-Accel-Buffering", "no")
                .body(SseBody.of(Flux.concat(Flux.just(OPENING),
                        KeepAlive.around(body, config.keepaliveInterval(), () -> KEEPALIVE))));
    }

    private Mono<ServerResponse> errorResponse(Throwable e) {
        if (e instanceof GatewayException g) {
            return ErrorBodies.of(g);
        }
        log.error("chat API request failed", e);
        return ErrorBodies.of(500, "internal_error", "the gateway could not handle this request");
    }

}
