package io.chatgw.paths;

import io.chatgw.core.ExchangeKeys;
import io.chatgw.core.GatewayException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/** A path that is not built (yet) fails loudly with {@code path_unavailable}: never a silent fallthrough. */
@Component("rejectUnavailablePath")
public class RejectUnavailablePath implements Processor {

    @Override
    public void process(Exchange exchange) {
        throw GatewayException.upstream("path_unavailable", "the '" + exchange.getProperty(ExchangeKeys.PATH)
                + "' path is not available on this gateway yet");
    }
}
