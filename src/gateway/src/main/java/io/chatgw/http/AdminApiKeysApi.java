package io.chatgw.http;

import io.chatgw.config.GatewayProperties;
import io.chatgw.core.GatewayException;
import io.chatgw.openai.OpenAiKeys;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * Admin endpoints for the API keys of SDK users (routes/admin.yaml; a JWT with the {@code admin} role):
 * {@code POST /api/v1/admin/api-keys} (201, the key shown once), {@code GET /api/v1/admin/api-keys[?user_id=]},
 * {@code DELETE /api/v1/admin/api-keys/{keyId}}. Errors in the native shape ({@code {"error": {code, message}}}).
 */
@Configuration(proxyBeanMethods = false)
public class AdminApiKeysApi {

    private static final Logger log = LoggerFactory.getLogger(AdminApiKeysApi.class);

    private final ProducerTemplate routes;
    private final int maxBodyBytes;

    public AdminApiKeysApi(ProducerTemplate routes, GatewayProperties properties) {
        this.routes = routes;
        this.maxBodyBytes = properties.chat().maxBodyBytes();
    }

    @Bean
    RouterFunction<ServerResponse> adminApiKeyRoutes() {
        return RouterFunctions.route()
                .POST("/api/v1/admin/api-keys", this::create)
                .GET("/api/v1/admin/api-keys", this::list)
                .DELETE("/api/v1/admin/api-keys/{keyId}", this::revoke)
                .build();
    }

    Mono<ServerResponse> create(ServerRequest request) {
        return RouteCalls.readBody(request, maxBodyBytes)
                .flatMap(body -> RouteCalls.call(routes, "direct:admin-create-api-key", request, body, Map.of()))
                .flatMap(exchange -> reply(HttpStatus.CREATED, exchange))
                .onErrorResume(this::errorResponse);
    }

    Mono<ServerResponse> list(ServerRequest request) {
        Map<String, String> headers = request.queryParam("user_id")
                .map(u -> Map.of(OpenAiKeys.USER_ID_HEADER, u)).orElse(Map.of());
        return RouteCalls.call(routes, "direct:admin-list-api-keys", request, new byte[0], headers)
                .flatMap(exchange -> reply(HttpStatus.OK, exchange))
                .onErrorResume(this::errorResponse);
    }

    Mono<ServerResponse> revoke(ServerRequest request) {
        return RouteCalls.call(routes, "direct:admin-revoke-api-key", request, new byte[0], Map.of())
                .flatMap(exchange -> reply(HttpStatus.OK, exchange))
                .onErrorResume(this::errorResponse);
    }

    private static Mono<ServerResponse> reply(HttpStatus status, Exchange exchange) {
        return ServerResponse.status(status).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(exchange.getMessage().getBody());
    }

    private Mono<ServerResponse> errorResponse(Throwable e) {
        if (e instanceof GatewayException g) {
            return ErrorBodies.of(g);
        }
        log.error("admin API request failed", e);
        return ErrorBodies.of(500, "internal_error", "the gateway could not handle this request");
    }
}
