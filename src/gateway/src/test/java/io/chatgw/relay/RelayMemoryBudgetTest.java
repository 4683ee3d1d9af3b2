package io.chatgw.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.config.GatewayProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.unit.DataSize;

/** The replay buffers of all sessions stay within gateway.relay.max-buffered-bytes, least recently used first. */
class RelayMemoryBudgetTest {

    private static final String TEXT = "{\"text\":\"" + "x".repeat(200) + "\"}";
    private static final long EVENT = SessionStream.sizeOf(new RelayEvent(1, "text", TEXT, "t"));

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final SessionRelay relay = new SessionRelay(new EpochsInMemory(), new ObjectMapper(),
            new GatewayProperties.Relay(512, 256, Duration.ofMinutes(30), Duration.ofSeconds(30),
                    DataSize.ofBytes(100 * EVENT * 10)), meters);

    @AfterEach
    void stop() {
        relay.stopGivingBack();
    }

    @Test
    void manySessionsNeverHoldMoreThanTheBudgetAndTheLeastRecentlyUsedLoseTheirBuffersFirst() {
        List<UUID> sessions = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            UUID id = UUID.randomUUID();
            sessions.add(id);
            SessionStream stream = relay.stream(id);
            for (int e = 0; e < 50; e++) {
                stream.publish("text", TEXT, "turn-" + i);
            }
        }
        // 40 x 50 events published, 1,000 fit: the oldest sessions are emptied, down to 90%
        await().atMost(Duration.ofSeconds(5)).until(() -> relay.bufferedBytes() <= 1000 * EVENT);
        assertThat(relay.stream(sessions.get(39)).heldBytes()).isEqualTo(50 * EVENT);
        assertThat(relay.stream(sessions.get(0)).heldBytes()).isZero();
        assertThat(meters.counter("gateway.relay.buffer.evicted").count()).isGreaterThanOrEqualTo(1000);
        long held = sessions.stream().mapToLong(id -> relay.stream(id).heldBytes()).sum();
        assertThat(held).isEqualTo(relay.bufferedBytes());
    }

    @Test
    void aClientReconnectingIntoADroppedBufferGetsResyncThenWhatIsHeld() {
        UUID first = UUID.randomUUID();
        SessionStream stream = relay.stream(first);
        RelayEvent firstEvent = stream.publish("text", TEXT, "turn-a");
        for (int i = 0; i < 1200; i++) {
            relay.stream(UUID.randomUUID()).publish("text", TEXT, "turn-b");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> relay.stream(first).heldBytes() == 0);
        RelayEvent later = relay.stream(first).publish("text", TEXT, "turn-c");

        List<RelayEvent> got = new ArrayList<>();
        relay.subscribe(first, firstEvent.id() - 1).events().subscribe(got::add);
        assertThat(got).extracting(RelayEvent::type).containsExactly(RelayEvent.RESYNC, "text");
        assertThat(got.get(1).id()).isEqualTo(later.id());
    }

    @Test
    void aRunningTurnKeepsItsEventsWhileWhatPrecedesItIsDropped() {
        UUID busy = UUID.randomUUID();
        SessionStream stream = relay.stream(busy);
        for (int i = 0; i < 300; i++) {
            stream.publish("text", TEXT, "turn-old");
        }
        stream.publish("done", "{}", "turn-old");
        assertThat(stream.beginTurn("turn-now")).isTrue();
        for (int i = 0; i < 300; i++) {
            stream.publish("text", TEXT, "turn-now");
        }
        List<RelayEvent> live = new ArrayList<>();
        relay.subscribe(busy, -1).events().subscribe(live::add);
        // other sessions, used later, fill the budget: only the busy session's old turn can go
        for (int i = 0; i < 20; i++) {
            SessionStream other = relay.stream(UUID.randomUUID());
            for (int e = 0; e < 30; e++) {
                other.publish("text", TEXT, "turn-x");
            }
            other.beginTurn("turn-x-open");
            relay.subscribe(other.sessionId(), -1);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> stream.heldBytes() == 300 * EVENT);
        stream.publish("text", TEXT, "turn-now");
        assertThat(live).hasSize(1); // the live client still follows
    }

    /** sessions.relay_epoch without a database: every stream of a test starts at epoch 1. */
    private static final class EpochsInMemory extends JdbcTemplate {
        private final AtomicLong epoch = new AtomicLong();

        @Override
        @SuppressWarnings("unchecked")
        public <T> T queryForObject(String sql, Class<T> type, Object... args) {
            return (T) Long.valueOf(epoch.incrementAndGet());
        }
    }
}
