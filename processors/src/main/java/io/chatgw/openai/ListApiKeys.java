package io.chatgw.openai;

import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * {@code GET /api/v1/admin/api-keys[?user_id=...]}: {@code {"data": [key, ...]}}, newest first, no secrets; an org
 * admin's: its own org's keys only.
 */
@Component("listApiKeys")
public class ListApiKeys implements Processor {

    private final ApiKeyStore keys;

    private final io.chatgw.admin.AdminScope adminScope;

    public ListApiKeys(ApiKeyStore keys, io.chatgw.admin.AdminScope adminScope) {
        this.adminScope = adminScope;
        this.keys = keys;
    }

    @Override
    public void process(Exchange exchange) {
        String userId = exchange.getIn().getHeader(OpenAiKeys.USER_ID_HEADER, String.class);
        String user = userId == null || userId.isBlank() ? null : userId;
        if (user != null) {
            adminScope.requireUser(exchange, user);
        }
        String org = adminScope.orgFilter(exchange, null); // an org admin sees its own org's keys only
        exchange.getMessage().setBody(Map.of("data", keys.list(user).stream()
                .filter(k -> org == null || org.equals(k.orgId())).map(ApiKeyStore.ApiKey::toJson).toList()));
    }
}
