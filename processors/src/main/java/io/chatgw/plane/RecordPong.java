package io.chatgw.plane;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/** pong: the plane is alive. */
@Component("recordPong")
public class RecordPong implements Processor {

    private final PlaneRegistry registry;

    public RecordPong(PlaneRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void process(Exchange exchange) {
        registry.pong(exchange.getProperty(PlaneSocketServer.LINK, PlaneLink.class));
    }
}
