package io.chatgw.plane;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/** hello: the plane is welcomed, gets what was held for it, and its running turns resume. */
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
        JsonNode vmId = hello.get("vm_id");
        if (vmId != null && vmId.isTextual() && !vmId.asText().equals(link.vmId())) {
            throw new PlaneFrameException("invalid_frame", "hello.vm_id differs from the token's vm_id");
        }
        JsonNode resume = hello.get("resume");
        if (resume != null && !resume.isNull() && !resume.isObject()) {
            throw new PlaneFrameException("invalid_frame", "'resume' must be an object");
        }
        greeting.greet(link, exchange.getProperty(PlaneConnection.CONNECTION, PlaneConnection.class), hello);
        exchange.getIn().setHeader("vmId", link.vmId());
        exchange.getIn().setHeader("userId", link.userId());
    }
}
