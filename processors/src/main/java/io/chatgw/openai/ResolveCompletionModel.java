package io.chatgw.openai;

import io.chatgw.core.ExchangeKeys;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * The completion's {@code model}: one of {@code gateway.openai.models} (the router picks the path), one of
 * {@code gateway.openai.model-aliases} (its path is asked of the router, {@code requestedPath}, and its upstream
 * model goes to the path's LLM as the {@code model} parameter), or anything when {@code accept-any-model}.
 * Any other name is a 404 {@code model_not_found}, as OpenAI answers it. No {@code model} at all is accepted.
 */
@Component("resolveCompletionModel")
public class ResolveCompletionModel implements Processor {

    private final OpenAiProperties config;

    public ResolveCompletionModel(OpenAiProperties config) {
        this.config = config;
    }

    @Override
    public void process(Exchange exchange) {
        CompletionRequest request = exchange.getProperty(OpenAiKeys.COMPLETION_REQUEST, CompletionRequest.class);
        String model = request.model();
        if (!config.knowsModel(model)) {
            throw modelNotFound(model);
        }
        OpenAiProperties.ModelAlias alias = model == null ? null : config.modelAliases().get(model);
        if (alias == null) {
            return;
        }
        if (alias.path() != null) {
            exchange.setProperty(ExchangeKeys.REQUESTED_PATH, alias.path());
        }
        if (alias.model() != null) {
            Map<String, Object> parameters = new LinkedHashMap<>(request.parameters());
            parameters.put("model", alias.model()); // the path's LLM call asks for this model
            exchange.setProperty(ExchangeKeys.LLM_PARAMETERS, parameters);
        }
    }

    static InvalidParameter modelNotFound(String model) {
        return new InvalidParameter(404, "model_not_found", "The model '" + model
                + "' does not exist or you do not have access to it (GET /v1/models lists them).", "model");
    }
}
