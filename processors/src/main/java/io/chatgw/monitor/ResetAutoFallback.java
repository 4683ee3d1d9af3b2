package io.chatgw.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.auth.Caller;
import io.chatgw.core.ExchangeKeys;
import io.chatgw.core.ExecutionMode;
import io.chatgw.core.GatewayException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * {@code POST /api/v1/runtime/fallback/reset}: no body or {@code {}} ends the global trips, {@code {"org_id": ...}}
 * that org's; {@code "path"} narrows it to one path. Audited as the admin's; every instance sees it within 1 s.
 */
@Component("resetAutoFallback")
public class ResetAutoFallback implements Processor {

    private static final Set<String> FIELDS = Set.of("org_id", "path");

    private final RuntimeMonitor monitor;
    private final MonitorReports reports;
    private final ObjectMapper json;

    private final io.chatgw.admin.AdminScope adminScope;

    public ResetAutoFallback(RuntimeMonitor monitor, MonitorReports reports, ObjectMapper json, io.chatgw.admin.AdminScope adminScope) {
        this.adminScope = adminScope;
        this.monitor = monitor;
        this.reports = reports;
        this.json = json;
    }

    @Override
    public void process(Exchange exchange) {
        Caller admin = exchange.getProperty(ExchangeKeys.CALLER, Caller.class);
        JsonNode body = readObject(exchange.getIn().getBody(byte[].class),
                exchange.getIn().getHeader(ExchangeKeys.HTTP_CONTENT_TYPE, String.class));
        String orgId = optionalText(body, "org_id");
        Optional<ExecutionMode> path = Optional.ofNullable(optionalText(body, "path")).map(ResetAutoFallback::path);
        if (orgId != null) { // an org admin resets its own org's trips only; the global ones are the platform's
            adminScope.requireOrg(exchange, orgId);
            reports.requireKnownOrg(orgId);
        } else {
            adminScope.requirePlatform(exchange);
        }
        List<Map<String, Object>> ended = new ArrayList<>();
        monitor.reset(orgId, path, admin.userId(), admin.orgId())
                .forEach(t -> ended.add(t.toJson(false, monitor.fallbackTarget(t.path()))));
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("scope", orgId == null ? Trip.GLOBAL : Trip.ORG);
        reply.put("org_id", orgId);
        reply.put("path", path.map(ExecutionMode::wire).orElse(null));
        reply.put("ended", ended);
        exchange.getMessage().setBody(reply);
    }

    private JsonNode readObject(byte[] body, String contentType) {
        if (body == null || body.length == 0) {
            return json.createObjectNode();
        }
        if (contentType == null || !contentType.toLowerCase().trim().startsWith("application/json")) {
            throw new GatewayException(415, "unsupported_media_type", "Content-Type must be application/json");
        }
        JsonNode node = io.chatgw.core.StrictJson.readObject(json, body);
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                unknown.add((name.length() > 64 ? name.substring(0, 64) + "..." : name).replaceAll("[^\\x20-\\x7e]", "?"));
            }
        }
        if (!unknown.isEmpty()) {
            throw GatewayException.badRequest("unknown_field",
                    "unknown field(s) " + unknown + "; allowed: org_id, path");
        }
        return node;
    }

    private static String optionalText(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw GatewayException.badRequest("invalid_" + field, "field '" + field + "' must be a non-empty string");
        }
        return value.asText();
    }

    private static ExecutionMode path(String wire) {
        for (ExecutionMode mode : ExecutionMode.values()) {
            if (mode.wire().equals(wire)) {
                return mode;
            }
        }
        throw GatewayException.badRequest("invalid_path", "field 'path' must be one of legacy, new, direct_llm");
    }
}
