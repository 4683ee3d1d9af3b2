package io.chatgw.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.core.ExchangeKeys;
import io.chatgw.openai.CompletionRequest;
import io.chatgw.openai.OpenAiError;
import io.chatgw.openai.OpenAiKeys;
import io.chatgw.openai.OpenAiProperties;
import io.chatgw.openai.ResponseCollector;
import io.chatgw.openai.ResponseObjects;
import io.chatgw.openai.ResponseRequest;
import io.chatgw.openai.ResponseStream;
import io.chatgw.relay.SessionRelay;
import io.chatgw.turn.Turn;
import java.util.Map;
import org.apache.camel.ProducerTemplate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code POST /v1/responses} (OpenAI's Responses API, text in and out), thin like {@link OpenAiApi}: the request
 * goes through routes/openai.yaml's openai-response route (the same auth, model, router and turn as a chat
 * completion; the session and history of {@code previous_response_id}), and the turn's relay events become one
 * response object ({@link ResponseCollector}) or its stream of typed events ({@link ResponseStream}). Errors before
 * the first output are HTTP errors in OpenAI's shape; after it, {@code response.failed}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "gateway.openai.enabled", havingValue = "true", matchIfMissing = true)
public class OpenAiResponsesApi {

    private final ProducerTemplate routes;
    private final OpenAiProperties config;
    private final OpenAiReplies replies;

    public OpenAiResponsesApi(ProducerTemplate routes, SessionRelay relay, OpenAiProperties config, ObjectMapper json) {
        this.routes = routes;
        this.config = config;
        this.replies = new OpenAiReplies(relay, config, json);
    }

    @Bean
    RouterFunction<ServerResponse> openAiResponseRoutes() {
        return RouterFunctions.route().POST("/v1/responses", this::create).build();
    }

    Mono<ServerResponse> create(ServerRequest request) {
        return RouteCalls.readBody(request, config.maxBodyBytes())
                .flatMap(body -> RouteCalls.call(routes, "direct:openai-response", request, body, Map.of()))
                .flatMap(exchange -> {
                    Turn turn = exchange.getProperty(ExchangeKeys.TURN, Turn.class);
                    RequestIds.useTurnId(request, turn.requestId());
                    ResponseObjects objects = new ResponseObjects(replies.json(), turn.requestId().toString(),
                            exchange.getProperty(OpenAiKeys.RESPONSE_REQUEST, ResponseRequest.class));
                    return exchange.getProperty(OpenAiKeys.COMPLETION_REQUEST, CompletionRequest.class).stream()
                            ? stream(request, turn, objects) : collect(request, turn, objects);
                })
                .onErrorResume(replies::failure);
    }

    /** stream: false — wait for the turn's end, answer with the response object (or the failure's status). */
    private Mono<ServerResponse> collect(ServerRequest request, Turn turn, ResponseObjects objects) {
        String turnId = turn.requestId().toString();
        ResponseCollector collector = new ResponseCollector(replies.json(), objects, turnId, replies.model(turn));
        return replies.follow(request, turn, turn.routeEventId() - 1)
                .takeUntil(collector::accept)
                .then(Mono.defer(() -> {
                    String path = collector.path() != null ? collector.path() : turn.path();
                    if (collector.response() == null) {
                        return replies.error(collector.failure() != null ? collector.failure() : OpenAiError.internal(),
                                path, collector.fallbackFrom(), turnId);
                    }
                    return replies.json(collector.response(), path, collector.fallbackFrom(), turnId);
                }))
                .doOnCancel(turn::clientDisconnected);
    }

    /** stream: true — {@code event: <type>} / {@code data: <event>} pairs, ending with the response's last state. */
    private Mono<ServerResponse> stream(ServerRequest request, Turn turn, ResponseObjects objects) {
        ResponseStream translator = new ResponseStream(replies.json(), objects, turn.requestId().toString(),
                replies.model(turn));
        return replies.stream(request, turn, translator, frame -> SseBody.event(null, frame.type(), frame.data()),
                () -> {
                    ResponseStream.Frame failed = translator.failed(OpenAiError.internal());
                    return SseBody.event(null, failed.type(), failed.data());
                });
    }
}
