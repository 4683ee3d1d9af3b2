package io.chatgw.relay;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.config.GatewayProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

/**
 * The SSE relay: the only way events reach clients, whatever path produced them. Keeps one
 * {@link SessionStream} per active session (ring buffer + live clients) and releases idle ones.
 */
@Component
public class SessionRelay {

    private static final Logger log = LoggerFactory.getLogger(SessionRelay.class);

    private final Map<UUID, SessionStream> streams = new ConcurrentHashMap<>();
    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final GatewayProperties.Relay config;
    private final AtomicInteger openClients = new AtomicInteger();
    private final Counter slowClientsDropped;
    private final Counter resyncs;
    private final Counter evicted;
    // replay memory of all sessions against gateway.relay.max-buffered-bytes (SessionStream.sizeOf estimates)
    private final AtomicLong heldBytes = new AtomicLong();
    private final long maxHeldBytes;
    private final AtomicBoolean givingBack = new AtomicBoolean();
    private volatile long heldAfterLastGiveBack;
    private final ExecutorService giveBackThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "relay-memory");
        t.setDaemon(true);
        return t;
    });

    @Autowired
    public SessionRelay(JdbcTemplate jdbc, ObjectMapper json, GatewayProperties properties, MeterRegistry meters) {
        this(jdbc, json, properties.relay(), meters);
    }

    SessionRelay(JdbcTemplate jdbc, ObjectMapper json, GatewayProperties.Relay config, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.json = json;
        this.config = config;
        Gauge.builder("gateway.sse.streams.open", openClients, AtomicInteger::get)
                .description("SSE client streams currently open").register(meters);
        Gauge.builder("gateway.relay.sessions", streams, Map::size)
                .description("sessions whose events the relay holds in memory").register(meters);
        this.slowClientsDropped = Counter.builder("gateway.sse.slow.clients.dropped")
                .description("clients dropped because they read slower than their session produced events")
                .register(meters);
        this.resyncs = Counter.builder("gateway.sse.resyncs")
                .description("reconnecting clients sent a resync: the events after their Last-Event-ID were no longer held")
                .register(meters);
        this.maxHeldBytes = config.maxBufferedBytes().toBytes();
        Gauge.builder("gateway.relay.buffered.bytes", heldBytes, AtomicLong::get).baseUnit("bytes")
                .description("estimated heap held by the sessions' replay buffers (budget: gateway.relay.max-buffered-bytes)")
                .register(meters);
        this.evicted = Counter.builder("gateway.relay.buffer.evicted")
                .description("events dropped from replay buffers to keep them within gateway.relay.max-buffered-bytes")
                .register(meters);
    }

    /** The session's stream, created (with a new id epoch) if the relay holds none. */
    public SessionStream stream(UUID sessionId) {
        while (true) {
            SessionStream existing = streams.get(sessionId);
            if (existing != null && !existing.isClosed()) {
                return existing;
            }
            if (existing != null) {
                streams.remove(sessionId, existing);
            }
            long epoch = nextEpoch(sessionId);
            SessionStream created = newStream(sessionId, epoch);
            SessionStream raced = streams.putIfAbsent(sessionId, created);
            if (raced == null) {
                return created;
            }
        }
    }

    /**
     * The first stream of a session this instance has just created (its row holds
     * {@link io.chatgw.session.SessionStore#FIRST_RELAY_EPOCH}, which nobody has opened a stream at yet): no
     * statement, where {@link #stream} bumps the epoch in the database.
     */
    public SessionStream streamOfNewSession(UUID sessionId) {
        SessionStream created = newStream(sessionId, io.chatgw.session.SessionStore.FIRST_RELAY_EPOCH);
        SessionStream raced = streams.putIfAbsent(sessionId, created);
        return raced == null ? created : stream(sessionId);
    }

    private SessionStream newStream(UUID sessionId, long epoch) {
        return new SessionStream(sessionId, epoch, config.bufferSize(), openClients::decrementAndGet, this::heldBytesChanged);
    }

    /**
     * Attaches a client to the session's events after {@code afterId} (negative = live only).
     * The returned subscription's flux replays first, then follows live.
     */
    public RelaySubscription subscribe(UUID sessionId, long afterId) {
        while (true) {
            SessionStream stream = stream(sessionId);
            RelaySubscription subscription = stream.attach(afterId, config.clientQueueSize(), this::resyncData);
            if (!stream.isClosed()) {
                openClients.incrementAndGet();
                return subscription;
            }
            // the sweeper closed it between lookup and attach: take a fresh one
        }
    }

    /** Counts a subscription's flux as an open SSE stream for its lifetime. */
    public Flux<RelayEvent> track(RelaySubscription subscription, Runnable closeConnection) {
        subscription.onDrop(() -> {
            slowClientsDropped.increment();
            closeConnection.run();
        });
        return subscription.events();
    }

    /**
     * Drops the session's replay buffer and ends its clients' streams (the session is being deleted).
     * @return false, and nothing changes, if a turn is running in the session
     */
    public boolean discard(UUID sessionId) {
        SessionStream stream = streams.get(sessionId);
        if (stream == null) {
            return true;
        }
        if (!stream.discardUnlessBusy()) {
            return false;
        }
        streams.remove(sessionId, stream);
        return true;
    }

    public int openClientStreams() {
        return openClients.get();
    }

    /** Releases the memory of sessions nobody has used for the configured idle time. */
    @Scheduled(fixedDelayString = "${gateway.relay.sweep-interval:60s}")
    public void releaseIdleSessions() {
        long now = System.nanoTime();
        long idle = config.idleSessionTtl().toNanos();
        long ephemeralGrace = config.ephemeralGrace().toNanos();
        streams.entrySet().removeIf(e -> e.getValue().closeIfIdle(idle, ephemeralGrace, now));
    }

    /** Bytes the replay buffers hold, as estimated. */
    public long bufferedBytes() {
        return heldBytes.get();
    }

    private void heldBytesChanged(long change) {
        long held = heldBytes.addAndGet(change);
        if (change < 0 && held <= maxHeldBytes && heldAfterLastGiveBack != 0) {
            heldAfterLastGiveBack = 0; // back within budget: the next excess gives back at once
        }
        // one give-back at a time, and none again until the buffers grew past what the last one could not free
        if (change > 0 && held > maxHeldBytes && held > heldAfterLastGiveBack + maxHeldBytes / 20
                && givingBack.compareAndSet(false, true)) {
            giveBackThread.execute(this::giveBackMemory);
        }
    }

    /**
     * Brings the replay buffers back to 90% of their budget, least recently used sessions first: first whole buffers
     * of sessions nobody follows and no turn writes to, then what precedes the running turn in busy ones. A client
     * that reconnects with an id from a dropped part gets {@code resync}, as after any buffer overflow.
     */
    void giveBackMemory() {
        try {
            long target = maxHeldBytes / 10 * 9;
            List<Map.Entry<Long, SessionStream>> byUse = new ArrayList<>(streams.size());
            streams.values().forEach(s -> byUse.add(Map.entry(s.lastTouchedNanos(), s))); // times fixed before sorting
            byUse.sort(Map.Entry.comparingByKey());
            long dropped = 0;
            for (boolean idleOnly : new boolean[] {true, false}) {
                for (Map.Entry<Long, SessionStream> e : byUse) {
                    if (heldBytes.get() <= target) {
                        break;
                    }
                    dropped += e.getValue().giveBackMemory(idleOnly);
                }
            }
            evicted.increment(dropped);
            log.info("relay replay buffers over {} bytes: dropped {} events of the least recently used sessions, {} bytes held",
                    maxHeldBytes, dropped, heldBytes.get());
        } catch (RuntimeException e) {
            log.error("relay replay buffers: giving memory back failed", e);
        } finally {
            heldAfterLastGiveBack = heldBytes.get();
            givingBack.set(false);
        }
    }

    @PreDestroy
    void stopGivingBack() {
        giveBackThread.shutdownNow();
    }

    private long nextEpoch(UUID sessionId) {
        Long epoch = jdbc.queryForObject(
                "UPDATE sessions SET relay_epoch = relay_epoch + 1 WHERE id = ? RETURNING relay_epoch",
                Long.class, sessionId);
        if (epoch == null) {
            throw new IllegalStateException("session " + sessionId + " does not exist");
        }
        log.debug("relay for session {} opened at epoch {}", sessionId, epoch);
        return epoch;
    }

    private String resyncData(long requestedAfter, long oldestHeld, long lastId) {
        resyncs.increment();
        try {
            return json.writeValueAsString(Map.of(
                    "reason", "events_expired",
                    "message", "events after " + requestedAfter + " are no longer held; replaying from "
                            + oldestHeld + ". Reload the conversation state if you need what was lost.",
                    "requested_after", requestedAfter,
                    "oldest_available", oldestHeld,
                    "last_event_id", lastId));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
