package io.chatgw.openai;

import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/** {@code GET /api/v1/admin/api-keys[?user_id=...]}: {@code {"data": [key, ...]}}, newest first, no secrets. */
@Component("listApiKeys")
public class ListApiKeys implements Processor {

    private final ApiKeyStore keys;

    public ListApiKeys(ApiKeyStore keys) {
        this.keys = keys;
    }

    @Override
    public void process(Exchange exchange) {
        String userId = exchange.getIn().getHeader(OpenAiKeys.USER_ID_HEADER, String.class);
        exchange.getMessage().setBody(Map.of("data", keys.list(userId == null || userId.isBlank() ? null : userId)
                .stream().map(ApiKeyStore.ApiKey::toJson).toList()));
    }
}
