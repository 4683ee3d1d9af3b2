package io.chatgw.plane.methods;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/** A method is served if a route {@code vm-method-<method>} exists (add a method by adding such a route). */
@Component("checkPlaneMethod")
public class CheckPlaneMethod implements Processor {

    @Override
    public void process(Exchange exchange) {
        String method = exchange.getIn().getHeader(ReadPlaneRequest.METHOD, String.class);
        if (!method.matches("[a-z][a-z0-9_]{0,63}") || exchange.getContext().getRoute("vm-method-" + method) == null) {
            throw new PlaneMethodException("unknown_method", "no method '" + io.chatgw.events.Audit.clip(method, 64) + "'");
        }
    }
}
