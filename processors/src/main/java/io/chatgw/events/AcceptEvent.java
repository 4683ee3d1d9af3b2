package io.chatgw.events;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Accepts the event in the body: appends it to the spool (routes/events.yaml's record-event). From here it is
 * durable: a crash or a stop replays it from the spool. A spool that is full or cannot be written throws; the
 * route hands the event to {@link ReportRefusedEvent}.
 */
public final class AcceptEvent implements Processor {

    private final EventJournal journal;
    private final EventJson json;
    private final EventMeters meters;

    public AcceptEvent(EventJournal journal, EventJson json, EventMeters meters) {
        this.journal = journal;
        this.json = json;
        this.meters = meters;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Event event = exchange.getMessage().getMandatoryBody(Event.class);
        journal.append(json.write(event));
        meters.accepted(event.type()).increment();
    }

}
