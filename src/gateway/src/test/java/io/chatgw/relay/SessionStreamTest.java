package io.chatgw.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.BaseSubscriber;
import org.reactivestreams.Subscription;

class SessionStreamTest {

    private final AtomicInteger detached = new AtomicInteger();
    private final SessionStream stream = new SessionStream(UUID.randomUUID(), 3, 4, detached::incrementAndGet);

    private static String notice(long after, long oldest, long last) {
        return "{\"oldest\":" + oldest + "}";
    }

    private List<RelayEvent> collect(RelaySubscription s) {
        List<RelayEvent> out = new ArrayList<>();
        s.events().subscribe(out::add);
        return out;
    }

    @Test
    void idsStartAtTheEpochAndIncreaseStrictly() {
        RelayEvent a = stream.publish("text", "{}", "t");
        RelayEvent b = stream.publish("text", "{}", "t");
        assertThat(a.id()).isEqualTo(3 * SessionStream.EPOCH_SPAN + 1);
        assertThat(b.id()).isEqualTo(a.id() + 1);
    }

    @Test
    void replaysWhatTheBufferHoldsAfterTheGivenIdThenFollowsLive() {
        List<RelayEvent> published = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            published.add(stream.publish("text", "{\"i\":" + i + "}", "t"));
        }
        List<RelayEvent> seen = collect(stream.attach(published.get(0).id(), 16, SessionStreamTest::notice));
        RelayEvent live = stream.publish("done", "{}", "t");

        assertThat(seen).containsExactly(published.get(1), published.get(2), live);
    }

    @Test
    void idOlderThanTheBufferGetsAResyncEventFirst() {
        List<RelayEvent> published = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            published.add(stream.publish("text", "{}", "t"));
        }
        List<RelayEvent> seen = collect(stream.attach(published.get(0).id(), 16, SessionStreamTest::notice));

        assertThat(seen.get(0).type()).isEqualTo("resync");
        assertThat(seen.get(0).id()).isEqualTo(RelayEvent.NO_ID);
        assertThat(seen.get(0).data()).contains(Long.toString(published.get(2).id()));
        assertThat(seen.subList(1, seen.size())).containsExactlyElementsOf(published.subList(2, 6));
    }

    @Test
    void upToDateClientGetsNoReplayAndNoResync() {
        RelayEvent last = stream.publish("text", "{}", "t");
        assertThat(collect(stream.attach(last.id(), 16, SessionStreamTest::notice))).isEmpty();
        assertThat(collect(stream.attach(-1, 16, SessionStreamTest::notice))).isEmpty();
    }

    @Test
    void slowClientIsDroppedWhileProducerAndOtherClientsCarryOn() {
        AtomicBoolean dropHookRan = new AtomicBoolean();
        RelaySubscription slow = stream.attach(-1, 2, SessionStreamTest::notice);
        slow.onDrop(() -> dropHookRan.set(true));
        List<Object> slowSignals = new ArrayList<>();
        slow.events().subscribe(new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(Subscription subscription) {
                // requests nothing: a client that stopped reading
            }

            @Override
            protected void hookOnError(Throwable error) {
                slowSignals.add(error);
            }
        });
        List<RelayEvent> fast = collect(stream.attach(-1, 2, SessionStreamTest::notice));

        for (int i = 0; i < 10; i++) {
            stream.publish("text", "{}", "t"); // never blocks
        }

        assertThat(slow.wasDropped()).isTrue();
        assertThat(dropHookRan).isTrue();
        assertThat(fast).hasSize(10);
        assertThat(stream.clientCount()).isEqualTo(1);
        assertThat(stream.lastEventId()).isEqualTo(3 * SessionStream.EPOCH_SPAN + 10);
    }

    @Test
    void oneTurnAtATimeAndTheTerminalEventReleasesIt() {
        assertThat(stream.beginTurn("t1")).isTrue();
        assertThat(stream.beginTurn("t2")).isFalse();
        stream.publish("text", "{}", "t1");
        assertThat(stream.beginTurn("t2")).isFalse();
        stream.publish("done", "{}", "t1");
        assertThat(stream.beginTurn("t2")).isTrue();
    }

    @Test
    void idleStreamWithoutClientsOrTurnCloses() {
        RelaySubscription s = stream.attach(-1, 4, SessionStreamTest::notice);
        s.events().subscribe().dispose();
        assertThat(detached).hasValue(1);
        assertThat(stream.closeIfIdle(0, Long.MAX_VALUE, System.nanoTime() + 1)).isTrue();
    }

    @Test
    void ephemeralStreamIsReleasedOnceUnusedForTheGraceNotBefore() {
        long grace = 5_000_000_000L;
        stream.markEphemeral();
        // resolved but its turn not open yet: kept during the grace
        assertThat(stream.closeIfIdle(Long.MAX_VALUE, grace, System.nanoTime() + grace / 2)).isFalse();
        assertThat(stream.beginTurn("t1")).isTrue();
        assertThat(stream.closeIfIdle(Long.MAX_VALUE, grace, System.nanoTime() + 2 * grace)).isFalse(); // turn running
        stream.publish("done", "{}", "t1");
        long ended = System.nanoTime();
        // ended, nobody attached yet: still held, so the client reading the answer finds it
        assertThat(stream.closeIfIdle(Long.MAX_VALUE, grace, ended + grace / 2)).isFalse();
        assertThat(stream.isClosed()).isFalse();
        assertThat(stream.closeIfIdle(Long.MAX_VALUE, grace, ended + grace + 1_000_000_000L)).isTrue();
    }

    @Test
    void aStreamThatIsNotEphemeralIsKeptForTheIdleTtl() {
        long grace = 5_000_000_000L;
        assertThat(stream.closeIfIdle(10 * grace, grace, System.nanoTime() + 2 * grace)).isFalse();
        assertThat(stream.closeIfIdle(10 * grace, grace, System.nanoTime() + 11 * grace)).isTrue();
    }
}
