package io.chatgw.plane;

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
    private final PlaneSocketServer server;

    public IssueVmToken(VmTokens tokens, PlaneSocketServer server) {
        this.tokens = tokens;
        this.server = server;
    }

    @Override
    public void process(Exchange exchange) {
        Caller caller = exchange.getProperty(ExchangeKeys.CALLER, Caller.class);
        String vmId = LocalProcessLauncher.vmIdOf(caller.userId());
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("token", tokens.issue(caller.userId(), caller.orgId(), vmId));
        reply.put("vm_id", vmId);
        reply.put("ws_url", server.publicUrl());
        exchange.getMessage().setBody(reply);
    }
}
