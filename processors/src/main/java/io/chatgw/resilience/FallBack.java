package io.chatgw.resilience;

import io.chatgw.core.ExchangeKeys;
import io.chatgw.core.ExecutionMode;
import io.chatgw.core.GatewayException;
import io.chatgw.core.PathUnavailable;
import io.chatgw.openai.PathParameters;
import io.chatgw.turn.Turn;
import io.chatgw.turn.Turns;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * A path's breaker onFallback (routes/paths.yaml): the path failed before its first event, or its breaker is
 * open. If the path has a fallback target ({@link FallbackTargets}) and the turn has not fallen back already,
 * the client gets a {@code fallback} event and {@code path} is set to the target (the route then starts it);
 * otherwise the failure ends the turn: the path's own error, or for an open breaker {@code llm_unavailable}
 * (direct_llm) / {@code path_unavailable}. One fallback per turn at most, and none to a path that cannot honour the
 * turn's OpenAI parameters ({@link PathParameters}).
 */
@Component("fallBack")
public class FallBack implements Processor {

    private final FallbackTargets targets;
    private final Turns turns;
    private final PathParameters parameters;

    public FallBack(FallbackTargets targets, Turns turns, PathParameters parameters) {
        this.targets = targets;
        this.turns = turns;
        this.parameters = parameters;
    }

    @Override
    public void process(Exchange exchange) {
        Turn turn = exchange.getProperty(ExchangeKeys.TURN, Turn.class);
        ExecutionMode failed = ExecutionMode.parse(exchange.getProperty(ExchangeKeys.PATH, String.class)).orElseThrow();
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        // no exception: the protected call never ran, the breaker refused it
        RuntimeException failure = cause == null ? breakerOpen(failed) : failureOf(cause);
        boolean fellBackAlready = turn.hasFallenBack() || failed != turn.decision().mode();
        // only "could not serve" falls back: any other failure is the path's answer (or a bug), and ends the turn
        boolean unavailable = cause == null || failure instanceof PathUnavailable;
        // a target that cannot honour the turn's parameters (gateway.openai.unsupported-parameters) is not taken
        Optional<ExecutionMode> target = fellBackAlready || !unavailable ? Optional.empty() : targets.of(failed)
                .filter(t -> parameters.refusedOn(t, turn.llmParameters(), turn.continuation()).isEmpty());
        if (target.isEmpty()) {
            // the breaker marked the failure handled before calling us: un-handle it, so run-path's doTry sees it
            // (an unexpected one is logged there with its stack trace)
            exchange.removeProperty(ExchangePropertyKey.EXCEPTION_HANDLED);
            throw failure;
        }
        String reason = failure instanceof PathUnavailable u ? u.reason() : PathUnavailable.BREAKER_OPEN;
        turns.fallBack(turn, failed, target.get(), reason);
        exchange.setProperty(ExchangeKeys.PATH, target.get().wire());
    }

    private static PathUnavailable breakerOpen(ExecutionMode path) {
        return new PathUnavailable(path == ExecutionMode.DIRECT_LLM ? "llm_unavailable" : "path_unavailable",
                PathUnavailable.BREAKER_OPEN, "the " + path + " path's circuit breaker is open");
    }

    private static RuntimeException failureOf(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof GatewayException g) {
                return g;
            }
        }
        return cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
    }
}
