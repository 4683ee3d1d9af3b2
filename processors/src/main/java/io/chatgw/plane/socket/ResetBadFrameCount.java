package io.chatgw.plane.socket;

import io.chatgw.plane.link.PlaneLink;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/** A frame was accepted: the plane's count of bad frames in a row starts over. */
@Component("resetBadFrameCount")
public class ResetBadFrameCount implements Processor {

    @Override
    public void process(Exchange exchange) {
        PlaneLink link = exchange.getProperty(PlaneConnection.LINK, PlaneLink.class);
        link.limits().goodFrame();
    }
}
