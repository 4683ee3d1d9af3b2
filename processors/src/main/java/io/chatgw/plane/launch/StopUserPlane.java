package io.chatgw.plane.launch;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.admin.AdminRequest;
import io.chatgw.auth.Caller;
import io.chatgw.auth.CallerDirectory;
import io.chatgw.core.ExchangeKeys;
import io.chatgw.core.GatewayException;
import io.chatgw.events.Audit;
import io.chatgw.events.EventRecorder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * {@code POST /api/v1/admin/users/{userId}/plane/stop} with an optional {@code {"reason": "..."}}: the user's plane on
 * this gateway instance is stopped and removed, its data (the volume) kept; turns it was running end with
 * {@code error vm_unavailable} saying so. The user's next message starts a fresh plane on the same data. Audited
 * ({@code plane.stop_requested} with the admin and the reason, then the row's {@code plane.terminated}). 404
 * {@code no_plane} if the user has no live plane here.
 */
@Component("stopUserPlane")
public class StopUserPlane implements Processor {

    private static final int MAX_REASON = 200;

    private final IdlePlanes planes;
    private final EventRecorder events;
    private final ObjectMapper json;

    public StopUserPlane(IdlePlanes planes, EventRecorder events, ObjectMapper json) {
        this.planes = planes;
        this.events = events;
        this.json = json;
    }

    @Override
    public void process(Exchange exchange) {
        Caller admin = exchange.getProperty(ExchangeKeys.CALLER, Caller.class);
        String userId = exchange.getIn().getHeader("userId", String.class);
        if (userId == null || !CallerDirectory.ID.matcher(userId).matches()) {
            throw AdminRequest.invalid("userId", "must match " + CallerDirectory.ID.pattern());
        }
        AdminRequest request = AdminRequest.body(exchange, json, Set.of("reason"));
        String reason = request.text("reason").orElse("no reason given");
        if (reason.length() > MAX_REASON) {
            throw AdminRequest.invalid("reason", "must be at most " + MAX_REASON + " characters");
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("user_id", userId);
        details.put("reason", reason);
        if (!planes.stopOf(userId, "admin " + admin.userId() + ": " + reason)) {
            throw GatewayException.notFound("no_plane", "user '" + userId + "' has no live execution plane on this gateway");
        }
        events.record(Audit.of(admin.userId(), admin.orgId(), "plane.stop_requested", userId, details));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user_id", userId);
        body.put("stopped", true);
        body.put("data_kept", true);
        exchange.getMessage().setBody(body);
    }
}
