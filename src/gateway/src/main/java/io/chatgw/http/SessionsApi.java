package io.chatgw.http;

import io.chatgw.core.GatewayException;
import io.chatgw.session.PageRequest;
import java.util.HashMap;
import java.util.Map;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * Sessions and their conversations (routes/sessions.yaml): {@code GET /api/v1/sessions},
 * {@code GET /api/v1/sessions/{sessionId}/messages} (both paged: {@code limit}, {@code cursor}) and
 * {@code DELETE /api/v1/sessions/{sessionId}} (204). Errors in the native shape.
 */
@Configuration(proxyBeanMethods = false)
public class SessionsApi {

    private static final Logger log = LoggerFactory.getLogger(SessionsApi.class);

    private final ProducerTemplate routes;

    public SessionsApi(ProducerTemplate routes) {
        this.routes = routes;
    }

    @Bean
    RouterFunction<ServerResponse> sessionRoutes() {
        return RouterFunctions.route()
                .GET("/api/v1/sessions", request -> page(request, "direct:list-sessions"))
                .withAttribute(OpenApiDescription.SUMMARY, "The caller's sessions, newest first (limit, cursor)")
                .GET("/api/v1/sessions/{sessionId}/messages", request -> page(request, "direct:list-session-messages"))
                .withAttribute(OpenApiDescription.SUMMARY, "A session's stored conversation, oldest first (limit, cursor)")
                .DELETE("/api/v1/sessions/{sessionId}", this::delete)
                .withAttribute(OpenApiDescription.SUMMARY, "Delete a session: conversation, snapshots, replay buffer (usage kept)")
                .build();
    }

    private Mono<ServerResponse> page(ServerRequest request, String route) {
        Map<String, String> query = new HashMap<>();
        request.queryParam("limit").ifPresent(v -> query.put(PageRequest.LIMIT_HEADER, v));
        request.queryParam("cursor").ifPresent(v -> query.put(PageRequest.CURSOR_HEADER, v));
        return RouteCalls.call(routes, route, request, new byte[0], query)
                .flatMap(exchange -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(exchange.getMessage().getBody()))
                .onErrorResume(this::errorResponse);
    }

    private Mono<ServerResponse> delete(ServerRequest request) {
        return RouteCalls.call(routes, "direct:delete-session", request, new byte[0], Map.of())
                .flatMap(exchange -> ServerResponse.noContent().build())
                .onErrorResume(this::errorResponse);
    }

    private Mono<ServerResponse> errorResponse(Throwable e) {
        if (e instanceof GatewayException g) {
            return ErrorBodies.of(g);
        }
        log.error("sessions API request failed", e);
        return ErrorBodies.of(500, "internal_error", "the gateway could not handle this request");
    }
}
