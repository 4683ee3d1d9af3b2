package io.chatgw.shadow;

import io.chatgw.core.ExchangeKeys;
import io.chatgw.routing.RoutePolicies;
import io.chatgw.turn.Turn;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * Decides, before the turn's path starts, whether it is a shadow sample (the policy's percentage and target for the
 * session's agent, else the org, else global: {@link ShadowSampling}). A sampled turn keeps its run events for the
 * comparison and gets a {@link ShadowPlan} in exchange property {@value #PLAN}; nothing else changes for it.
 */
@Component("sampleShadow")
public class SampleShadow implements Processor {

    public static final String PLAN = "shadowPlan";

    private final RoutePolicies policies;
    private final ShadowProperties config;

    public SampleShadow(RoutePolicies policies, ShadowProperties config) {
        this.policies = policies;
        this.config = config;
    }

    @Override
    public void process(Exchange exchange) {
        Turn turn = exchange.getProperty(ExchangeKeys.TURN, Turn.class);
        if (!config.enabled() || turn == null) {
            return;
        }
        ShadowSampling.sample(turn.requestId(), turn.decision().mode(),
                        policies.snapshot().shadowFor(turn.caller().orgId(), turn.session().agentId()), config.noiseShare())
                .ifPresent(plan -> {
                    turn.traceEvents();
                    exchange.setProperty(PLAN, plan);
                });
    }
}
