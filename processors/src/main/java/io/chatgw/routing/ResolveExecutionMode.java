package io.chatgw.routing;

import io.chatgw.auth.Caller;
import io.chatgw.config.GatewayProperties;
import io.chatgw.core.ExchangeKeys;
import io.chatgw.core.ExecutionMode;
import io.chatgw.session.ChatSession;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Puts the routing decision on the exchange ({@code modeDecision}); openTurn hands it to the turn, which owns it.
 * A path the runtime monitor tripped for the caller's org (or globally) is replaced by its fallback target
 * ({@link AutoFallbackState}, reason {@code auto_fallback}).
 */
@Component("resolveExecutionMode")
public class ResolveExecutionMode implements Processor {

    private final ExecutionMode configuredDefault;
    private final AutoFallbackState autoFallback;

    public ResolveExecutionMode(GatewayProperties properties, ObjectProvider<AutoFallbackState> autoFallback) {
        this.autoFallback = autoFallback.getIfAvailable(() -> AutoFallbackState.NONE);
        this.configuredDefault = ExecutionMode.parse(properties.routing().defaultMode())
                .orElseThrow(() -> new IllegalArgumentException("gateway.routing.default-mode must be set"));
    }

    @Override
    public void process(Exchange exchange) {
        Caller caller = exchange.getProperty(ExchangeKeys.CALLER, Caller.class);
        ChatSession session = exchange.getProperty(ExchangeKeys.SESSION, ChatSession.class);
        ModeDecision decision = ModeResolution.resolve(caller.orgOverride(), caller.userMode(),
                session.agentDefault(), session.globalPolicy(), configuredDefault);
        decision = autoFallback.activeFor(caller.orgId(), decision.mode()).map(ModeDecision::autoFallback).orElse(decision);
        exchange.setProperty(ExchangeKeys.DECISION, decision);
    }
}
