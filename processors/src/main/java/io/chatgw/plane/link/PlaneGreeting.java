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
    private final LatestSnapshots snapshots;

    public PlaneGreeting(Vertx vertx, PlaneRegistry registry, PlaneSender sender, PlaneTokenRefresh tokenRefresh,
                         PlaneProperties config, MeterRegistry meters, LatestSnapshots snapshots) {
        this.vertx = vertx;
        this.snapshots = snapshots;
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
        PlaneLink.Greeting greeting = link.greet(connection, lastDownlink, snapshots.of(link.userId(), link.awaySessions()), (sessions, redelivering) -> {
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
        // a turn waited for silently (no event yet, its fallback stays possible) just starts now; the others are told
        greeting.resumed().stream().filter(PlaneTurn::toldClientAway).forEach(t -> t.publishStatus("resumed"));
        registry.greeted(link);
        log.info("plane {} of user {} said hello (resumed {} turn(s), redelivered {} frame(s))",
                link.vmId(), link.userId(), greeting.resumed().size(), greeting.redelivered());
    }
}
