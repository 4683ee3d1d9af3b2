package io.chatgw.openai;

import io.chatgw.auth.Caller;
import io.chatgw.core.ExchangeKeys;
import io.chatgw.core.GatewayException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * 403 unless the authenticated caller's JWT has an admin role, {@code admin} or {@code org_admin} (API keys carry no
 * roles); what an org admin may act on is {@link io.chatgw.admin.AdminScope}'s decision.
 */
@Component("requireAdminRole")
public class RequireAdminRole implements Processor {

    @Override
    public void process(Exchange exchange) {
        Caller caller = exchange.getProperty(ExchangeKeys.CALLER, Caller.class);
        if (caller == null || !caller.isAdmin()) {
            throw new GatewayException(403, "forbidden", "this endpoint requires the 'admin' or 'org_admin' role");
        }
    }
}
