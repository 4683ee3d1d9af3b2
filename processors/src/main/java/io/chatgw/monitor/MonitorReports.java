package io.chatgw.monitor;

import io.chatgw.auth.CallerDirectory;
import io.chatgw.core.ExecutionMode;
import io.chatgw.core.GatewayException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/** The JSON the runtime endpoints answer with (docs/resilience.md, "Endpoints"), read from the monitor's memory. */
@Component
public class MonitorReports {

    private static final WindowFigures EMPTY = new WindowFigures(0, 0, 0, 0, 0, -1,
            WindowFigures.Percentiles.NONE, WindowFigures.Percentiles.NONE);

    private final RuntimeMonitor monitor;
    private final FallbackStore store;

    public MonitorReports(RuntimeMonitor monitor, FallbackStore store) {
        this.monitor = monitor;
        this.store = store;
    }

    /** This instance's windows per path, of every org ({@code orgId == null}) or of one known org (else 404). */
    public Map<String, Object> metrics(String orgId) {
        if (orgId != null) {
            requireKnownOrg(orgId);
        }
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("instance", monitor.instanceId());
        reply.put("window_seconds", monitor.window().toSeconds());
        if (orgId != null) {
            reply.put("org_id", orgId);
        }
        Map<String, Object> paths = new LinkedHashMap<>();
        for (ExecutionMode path : ExecutionMode.values()) {
            paths.put(path.wire(), monitor.figures(orgId, path).orElse(EMPTY).toJson());
        }
        reply.put("paths", paths);
        return reply;
    }

    /** The automatic fallbacks in force: every path globally (active or not), and each org trip. */
    public Map<String, Object> status() {
        Map<String, Object> global = new LinkedHashMap<>();
        for (ExecutionMode path : ExecutionMode.values()) {
            global.put(path.wire(), Map.of("path", path.wire(), "active", false));
        }
        List<Map<String, Object>> orgs = new ArrayList<>();
        for (Map.Entry<Trip, Boolean> entry : monitor.trips()) {
            Trip trip = entry.getKey();
            Map<String, Object> json = trip.toJson(entry.getValue(), monitor.fallbackTarget(trip.path()));
            if (trip.key().isGlobal()) {
                global.put(trip.path().wire(), json);
            } else {
                orgs.add(json);
            }
        }
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("instance", monitor.instanceId());
        reply.put("version", monitor.loadedVersion());
        reply.put("global", global);
        reply.put("orgs", orgs);
        return reply;
    }

    void requireKnownOrg(String orgId) {
        if (!CallerDirectory.ID.matcher(orgId).matches() || !store.orgExists(orgId)) {
            throw GatewayException.notFound("org_not_found", "no such org: " + printable(orgId));
        }
    }

    private static String printable(String value) {
        String cut = value.length() > 128 ? value.substring(0, 128) + "..." : value;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
