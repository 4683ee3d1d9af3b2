package io.chatgw.plane.launch;

import io.chatgw.plane.socket.PlaneConnection;
import io.chatgw.plane.link.PlaneLink;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/** After hello: the plane's user_vm_instances row says running (created for planes that dialed in themselves). */
@Component("markPlaneRunning")
public class MarkPlaneRunning implements Processor {

    private final PlaneInstances instances;

    public MarkPlaneRunning(PlaneInstances instances) {
        this.instances = instances;
    }

    @Override
    public void process(Exchange exchange) {
        PlaneLink link = exchange.getProperty(PlaneConnection.LINK, PlaneLink.class);
        instances.live(link.userId(), link.orgId(), link.vmId(), "local", "running");
    }
}
