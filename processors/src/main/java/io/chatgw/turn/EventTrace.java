package io.chatgw.turn;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The events a turn's runs published, in order, with when: kept only for a turn that is compared with a shadow
 * (docs/shadow.md), and for the shadow turn itself. Text deltas are kept as they came; the comparison joins them.
 */
public final class EventTrace {

    /** One event: its type, its data as published, and when ({@link System#nanoTime()}). */
    public record Traced(String type, Map<String, ?> data, long nanos) {
    }

    private final List<Traced> events = new ArrayList<>();

    synchronized void record(String type, Map<String, ?> data) {
        events.add(new Traced(type, data, System.nanoTime()));
    }

    public synchronized List<Traced> events() {
        return List.copyOf(events);
    }

    public synchronized int size() {
        return events.size();
    }
}
