package io.chatgw.plane.launch;

import io.chatgw.plane.link.PlaneLink;
import io.chatgw.plane.socket.PlaneConnection;
import io.vertx.core.net.SocketAddress;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * After hello: the plane's user_vm_instances row says running. A launched plane's row (its mode, disk and address)
 * was written by its launcher; a plane that dialed in by itself gets one with the address it connected from.
 */
@Component("markPlaneRunning")
public class MarkPlaneRunning implements Processor {

    private final PlaneInstances instances;

    public MarkPlaneRunning(PlaneInstances instances) {
        this.instances = instances;
    }

    @Override
    public void process(Exchange exchange) {
        PlaneLink link = exchange.getProperty(PlaneConnection.LINK, PlaneLink.class);
        PlaneConnection connection = exchange.getProperty(PlaneConnection.CONNECTION, PlaneConnection.class);
        SocketAddress remote = connection == null ? null : connection.socket().remoteAddress();
        instances.running(link.userId(), link.orgId(), link.vmId(), remote == null ? null : remote.hostAddress());
    }
}
