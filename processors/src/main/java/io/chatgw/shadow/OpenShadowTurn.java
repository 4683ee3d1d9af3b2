package io.chatgw.shadow;

import io.chatgw.core.ExchangeKeys;
import io.chatgw.turn.Turn;
import io.chatgw.turn.Turns;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * On the shadow pool: opens the shadow turn ({@link Turns#openShadow}) and makes it the exchange's turn, so the
 * target path's processor runs it like any turn; the primary stays in exchange property {@value #PRIMARY}.
 */
@Component("openShadowTurn")
public class OpenShadowTurn implements Processor {

    public static final String PRIMARY = "shadowPrimary";

    private final Turns turns;

    public OpenShadowTurn(Turns turns) {
        this.turns = turns;
    }

    @Override
    public void process(Exchange exchange) {
        ShadowPlan plan = exchange.getProperty(SampleShadow.PLAN, ShadowPlan.class);
        Turn primary = exchange.getProperty(ExchangeKeys.TURN, Turn.class);
        Turn shadow = turns.openShadow(primary, plan.target(), plan.requestId(), plan.sessionId());
        ShadowSlot slot = exchange.getProperty(AdmitShadowRun.SLOT, ShadowSlot.class);
        if (slot != null) {
            slot.opened(shadow); // a stop of the shadow-run route can cancel it
        }
        exchange.setProperty(PRIMARY, primary);
        exchange.setProperty(ExchangeKeys.TURN, shadow);
        exchange.setProperty(ExchangeKeys.PATH, plan.target().wire());
    }
}
