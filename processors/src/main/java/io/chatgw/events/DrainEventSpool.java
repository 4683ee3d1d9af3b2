package io.chatgw.events;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass of the spool into PostgreSQL (routes/events.yaml): segment by segment, oldest first, in batches of
 * {@code batch-size} (each batch's rows and outbox rows in one transaction); a segment is deleted once all of it
 * is written. PostgreSQL unreachable: the pass stops, the events stay spooled, the next pass tries again (the
 * outage and the recovery are logged once each). An event PostgreSQL rejects as invalid goes to the spool's
 * {@code dead.jsonl} (ERROR log line, {@code gateway_events_dead_total}) so it cannot block the events after it.
 */
public final class DrainEventSpool implements Processor {

    private static final Logger log = LoggerFactory.getLogger(DrainEventSpool.class);

    private final EventJournal journal;
    private final EventStore store;
    private final EventJson json;
    private final EventMeters meters;
    private final int batchSize;
    private final long syncIntervalNanos;
    private volatile boolean postgresDown;
    private long lastSync = System.nanoTime();

    public DrainEventSpool(EventJournal journal, EventStore store, EventJson json, EventMeters meters,
                           EventsProperties config) {
        this.journal = journal;
        this.store = store;
        this.json = json;
        this.meters = meters;
        this.batchSize = config.batchSize();
        this.syncIntervalNanos = config.spool().syncInterval().toNanos();
    }

    @Override
    public synchronized void process(Exchange exchange) throws IOException {
        syncNowAndThen();
        EventJournal.Segment segment;
        while ((segment = journal.oldest()) != null) {
            if (!drain(segment)) {
                return;
            }
            journal.delete(segment);
        }
        if (postgresDown) {
            postgresDown = false;
            log.info("PostgreSQL is back: the event spool is replayed (docs/events.md)");
        }
    }

    /** Whether PostgreSQL was reachable the last time the spool was drained. */
    public boolean postgresDown() {
        return postgresDown;
    }

    private boolean drain(EventJournal.Segment segment) throws IOException {
        List<Event> batch = new ArrayList<>(batchSize);
        boolean[] ok = {true};
        journal.read(segment, line -> {
            if (!ok[0]) {
                return;
            }
            Event event;
            try {
                event = json.read(line);
            } catch (RuntimeException e) {
                dead(line, e);
                return;
            }
            batch.add(event);
            if (batch.size() >= batchSize) {
                ok[0] = write(batch);
                batch.clear();
            }
        });
        if (ok[0] && !batch.isEmpty()) {
            ok[0] = write(batch);
        }
        return ok[0];
    }

    private boolean write(List<Event> batch) {
        try {
            store.write(batch);
            batch.forEach(e -> meters.written(e.type()).increment());
            return true;
        } catch (RuntimeException e) {
            if (EventStore.isOutage(e)) {
                if (!postgresDown) {
                    postgresDown = true;
                    log.warn("PostgreSQL unreachable: events are spooled in {} until it is back ({} events now): {}",
                            journal.dir(), journal.events(), e.toString());
                }
                return false;
            }
            return writeOneByOne(batch); // one of them is invalid: find it, keep the others
        }
    }

    private boolean writeOneByOne(List<Event> batch) {
        for (Event event : batch) {
            try {
                store.write(List.of(event));
                meters.written(event.type()).increment();
            } catch (RuntimeException e) {
                if (EventStore.isOutage(e)) {
                    return false;
                }
                dead(json.write(event), e);
                meters.dead(event.type()).increment();
            }
        }
        return true;
    }

    private void dead(String line, Exception cause) {
        log.error("event rejected by PostgreSQL, kept in {}/dead.jsonl: {} event={}", journal.dir(), cause, line);
        try {
            Files.writeString(journal.dir().resolve("dead.jsonl"), line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            log.error("cannot keep the rejected event in {}/dead.jsonl: {}", journal.dir(), e.toString());
        }
    }

    private void syncNowAndThen() throws IOException {
        long now = System.nanoTime();
        if (now - lastSync >= syncIntervalNanos) {
            lastSync = now;
            journal.sync();
        }
    }
}
