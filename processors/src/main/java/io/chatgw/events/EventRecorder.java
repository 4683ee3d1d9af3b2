package io.chatgw.events;

import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;

/**
 * For Java code outside the routes (stores, admin processors): hands an event to {@code direct:record-event},
 * the one way out (routes/events.yaml), on the caller's thread: it returns once the event is in the spool (an
 * append to a file, no network). Never throws into the caller's business: a refused event is logged and counted
 * there. Flows wire-tap to the same route instead (the turn's thread never waits for an event write).
 */
public class EventRecorder {

    private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);

    private final ObjectProvider<ProducerTemplate> producer;

    public EventRecorder(ObjectProvider<ProducerTemplate> producer) {
        this.producer = producer;
    }

    public void record(Event event) {
        try {
            producer.getObject().sendBody("direct:record-event", event);
        } catch (RuntimeException e) {
            log.error("event not handed over: {} event type={} id={} data={}", e.toString(), event.type(), event.id(),
                    event.data());
        }
    }
}
