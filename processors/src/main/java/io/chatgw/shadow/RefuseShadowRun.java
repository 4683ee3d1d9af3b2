package io.chatgw.shadow;

import io.chatgw.core.ExchangeKeys;
import io.chatgw.turn.Turn;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/** The shadow pool refused an admitted shadow (its queue is full): skipped ({@code pool_full}), its place given back. */
@Component("refuseShadowRun")
public class RefuseShadowRun implements Processor {

    private final ShadowAdmission admission;

    public RefuseShadowRun(ShadowAdmission admission) {
        this.admission = admission;
    }

    @Override
    public void process(Exchange exchange) {
        Turn turn = exchange.getProperty(ExchangeKeys.TURN, Turn.class);
        admission.refused(exchange.getProperty(AdmitShadowRun.SLOT, ShadowSlot.class),
                exchange.getProperty(SampleShadow.PLAN, ShadowPlan.class), turn.caller().orgId());
    }
}
