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
 * The runtime monitor's admin endpoints (routes/runtime.yaml; a JWT with the {@code admin} role):
 * {@code GET /api/v1/runtime/metrics[/{orgId}]}, {@code GET /api/v1/runtime/fallback/status},
 * {@code POST /api/v1/runtime/fallback/reset}. Errors in the native shape ({@code {"error": {code, message}}}).
 */
@Configuration(proxyBeanMethods = false)
public class RuntimeMonitorApi {

    private static final Logger log = LoggerFactory.getLogger(RuntimeMonitorApi.class);

    private final ProducerTemplate routes;
    private final int maxBodyBytes;

    public RuntimeMonitorApi(ProducerTemplate routes, GatewayProperties properties) {
        this.routes = routes;
        this.maxBodyBytes = properties.chat().maxBodyBytes();
    }

    @Bean
    RouterFunction<ServerResponse> runtimeMonitorRoutes() {
        return RouterFunctions.route()
                .GET("/api/v1/runtime/metrics", r -> call(r, "direct:runtime-metrics", new byte[0]))
                .GET("/api/v1/runtime/metrics/{orgId}", r -> call(r, "direct:runtime-org-metrics", new byte[0]))
                .GET("/api/v1/runtime/fallback/status", r -> call(r, "direct:runtime-fallback-status", new byte[0]))
                .POST("/api/v1/runtime/fallback/reset", r -> RouteCalls.readBody(r, maxBodyBytes)
                        .flatMap(body -> call(r, "direct:runtime-fallback-reset", body)))
                .build();
    }

    private Mono<ServerResponse> call(ServerRequest request, String uri, byte[] body) {
        return RouteCalls.call(routes, uri, request, body, Map.of())
                .flatMap(exchange -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(exchange.getMessage().getBody()))
                .onErrorResume(this::errorResponse);
    }

    private Mono<ServerResponse> errorResponse(Throwable e) {
        if (e instanceof GatewayException g) {
            return ErrorBodies.of(g);
        }
        log.error("runtime monitor API request failed", e);
        return ErrorBodies.of(500, "internal_error", "the gateway could not handle this request");
    }
}
