package io.chatgw.plane.link;

import io.chatgw.plane.socket.PlaneConnection;
import io.chatgw.plane.PlaneProperties;
import io.chatgw.plane.turns.PlaneTurns;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import org.springframework.stereotype.Component;

/**
 * Liveness, once per {@code gateway.plane.heartbeat-interval}: a {@code ping} to every greeted plane, and a
 * plane that leaves {@code missed-pongs} of them unanswered (with nothing received meanwhile) is declared
 * dead. The same tick expires silent turns ({@link PlaneTurns}) and refreshes VM tokens ({@link PlaneTokenRefresh}).
 */
@Component
public class PlaneHeartbeat {

    private final PlaneRegistry registry;
    private final PlaneTurns turns;
    private final PlaneTokenRefresh tokenRefresh;
    private final PlaneProperties config;
    private final Counter missedHeartbeats;
    /** How often the turns' first-event and idle timeouts are checked: they fire at most this late. */
    static final long TURN_CHECK_MS = 250;

    private final PlaneSender sender;

    public PlaneHeartbeat(Vertx vertx, PlaneRegistry registry, PlaneTurns turns, PlaneTokenRefresh tokenRefresh,
                          PlaneProperties config, MeterRegistry meters, PlaneSender sender) {
        this.sender = sender;
        this.registry = registry;
        this.turns = turns;
        this.tokenRefresh = tokenRefresh;
        this.config = config;
        this.missedHeartbeats = Counter.builder("gateway.plane.heartbeats.missed").description("pings left unanswered")
                .register(meters);
        vertx.setPeriodic(config.heartbeatInterval().toMillis(), id -> beat());
        // turn timeouts on their own short tick, so they fire within TURN_CHECK_MS of their setting
        vertx.setPeriodic(TURN_CHECK_MS, id -> turns.expireSilentTurns(registry.links()));
    }

    /** A frame arrived from the plane (before it waits in the queue): it is alive. */
    public void heard(PlaneLink link, PlaneConnection connection) {
        link.heard(connection);
    }

    private void beat() {
        String ping = sender.write(java.util.Map.of("type", "ping", "ts", System.currentTimeMillis()));
        for (PlaneLink link : registry.links()) {
            PlaneLink.Beat beat = link.beat(config.missedPongs(), ping);
            if (beat == PlaneLink.Beat.NOT_LIVE) {
                continue;
            }
            if (beat != PlaneLink.Beat.PINGED) {
                missedHeartbeats.increment();
            }
            if (beat == PlaneLink.Beat.TIMED_OUT) {
                registry.declareDead(link, "missed " + config.missedPongs() + " heartbeats");
            } else if (tokenRefresh.due(link)) {
                tokenRefresh.refresh(link);
            }
        }
    }
}
