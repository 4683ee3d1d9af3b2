package io.chatgw.events;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An event that could not be accepted (the spool is full or cannot be written): logged at ERROR with the whole
 * event as JSON, so it can be replayed by hand, and counted in {@code gateway_events_refused_total{type}}; the
 * events health says the spool is full. Never silent.
 */
public final class ReportRefusedEvent implements Processor {

    private static final Logger log = LoggerFactory.getLogger(ReportRefusedEvent.class);

    private final EventJson json;
    private final EventMeters meters;

    public ReportRefusedEvent(EventJson json, EventMeters meters) {
        this.json = json;
        this.meters = meters;
    }

    @Override
    public void process(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (body instanceof Event event) {
            meters.refused(event.type()).increment();
            log.error("event not accepted: {} event={}", cause, json.write(event));
        } else {
            log.error("event not accepted: {} body={}", cause, body);
        }
    }
}
