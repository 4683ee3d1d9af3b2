package io.chatgw.plane.methods;

import io.chatgw.plane.link.PlaneLink;
import io.chatgw.plane.socket.PlaneConnection;
import io.chatgw.plane.socket.PlaneFrameException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

/**
 * request: served off the plane's frame sequence (a slow MCP call holds nothing up) by {@code direct:plane-request},
 * on a copy of the exchange, in the plane's fair share of the request threads ({@link FairPlaneRequests}). A plane
 * whose queue is full gets an {@code error} frame {@code too_many_requests} for the request (not executed, no
 * {@code response} follows; not a bad frame).
 */
@Component("queuePlaneRequest")
public class QueuePlaneRequest implements Processor {

    private final FairPlaneRequests requests;
    private final ProducerTemplate routes;

    public QueuePlaneRequest(FairPlaneRequests requests, ProducerTemplate routes) {
        this.requests = requests;
        this.routes = routes;
    }

    @Override
    public void process(Exchange exchange) {
        PlaneLink link = exchange.getProperty(PlaneConnection.LINK, PlaneLink.class);
        Exchange request = exchange.copy();
        if (!requests.offer(link.vmId(), () -> routes.send("direct:plane-request", request))) {
            String id = exchange.getIn().getHeader(ReadPlaneRequest.REQUEST_ID, String.class);
            link.openRequests().answered(id); // never served: the id may be used again
            throw new PlaneFrameException("too_many_requests", "this plane already has its maximum of requests waiting"
                    + " (gateway.plane.max-queued-requests); the request was not executed, send it again later", false);
        }
    }
}
