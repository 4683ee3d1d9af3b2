package io.chatgw.openai;

import io.chatgw.admin.AdminScope;
import io.chatgw.auth.Caller;
import io.chatgw.core.ExchangeKeys;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/** {@code DELETE /api/v1/admin/api-keys/{keyId}}: revokes the key (idempotent) and replies with it. */
@Component("revokeApiKey")
public class RevokeApiKey implements Processor {

    private final ApiKeyStore keys;

    private final io.chatgw.admin.AdminScope adminScope;

    public RevokeApiKey(ApiKeyStore keys, io.chatgw.admin.AdminScope adminScope) {
        this.adminScope = adminScope;
        this.keys = keys;
    }

    @Override
    public void process(Exchange exchange) {
        Caller admin = exchange.getProperty(ExchangeKeys.CALLER, Caller.class);
        String keyId = exchange.getIn().getHeader(OpenAiKeys.KEY_ID_HEADER, String.class);
        if (AdminScope.limitedTo(exchange) != null) { // an org admin revokes its own org's keys only
            java.util.Optional<ApiKeyStore.ApiKey> key = parse(keyId).flatMap(keys::find);
            adminScope.requireOrg(exchange, key.map(ApiKeyStore.ApiKey::orgId).orElse(null));
        }
        exchange.getMessage().setBody(keys.revoke(keyId, admin.userId(), admin.orgId()).toJson());
    }

    private static java.util.Optional<java.util.UUID> parse(String id) {
        try {
            return java.util.Optional.of(java.util.UUID.fromString(id));
        } catch (RuntimeException notAnId) {
            return java.util.Optional.empty();
        }
    }
}
