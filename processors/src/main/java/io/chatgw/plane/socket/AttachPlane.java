package io.chatgw.plane.socket;

import io.chatgw.plane.link.PlaneRegistry;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Admits a connection whose token was verified, if its vm_id is the token user's: {@link VmTokens#vmIdOf}
 * (what the launchers and {@code POST /api/v1/vm-tokens} hand out) or a vm_id that
 * {@code user_vm_instances} records for this user, and no other user's (the body: the user_ids of that
 * vm_id's rows). Then attaches it to the plane (replacing an older connection of the same vm_id).
 */
@Component("attachPlane")
public class AttachPlane implements Processor {

    private static final Logger log = LoggerFactory.getLogger(AttachPlane.class);

    private final PlaneRegistry registry;

    public AttachPlane(PlaneRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void process(Exchange exchange) {
        VmTokens.VmIdentity identity = exchange.getProperty(VerifyVmToken.IDENTITY, VmTokens.VmIdentity.class);
        PlaneConnection connection = exchange.getProperty(PlaneConnection.CONNECTION, PlaneConnection.class);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = exchange.getIn().getBody(List.class);
        boolean recorded = false;
        for (Map<String, Object> row : rows == null ? List.<Map<String, Object>>of() : rows) {
            if (!identity.userId().equals(row.get("user_id"))) {
                throw new PlaneConnectionRejected("vm_id belongs to another user");
            }
            recorded = true;
        }
        if (!recorded && !identity.vmId().equals(VmTokens.vmIdOf(identity.userId()))) {
            throw new PlaneConnectionRejected("vm_id belongs to another user");
        }
        if (connection.closed) {
            return; // gone while being admitted
        }
        if (registry.attach(identity, connection) == null) {
            throw new PlaneConnectionRejected("vm_id belongs to another user");
        }
        log.debug("plane {} of user {} connected", identity.vmId(), identity.userId());
    }
}
