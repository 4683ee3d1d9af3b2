package io.chatgw.shadow;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/** An admitted shadow is over (compared, or given up, whichever way): its place is free for the next, once. */
@Component("releaseShadowRun")
public class ReleaseShadowRun implements Processor {

    private final ShadowAdmission admission;

    public ReleaseShadowRun(ShadowAdmission admission) {
        this.admission = admission;
    }

    @Override
    public void process(Exchange exchange) {
        admission.release(exchange.getProperty(AdmitShadowRun.SLOT, ShadowSlot.class));
    }
}
