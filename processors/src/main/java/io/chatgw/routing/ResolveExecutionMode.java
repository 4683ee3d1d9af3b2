package io.chatgw.routing;

import io.chatgw.auth.Caller;
import io.chatgw.core.ExchangeKeys;
import io.chatgw.core.ExecutionMode;
import io.chatgw.session.ChatSession;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * Puts the routing decision on the exchange ({@code modeDecision}), made once per request from
 * {@link RoutePolicies} (the runtime monitor's automatic fallback included; a path the request asks for,
 * {@code requestedPath}, in its place in the precedence); openTurn hands it to the turn,
 * which owns it, and everything downstream only reads it.
 */
@Component("resolveExecutionMode")
public class ResolveExecutionMode implements Processor {

    private final RoutePolicies policies;

    public ResolveExecutionMode(RoutePolicies policies) {
        this.policies = policies;
    }

    @Override
    public void process(Exchange exchange) {
        Caller caller = exchange.getProperty(ExchangeKeys.CALLER, Caller.class);
        ChatSession session = exchange.getProperty(ExchangeKeys.SESSION, ChatSession.class);
        ExecutionMode requested = exchange.getProperty(ExchangeKeys.REQUESTED_PATH, ExecutionMode.class);
        ModeDecision decision = policies.decide(caller.userId(), caller.orgId(), session.agentId(), requested);
        exchange.setProperty(ExchangeKeys.DECISION, decision);
    }
}
