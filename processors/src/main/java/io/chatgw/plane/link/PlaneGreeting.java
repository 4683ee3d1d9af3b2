package io.chatgw.plane.link;

import io.chatgw.plane.socket.PlaneConnection;
import io.chatgw.plane.PlaneProperties;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.chatgw.plane.turns.PlaneTurn;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * hello: the plane is welcomed (with a fresh VM token), gets the frames held for it while it was away,
 * and its running turns resume; whoever waits for the user's plane gets it.
 */
@Component
public class PlaneGreeting {

    private static final Logger log = LoggerFactory.getLogger(PlaneGreeting.class);

    private final Vertx vertx;
    private final PlaneRegistry registry;
    private final PlaneSender sender;
    private final PlaneTokenRefresh tokenRefresh;
    private final PlaneProperties config;
    private final Counter reconnects;
    private final org.springframework.jdbc.core.JdbcTemplate jdbc;
    private final com.fasterxml.jackson.databind.ObjectMapper json;

    public PlaneGreeting(Vertx vertx, PlaneRegistry registry, PlaneSender sender, PlaneTokenRefresh tokenRefresh,
                         PlaneProperties config, MeterRegistry meters, org.springframework.jdbc.core.JdbcTemplate jdbc,
                         com.fasterxml.jackson.databind.ObjectMapper json) {
        this.vertx = vertx;
        this.jdbc = jdbc;
        this.json = json;
        this.registry = registry;
        this.sender = sender;
        this.tokenRefresh = tokenRefresh;
        this.config = config;
        this.reconnects = Counter.builder("gateway.plane.reconnects").description("planes that came back after a disconnect")
                .register(meters);
    }

    /** hello: welcome the plane (with a fresh VM token), redeliver what was held for it, resume its turns. */
    void greet(PlaneLink link, PlaneConnection connection, JsonNode hello) {
        long lastDownlink = hello.path("resume").path("last_downlink_seq").asLong(0);
        String freshToken = tokenRefresh.issue(link);
        PlaneLink.Greeting greeting = link.greet(connection, lastDownlink, latestSnapshots(link), (sessions, redelivering) -> {
            Map<String, Object> welcome = new LinkedHashMap<>();
            welcome.put("type", "welcome");
            welcome.put("vm_id", link.vmId());
            welcome.put("heartbeat_interval_ms", config.heartbeatInterval().toMillis());
            welcome.put("max_frame_bytes", config.maxFrameBytes());
            welcome.put("sessions", sessions);
            welcome.put("redelivering", redelivering);
            welcome.put("token", freshToken);
            return sender.write(welcome);
        });
        if (greeting == null) {
            return; // a replaced connection's late hello
        }
        if (greeting.wasAway()) {
            vertx.cancelTimer(greeting.graceTimer());
            reconnects.increment();
        }
        // a turn with no event yet was waited for silently (its fallback stays possible): it just starts now
        greeting.resumed().stream().filter(PlaneTurn::hasEvents).forEach(t -> t.publishStatus("resumed"));
        registry.greeted(link);
        log.info("plane {} of user {} said hello (resumed {} turn(s), redelivered {} frame(s))",
                link.vmId(), link.userId(), greeting.resumed().size(), greeting.redelivered());
    }

    /**
     * The latest session_snapshots row of each session whose turn waits for this plane (a replacement after a crash:
     * if its data is gone, it restores the session from it). Without PostgreSQL the welcome goes without them.
     */
    private Map<String, Object> latestSnapshots(PlaneLink link) {
        Map<String, Object> snapshots = new LinkedHashMap<>();
        for (String sessionId : link.awaySessions()) {
            try {
                jdbc.query("""
                        SELECT checkpoint::text, short_term_memory::text, conversation_state::text FROM session_snapshots
                        WHERE session_id = ?::uuid AND user_id = ? ORDER BY created_at DESC LIMIT 1""", rs -> {
                    Map<String, Object> snapshot = new LinkedHashMap<>();
                    snapshot.put("checkpoint", tree(rs.getString(1)));
                    snapshot.put("short_term_memory", tree(rs.getString(2)));
                    snapshot.put("conversation_state", tree(rs.getString(3)));
                    snapshots.put(sessionId, snapshot);
                }, sessionId, link.userId());
            } catch (RuntimeException e) {
                log.warn("plane {}: no snapshot of session {} for its welcome: {}", link.vmId(), sessionId, e.getMessage());
            }
        }
        return snapshots;
    }

    private Object tree(String text) {
        try {
            return text == null ? null : json.readTree(text);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
