package io.chatgw.plane.socket;

import io.chatgw.events.Audit;
import io.chatgw.events.Event;
import io.chatgw.events.EventRecorder;
import io.chatgw.plane.PlaneProperties;
import io.chatgw.plane.link.PlaneLink;
import java.util.Map;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Audits a plane's rejected frames and unknown methods without one row each (a flood must not fill audit_log): one
 * {@code plane.frames_rejected} row per connection and {@code gateway.plane.rejection-audit-window}, with the count
 * by code. A window's row is written by the first rejection after it, by a sweep once a second, or when the
 * connection closes, whichever comes first; nothing counted is lost.
 */
@Component
public class PlaneRejectionAudit {

    static final String ACTION = "plane.frames_rejected";

    private final PlaneConnections connections;
    private final EventRecorder events;
    private final long windowNanos;

    public PlaneRejectionAudit(PlaneConnections connections, EventRecorder events, PlaneProperties config) {
        this.connections = connections;
        this.events = events;
        this.windowNanos = config.rejectionAuditWindow().toNanos();
    }

    /** Counts one rejection of the connection's; returns an ended window's audit event to record, or null. */
    public Event rejected(PlaneConnection connection, String code, String type, long arrivedNanos) {
        return event(connection.link(), connection.rejections.add(code, type, arrivedNanos, windowNanos));
    }

    /** The connection closed: its open window is written now. */
    public void closed(PlaneConnection connection) {
        record(event(connection.link(), connection.rejections.take()));
    }

    @Scheduled(fixedDelay = 1000)
    void writeEndedWindows() {
        long now = System.nanoTime();
        for (PlaneConnection connection : connections.all()) {
            record(event(connection.link(), connection.rejections.takeIfOver(now, windowNanos)));
        }
    }

    private void record(Event event) {
        if (event != null) {
            events.record(event);
        }
    }

    private static Event event(PlaneLink link, Map<String, Object> details) {
        if (details == null || link == null) {
            return null;
        }
        return Audit.of("vm:" + link.vmId(), link.orgId(), ACTION, link.userId(), details);
    }
}
