package io.chatgw.http;

import io.chatgw.config.GatewayProperties;
import io.chatgw.core.GatewayException;
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
 * The paths' circuit breakers for admins (routes/breakers.yaml): {@code GET /api/v1/admin/breakers},
 * {@code GET /api/v1/admin/breakers/{path}}, {@code POST /api/v1/admin/breakers/{path}} with an action.
 * Errors in the native shape ({@code {"error": {code, message}}}).
 */
@Configuration(proxyBeanMethods = false)
public class AdminBreakersApi {

    private static final Logger log = LoggerFactory.getLogger(AdminBreakersApi.class);

    private final ProducerTemplate routes;
    private final int maxBodyBytes;

    public AdminBreakersApi(ProducerTemplate routes, GatewayProperties properties) {
        this.routes = routes;
        this.maxBodyBytes = properties.chat().maxBodyBytes();
    }

    @Bean
    RouterFunction<ServerResponse> adminBreakerRoutes() {
        return RouterFunctions.route()
                .GET("/api/v1/admin/breakers", this::describe)
                .GET("/api/v1/admin/breakers/{path}", this::describe)
                .POST("/api/v1/admin/breakers/{path}", this::control)
                .build();
    }

    Mono<ServerResponse> describe(ServerRequest request) {
        return RouteCalls.call(routes, "direct:admin-describe-breakers", request, new byte[0], Map.of())
                .flatMap(exchange -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(exchange.getMessage().getBody()))
                .onErrorResume(this::errorResponse);
    }

    Mono<ServerResponse> control(ServerRequest request) {
        return RouteCalls.readBody(request, maxBodyBytes)
                .flatMap(body -> RouteCalls.call(routes, "direct:admin-control-breaker", request, body, Map.of()))
                .flatMap(exchange -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(exchange.getMessage().getBody()))
                .onErrorResume(this::errorResponse);
    }

    private Mono<ServerResponse> errorResponse(Throwable e) {
        if (e instanceof GatewayException g) {
            return ErrorBodies.of(g);
        }
        log.error("breaker admin request failed", e);
        return ErrorBodies.of(500, "internal_error", "the gateway could not handle this request");
    }
}
