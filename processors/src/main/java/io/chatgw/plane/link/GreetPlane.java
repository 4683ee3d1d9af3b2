package io.chatgw.plane.link;

import io.chatgw.plane.socket.PlaneConnection;
import io.chatgw.plane.socket.PlaneFrameException;
import io.chatgw.plane.socket.ReadPlaneFrame;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * hello: the plane is welcomed, gets what was held for it, and its running turns resume. A hello without the
 * token's {@code vm_id} (missing, not a string, another one) closes the connection 1008 with the reason; a second
 * hello on one connection is an {@code error} frame ({@code duplicate_hello}), not a second welcome.
 */
@Component("greetPlane")
public class GreetPlane implements Processor {

    private final PlaneGreeting greeting;

    public GreetPlane(PlaneGreeting greeting) {
        this.greeting = greeting;
    }

    @Override
    public void process(Exchange exchange) {
        PlaneLink link = exchange.getProperty(PlaneConnection.LINK, PlaneLink.class);
        JsonNode hello = exchange.getProperty(ReadPlaneFrame.FRAME, JsonNode.class);
        PlaneConnection connection = exchange.getProperty(PlaneConnection.CONNECTION, PlaneConnection.class);
        JsonNode vmId = hello.get("vm_id");
        if (vmId == null || !vmId.isTextual() || !vmId.asText().equals(link.vmId())) {
            // the plane is not who its token says: nothing more from this connection is read
            connection.socket().close((short) 1008, vmId == null || !vmId.isTextual()
                    ? "hello must carry the token's vm_id" : "hello.vm_id is not the token's vm_id");
            exchange.setRouteStop(true);
            return;
        }
        if (link.isGreeted() && link.isCurrent(connection)) {
            throw new PlaneFrameException("duplicate_hello", "this connection already said hello");
        }
        JsonNode resume = hello.get("resume");
        if (resume != null && !resume.isNull() && !resume.isObject()) {
            throw new PlaneFrameException("invalid_frame", "'resume' must be an object");
        }
        greeting.greet(link, connection, hello);
        exchange.getIn().setHeader("vmId", link.vmId());
        exchange.getIn().setHeader("userId", link.userId());
    }
}
