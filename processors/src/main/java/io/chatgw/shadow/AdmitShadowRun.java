package io.chatgw.shadow;

import io.chatgw.core.ExchangeKeys;
import io.chatgw.turn.Turn;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * Admits a sampled turn's shadow ({@link ShadowAdmission}: the shadow-run route running, concurrency, cost cap) on
 * the caller's thread, without waiting: exchange property {@value #SLOT} holds its place (copied to the shadow's
 * exchange), or the sample is skipped and counted.
 */
@Component("admitShadowRun")
public class AdmitShadowRun implements Processor {

    public static final String SLOT = "shadowSlot";

    private final ShadowAdmission admission;

    public AdmitShadowRun(ShadowAdmission admission) {
        this.admission = admission;
    }

    @Override
    public void process(Exchange exchange) {
        ShadowPlan plan = exchange.getProperty(SampleShadow.PLAN, ShadowPlan.class);
        Turn turn = exchange.getProperty(ExchangeKeys.TURN, Turn.class);
        ShadowSlot slot = admission.admit(plan, turn.caller().orgId());
        if (slot != null) {
            exchange.setProperty(SLOT, slot);
        }
    }
}
