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
                .withAttribute(OpenApiDescription.SUMMARY, "Emergency rollback: every new decision in scope (global, or one org) goes legacy")
                .POST(PREFIX + "/rollback/undo", call("admin-rollback-undo"))
                .withAttribute(OpenApiDescription.SUMMARY, "Undo the rollback in scope: the routing in force before it, exactly")
                .GET(PREFIX + "/policy/global", call("admin-get-global-policy"))
                .withAttribute(OpenApiDescription.SUMMARY, "The global mode, canary percentage, configured default and rollout key")
                .PUT(PREFIX + "/policy/global", call("admin-set-global-policy"))
                .withAttribute(OpenApiDescription.SUMMARY, "Set the global mode, canary percentage and/or shadow setting (shadow_percent, shadow_path)")
                .GET(PREFIX + "/orgs/{orgId}/policy", call("admin-get-org-policy"))
                .withAttribute(OpenApiDescription.SUMMARY, "An org's override, allowlist membership for new, and canary percentage")
                .PUT(PREFIX + "/orgs/{orgId}/policy", call("admin-set-org-policy"))
                .withAttribute(OpenApiDescription.SUMMARY, "Set an org's override, allowlist membership, canary percentage and/or shadow setting (null clears)")
                .GET(PREFIX + "/users/{userId}/mode", call("admin-get-user-mode"))
                .withAttribute(OpenApiDescription.SUMMARY, "A user's explicit mode")
                .PUT(PREFIX + "/users/{userId}/mode", call("admin-set-user-mode"))
                .withAttribute(OpenApiDescription.SUMMARY, "Set or clear a user's mode")
                .GET(PREFIX + "/agents/{agentId}/default", call("admin-get-agent-default"))
                .withAttribute(OpenApiDescription.SUMMARY, "An agent's default mode")
                .PUT(PREFIX + "/agents/{agentId}/default", call("admin-set-agent-default"))
                .withAttribute(OpenApiDescription.SUMMARY, "Set or clear an agent's default mode and/or shadow setting")
                .DELETE(PREFIX + "/canary/{rolloutKey}/assignments", call("admin-clear-canary-assignments"))
                .withAttribute(OpenApiDescription.SUMMARY, "Forget a rollout's canary assignments (users are bucketed afresh)")
                .GET(PREFIX + "/users", call("admin-list-users"))
                .withAttribute(OpenApiDescription.SUMMARY, "Users by effective mode (?mode=&org_id=&limit=&cursor=)")
                .GET(PREFIX + "/orgs", call("admin-list-orgs"))
                .withAttribute(OpenApiDescription.SUMMARY, "Orgs by effective mode (?mode=&limit=&cursor=)")
                .GET(PREFIX + "/decisions/{userId}", call("admin-explain-decision"))
                .withAttribute(OpenApiDescription.SUMMARY, "One user's routing decision: every input and the rule that won (?agent_id=)")
                .GET(PREFIX + "/audit", call("admin-list-audit"))
                .withAttribute(OpenApiDescription.SUMMARY, "The audit log, newest first (?since=&actor=&action=&limit=&cursor=)")
                .GET(PREFIX + "/breakers", call("admin-describe-breakers"))
                .withAttribute(OpenApiDescription.SUMMARY, "Every path's circuit breaker: state, calls and rates in its window, settings")
                .GET(PREFIX + "/breakers/{path}", call("admin-describe-breakers"))
                .withAttribute(OpenApiDescription.SUMMARY, "One path's circuit breaker")
                .POST(PREFIX + "/breakers/{path}", call("admin-control-breaker"))
                .withAttribute(OpenApiDescription.SUMMARY, "Force a path's breaker open or closed, or reset it ({action: force_open|force_closed|reset, reason?}); this instance, audited")
                .GET(PREFIX + "/shadow/summary", call("admin-shadow-summary"))
                .withAttribute(OpenApiDescription.SUMMARY, "Shadow traffic per org and path pair: divergence by kind beside the noise floor, latency deltas, errors, skipped samples (?org_id=&since=)")
                .GET(PREFIX + "/shadow/samples", call("admin-shadow-samples"))
                .withAttribute(OpenApiDescription.SUMMARY, "The shadow pairs that diverged, newest first, with both event sequences (?kind=&sample=&org_id=&limit=&cursor=)")
                .POST(PREFIX + "/users/{userId}/plane/stop", call("admin-stop-plane"))
                .withAttribute(OpenApiDescription.SUMMARY, "Stop a user's execution plane on this instance (removed, its data kept; {reason?}); audited")
                .GET(PREFIX + "/planes/volumes", call("admin-list-plane-volumes"))
                .withAttribute(OpenApiDescription.SUMMARY, "This deployment's plane volumes: user, in use, last plane ended, past volume-retention (never deleted by the gateway)")
                .GET(PREFIX + "/routes", call("admin-list-routes"))
                .withAttribute(OpenApiDescription.SUMMARY, "Camel routes with status, uptime, in-flight and failed exchanges")
                .POST(PREFIX + "/routes/{routeId}/{action}", call("admin-control-route"))
                .withAttribute(OpenApiDescription.SUMMARY, "Start, stop, suspend or resume a route (admin-* routes cannot be stopped)")
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
