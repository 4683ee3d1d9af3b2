package io.chatgw.plane.socket;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/** A frame type this gateway does not know. */
@Component("rejectUnknownFrameType")
public class RejectUnknownFrameType implements Processor {

    @Override
    public void process(Exchange exchange) {
        throw new PlaneFrameException("unknown_type", "unknown frame type '"
                + io.chatgw.events.Audit.clip(exchange.getIn().getHeader(ReadPlaneFrame.TYPE, String.class), 64) + "'");
    }
}
