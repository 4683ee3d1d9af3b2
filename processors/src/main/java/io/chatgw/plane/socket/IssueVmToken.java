package io.chatgw.plane.socket;

import io.chatgw.plane.PlaneProperties;
import io.chatgw.auth.Caller;
import io.chatgw.core.ExchangeKeys;
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
        String vmId = VmTokens.vmIdOf(caller.userId());
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("token", tokens.issue(caller.userId(), caller.orgId(), vmId));
        reply.put("vm_id", vmId);
        reply.put("ws_url", config.publicUrlOrDefault());
        exchange.getMessage().setBody(reply);
    }
}
