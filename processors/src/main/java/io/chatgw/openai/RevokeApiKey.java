package io.chatgw.openai;

import io.chatgw.auth.Caller;
import io.chatgw.core.ExchangeKeys;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/** {@code DELETE /api/v1/admin/api-keys/{keyId}}: revokes the key (idempotent) and replies with it. */
@Component("revokeApiKey")
public class RevokeApiKey implements Processor {

    private final ApiKeyStore keys;

    public RevokeApiKey(ApiKeyStore keys) {
        this.keys = keys;
    }

    @Override
    public void process(Exchange exchange) {
        Caller admin = exchange.getProperty(ExchangeKeys.CALLER, Caller.class);
        exchange.getMessage().setBody(keys.revoke(exchange.getIn().getHeader(OpenAiKeys.KEY_ID_HEADER, String.class),
                admin.userId(), admin.orgId()).toJson());
    }
}
