package io.chatgw.openai;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * {@code GET /v1/models}: the configured {@code gateway.openai.models} and {@code model-aliases} as OpenAI model
 * objects. With the {@code model} header set ({@code GET /v1/models/{model}}), that one model, or 404
 * {@code model_not_found} (also with {@code accept-any-model}: only configured names are listed).
 */
@Component("listOpenAiModels")
public class ListOpenAiModels implements Processor {

    private final OpenAiProperties config;
    private final long created = Instant.now().getEpochSecond();

    public ListOpenAiModels(OpenAiProperties config) {
        this.config = config;
    }

    @Override
    public void process(Exchange exchange) {
        String wanted = exchange.getIn().getHeader("model", String.class);
        if (wanted != null) {
            if (!config.models().contains(wanted) && !config.modelAliases().containsKey(wanted)) {
                throw ResolveCompletionModel.modelNotFound(wanted);
            }
            exchange.getMessage().setBody(model(wanted));
            return;
        }
        List<Map<String, Object>> data = java.util.stream.Stream.concat(config.models().stream(),
                config.modelAliases().keySet().stream().sorted().filter(a -> !config.models().contains(a)))
                .map(this::model).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("object", "list");
        body.put("data", data);
        exchange.getMessage().setBody(body);
    }

    private Map<String, Object> model(String id) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("object", "model");
        m.put("created", created);
        m.put("owned_by", "chat-gateway");
        return m;
    }
}
