package io.chatgw.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.auth.Caller;
import io.chatgw.core.ExchangeKeys;
import io.chatgw.core.GatewayException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.spi.RouteController;
import org.springframework.stereotype.Component;

/**
 * Route control for ops (routes/admin.yaml): {@code GET /api/v1/admin/routes} lists every Camel route with its status,
 * uptime, in-flight exchanges and the failed/total counts of Camel's route metrics; {@code POST
 * /api/v1/admin/routes/{routeId}/{start|stop|suspend|resume}} acts on one. The admin API's own routes (ids
 * {@code admin-*}) cannot be stopped or suspended: they are how ops would start them again. Every action is audited.
 * Stopping waits for the route's in-flight exchanges up to {@code gateway.admin.route-stop-timeout}.
 */
@Component("routeControl")
public class RouteControl {

    public static final String PROTECTED_PREFIX = "admin-";
    private static final List<String> ACTIONS = List.of("start", "stop", "suspend", "resume");

    private final CamelContext camel;
    private final MeterRegistry meters;
    private final AuditLog audit;
    private final ObjectMapper json;
    private final AdminProperties properties;

    public RouteControl(CamelContext camel, MeterRegistry meters, AuditLog audit, ObjectMapper json,
                        AdminProperties properties) {
        this.camel = camel;
        this.meters = meters;
        this.audit = audit;
        this.json = json;
        this.properties = properties;
    }

    public void list(Exchange exchange) {
        AdminRequest.query(exchange, json, Set.of());
        List<Map<String, Object>> routes = new ArrayList<>();
        camel.getRoutes().stream().sorted(Comparator.comparing(Route::getRouteId))
                .forEach(r -> routes.add(describe(r.getRouteId())));
        exchange.getMessage().setBody(Map.of("data", routes));
    }

    public void act(Exchange exchange) {
        String routeId = exchange.getIn().getHeader("routeId", String.class);
        String action = exchange.getIn().getHeader("action", String.class);
        if (!ACTIONS.contains(action)) {
            throw AdminRequest.invalid("action", "must be one of " + String.join(", ", ACTIONS) + ", got " + AdminRequest.shown(action));
        }
        AdminRequest body = AdminRequest.body(exchange, json, Set.of("reason"));
        if (routeId == null || !routeId.matches("^[A-Za-z0-9._:-]{1,128}$") || camel.getRoute(routeId) == null) {
            throw GatewayException.notFound("unknown_route", "no route with id " + AdminRequest.shown(routeId));
        }
        if ((action.equals("stop") || action.equals("suspend")) && routeId.startsWith(PROTECTED_PREFIX)) {
            throw new GatewayException(409, "protected_route", "route '" + routeId + "' is part of the admin API; "
                    + action + "ping it would take away the way to start it again");
        }
        Map<String, Object> before = describe(routeId);
        RouteController control = camel.getRouteController();
        try {
            switch (action) {
                case "start" -> control.startRoute(routeId);
                case "stop" -> control.stopRoute(routeId, properties.routeStopTimeout().toMillis(), TimeUnit.MILLISECONDS);
                case "suspend" -> control.suspendRoute(routeId);
                default -> control.resumeRoute(routeId);
            }
        } catch (Exception e) {
            throw new GatewayException(409, "route_action_failed", "could not " + action + " route '" + routeId + "': "
                    + e.getMessage(), e);
        }
        Map<String, Object> after = describe(routeId);
        Caller admin = exchange.getProperty(ExchangeKeys.CALLER, Caller.class);
        audit.record(admin.userId(), null, "route." + action, "route:" + routeId, Map.of("status", before.get("status")),
                Map.of("status", after.get("status")), body.text("reason").orElse(null));
        exchange.getMessage().setBody(Map.of("before", before, "after", after));
    }

    private Map<String, Object> describe(String routeId) {
        Route route = camel.getRoute(routeId);
        ServiceStatus status = camel.getRouteController().getRouteStatus(routeId);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", routeId);
        m.put("status", status == null ? "Unknown" : status.name());
        m.put("uptime_ms", route == null ? 0 : route.getUptimeMillis());
        m.put("inflight", camel.getInflightRepository().size(routeId));
        m.put("exchanges_total", count("camel.exchanges.total", routeId));
        m.put("exchanges_failed", count("camel.exchanges.failed", routeId));
        m.put("source", route == null ? null : route.getSourceLocationShort());
        m.put("protected", routeId.startsWith(PROTECTED_PREFIX));
        return m;
    }

    /** From Camel's per-route metrics; null when the route has none (excluded: plane-socket, plane-frame). */
    private Long count(String name, String routeId) {
        Counter c = meters.find(name).tag("routeId", routeId).counter();
        return c == null ? null : (long) c.count();
    }
}
