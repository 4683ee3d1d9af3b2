package io.chatgw.http;

import io.chatgw.admin.AdminRequest;
import io.chatgw.config.GatewayProperties;
import io.chatgw.core.GatewayException;
import java.util.HashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The admin API's HTTP layer (routes/admin.yaml; docs/operations.md "Admin API"): each endpoint is one route,
 * called with the body, the path variables as headers and the query parameters as headers {@code query.<name>}.
 * Admin role required (checked by the routes); errors in the native shape ({@code {"error": {code, message}}}).
 */
@Configuration(proxyBeanMethods = false)
public class AdminApi {

    private static final Logger log = LoggerFactory.getLogger(AdminApi.class);
    private static final String PREFIX = "/api/v1/admin";

    private final ProducerTemplate routes;
    private final int maxBodyBytes;

    public AdminApi(ProducerTemplate routes, GatewayProperties properties) {
        this.routes = routes;
        this.maxBodyBytes = properties.chat().maxBodyBytes();
    }

    @Bean
    RouterFunction<ServerResponse> adminRoutes() {
        return RouterFunctions.route()
                .POST(PREFIX + "/rollback", call("admin-rollback"))
                .POST(PREFIX + "/rollback/undo", call("admin-rollback-undo"))
                .GET(PREFIX + "/policy/global", call("admin-get-global-policy"))
                .PUT(PREFIX + "/policy/global", call("admin-set-global-policy"))
                .GET(PREFIX + "/orgs/{orgId}/policy", call("admin-get-org-policy"))
                .PUT(PREFIX + "/orgs/{orgId}/policy", call("admin-set-org-policy"))
                .GET(PREFIX + "/users/{userId}/mode", call("admin-get-user-mode"))
                .PUT(PREFIX + "/users/{userId}/mode", call("admin-set-user-mode"))
                .GET(PREFIX + "/agents/{agentId}/default", call("admin-get-agent-default"))
                .PUT(PREFIX + "/agents/{agentId}/default", call("admin-set-agent-default"))
                .DELETE(PREFIX + "/canary/{rolloutKey}/assignments", call("admin-clear-canary-assignments"))
                .GET(PREFIX + "/users", call("admin-list-users"))
                .GET(PREFIX + "/orgs", call("admin-list-orgs"))
                .GET(PREFIX + "/decisions/{userId}", call("admin-explain-decision"))
                .GET(PREFIX + "/audit", call("admin-list-audit"))
                .GET(PREFIX + "/routes", call("admin-list-routes"))
                .POST(PREFIX + "/routes/{routeId}/{action}", call("admin-control-route"))
                .build();
    }

    /** A handler that runs route {@code routeId} and answers its body as JSON with 200. */
    private HandlerFunction<ServerResponse> call(String routeId) {
        return request -> RouteCalls.readBody(request, maxBodyBytes)
                .flatMap(body -> RouteCalls.call(routes, "direct:" + routeId, request, body, query(request)))
                .flatMap(AdminApi::reply)
                .onErrorResume(this::errorResponse);
    }

    private static Map<String, String> query(ServerRequest request) {
        Map<String, String> headers = new HashMap<>();
        request.queryParams().forEach((name, values) -> {
            if (!values.isEmpty()) {
                headers.put(AdminRequest.QUERY_PREFIX + name, values.get(0) == null ? "" : values.get(0));
            }
        });
        return headers;
    }

    private static Mono<ServerResponse> reply(Exchange exchange) {
        return ServerResponse.status(HttpStatus.OK).contentType(MediaType.APPLICATION_JSON)
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
