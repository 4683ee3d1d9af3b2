package io.chatgw.resilience;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.auth.Caller;
import io.chatgw.core.ExchangeKeys;
import io.chatgw.core.ExecutionMode;
import io.chatgw.core.GatewayException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.chatgw.events.Audit;
import io.chatgw.events.EventRecorder;
import org.springframework.stereotype.Component;

/**
 * {@code POST /api/v1/admin/breakers/{path}} with {@code {"action": "force_open" | "force_closed" | "reset",
 * "reason": "..."}}: forces a path's breaker open (every call falls back at once) or closed (every call goes
 * through, nothing counted), or resets it (closed, window emptied: back to normal). On this gateway instance;
 * each change is an audit event (before, after, reason; routes/events.yaml) and a log line. Bad bodies are 400 naming what is wrong.
 */
@Component("controlBreaker")
public class ControlBreaker implements Processor {

    private static final Logger log = LoggerFactory.getLogger(ControlBreaker.class);
    private static final Set<String> KEYS = Set.of("action", "reason");
    private static final Set<String> ACTIONS = Set.of("force_open", "force_closed", "reset");
    private static final int MAX_REASON = 500;

    private final PathBreakers breakers;
    private final EventRecorder events;
    private final ObjectMapper json;

    public ControlBreaker(PathBreakers breakers, EventRecorder events, ObjectMapper json) {
        this.breakers = breakers;
        this.events = events;
        this.json = json;
    }

    @Override
    public void process(Exchange exchange) {
        Caller admin = exchange.getProperty(ExchangeKeys.CALLER, Caller.class);
        ExecutionMode path = BreakerViews.pathOf(exchange.getIn().getHeader(DescribeBreakers.PATH_HEADER, String.class));
        JsonNode body = parse(exchange.getIn().getBody(byte[].class));
        String action = body.path("action").asText();
        String reason = body.hasNonNull("reason") ? body.get("reason").asText() : null;
        CircuitBreaker breaker = breakers.of(path);
        String before = BreakerViews.stateName(breaker.getState());
        switch (action) {
            case "force_open" -> breaker.transitionToForcedOpenState();
            case "force_closed" -> breaker.transitionToDisabledState();
            default -> breaker.reset();
        }
        String after = BreakerViews.stateName(breaker.getState());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("path", path.wire());
        details.put("before", before);
        details.put("after", after);
        details.put("reason", reason);
        events.record(Audit.of(admin.userId(), admin.orgId(), "breaker." + action, path.wire(), details));
        log.info("breaker of path {} {} by {}: {} -> {}", path, action, admin.userId(), before, after);
        exchange.getMessage().setBody(BreakerViews.of(path, breaker));
    }

    private JsonNode parse(byte[] bytes) {
        JsonNode body = bytes == null || bytes.length == 0 ? null : io.chatgw.core.StrictJson.readObject(json, bytes);
        if (body == null) {
            throw GatewayException.badRequest("invalid_request", "expected a JSON object {\"action\": \"force_open\" | \"force_closed\" | \"reset\"}");
        }
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!KEYS.contains(name)) {
                unknown.add(BreakerViews.abbreviate(name));
            }
        }
        if (!unknown.isEmpty()) {
            throw GatewayException.badRequest("invalid_request", "unknown keys: " + String.join(", ", unknown)
                    + " (allowed: action, reason)");
        }
        if (!body.path("action").isTextual() || !ACTIONS.contains(body.get("action").asText())) {
            throw GatewayException.badRequest("invalid_request", "'action' must be force_open, force_closed or reset");
        }
        JsonNode reason = body.get("reason");
        if (reason != null && !reason.isNull() && (!reason.isTextual() || reason.asText().length() > MAX_REASON
                || reason.asText().indexOf('\0') >= 0)) {
            throw GatewayException.badRequest("invalid_request", "'reason' must be text of at most " + MAX_REASON + " characters");
        }
        return body;
    }
}
