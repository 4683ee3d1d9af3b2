package io.chatgw.openai;

import io.chatgw.core.ExchangeKeys;
import io.chatgw.routing.ModeDecision;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * A 400 {@code unsupported_parameter} naming the parameter and the path when the decided path cannot honour one the
 * request carries ({@link PathParameters}), before the turn opens: nothing is sent to the path, nothing recorded.
 */
@Component("refuseUnsupportedParameters")
public class RefuseUnsupportedParameters implements Processor {

    private final PathParameters parameters;

    public RefuseUnsupportedParameters(PathParameters parameters) {
        this.parameters = parameters;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) {
        ModeDecision decision = exchange.getProperty(ExchangeKeys.DECISION, ModeDecision.class);
        Map<String, Object> sent = exchange.getProperty(ExchangeKeys.LLM_PARAMETERS, Map.class);
        List<Map<String, Object>> continuation = exchange.getProperty(ExchangeKeys.CONTINUATION, List.class);
        parameters.refusedOn(decision.mode(), sent, continuation).ifPresent(name -> {
                    throw new InvalidParameter("unsupported_parameter", "'" + name + "' is not supported on the "
                            + decision.mode().wire() + " path (gateway.openai.unsupported-parameters."
                            + decision.mode().wire() + ")", name);
                });
    }
}
