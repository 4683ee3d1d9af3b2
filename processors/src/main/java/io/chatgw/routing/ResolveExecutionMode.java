package io.chatgw.routing;

import io.chatgw.auth.Caller;
import io.chatgw.config.GatewayProperties;
import io.chatgw.core.ExchangeKeys;
import io.chatgw.core.ExecutionMode;
import io.chatgw.session.ChatSession;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/** Puts the routing decision on the exchange ({@code modeDecision}); openTurn hands it to the turn, which owns it. */
@Component("resolveExecutionMode")
public class ResolveExecutionMode implements Processor {

    private final ExecutionMode configuredDefault;

    public ResolveExecutionMode(GatewayProperties properties) {
        this.configuredDefault = ExecutionMode.parse(properties.routing().defaultMode())
                .orElseThrow(() -> new IllegalArgumentException("gateway.routing.default-mode must be set"));
    }

    @Override
    public void process(Exchange exchange) {
        Caller caller = exchange.getProperty(ExchangeKeys.CALLER, Caller.class);
        ChatSession session = exchange.getProperty(ExchangeKeys.SESSION, ChatSession.class);
        ModeDecision decision = ModeResolution.resolve(caller.orgOverride(), caller.userMode(),
                session.agentDefault(), session.globalPolicy(), configuredDefault);
        exchange.setProperty(ExchangeKeys.DECISION, decision);
    }
}
