package io.chatgw.events;

import io.chatgw.core.GatewayException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * With {@code gateway.events.refuse-turns-when-spool-full: true}, a new turn is refused (503
 * {@code events_unavailable}) while the spool is full and its usage record could not be kept. Off by default:
 * turns go on and the refused events are logged with their content.
 */
public final class RefuseTurnWhenSpoolFull implements Processor {

    private final EventJournal spool;
    private final boolean enabled;

    public RefuseTurnWhenSpoolFull(EventJournal spool, boolean enabled) {
        this.spool = spool;
        this.enabled = enabled;
    }

    @Override
    public void process(Exchange exchange) {
        if (enabled && spool.isFull()) {
            throw new GatewayException(503, "events_unavailable",
                    "the gateway cannot record usage right now (event spool full); try again later");
        }
    }
}
