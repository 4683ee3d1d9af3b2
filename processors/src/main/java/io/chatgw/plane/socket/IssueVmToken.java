package io.chatgw.plane.socket;

import io.chatgw.plane.PlaneProperties;
import io.chatgw.auth.Caller;
import io.chatgw.core.ExchangeKeys;
import io.chatgw.core.GatewayException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/** POST /api/v1/vm-tokens: a VM token for a plane the caller runs themselves (launcher none / local mode). */
@Component("issueVmToken")
public class IssueVmToken implements Processor {

    private final VmTokens tokens;
    private final PlaneProperties config;

    public IssueVmToken(VmTokens tokens, PlaneProperties config) {
        this.tokens = tokens;
        this.config = config;
    }

    @Override
    public void process(Exchange exchange) {
        Caller caller = exchange.getProperty(ExchangeKeys.CALLER, Caller.class);
        if (Boolean.TRUE.equals(exchange.getProperty(ExchangeKeys.CALLER_VIA_API_KEY, Boolean.class))) {
            // an API key calls the chat APIs as its user; attaching a plane (which receives the user's turns) needs
            // the user's own token (docs/protocol.md "VM tokens")
            throw new GatewayException(403, "api_key_not_allowed", "a VM token cannot be minted with an API key; use a user token");
        }
        String vmId = VmTokens.vmIdOf(caller.userId());
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("token", tokens.issue(caller.userId(), caller.orgId(), vmId));
        reply.put("vm_id", vmId);
        reply.put("ws_url", config.publicUrlOrDefault());
        exchange.getMessage().setBody(reply);
    }
}
