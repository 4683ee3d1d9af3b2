package io.chatgw.plane.launch.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The warm pool against the gateway's stop, with the engine's routes replaced by recorders (the real engine:
 * DockerGatewayRestartIT): a member's start in progress when the gateway stops is waited for and then removed, never
 * left behind; a start that outlasts the wait removes its own container when it returns; a failed start removes what it
 * may have created.
 */
class WarmPoolTest {

    private final CamelContext camel = new DefaultCamelContext();
    private final CountDownLatch startEntered = new CountDownLatch(1);
    private final CountDownLatch startMayReturn = new CountDownLatch(1);
    private final AtomicInteger starts = new AtomicInteger();
    private final List<String> removedContainers = new CopyOnWriteArrayList<>();
    private final List<String> removedVolumes = new CopyOnWriteArrayList<>();
    private volatile boolean startFails;

    private WarmPool pool(int size, Duration startWait) throws Exception {
        return pool(size, startWait, Duration.ZERO);
    }

    private WarmPool pool(int size, Duration startWait, Duration refillDelay) throws Exception {
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:plane-container-start").process(e -> {
                    PlaneContainer container = e.getIn().getBody(PlaneContainer.class);
                    starts.incrementAndGet();
                    startEntered.countDown();
                    assertThat(startMayReturn.await(10, TimeUnit.SECONDS)).isTrue();
                    if (startFails) {
                        throw new IllegalStateException("engine said no");
                    }
                    e.getMessage().setBody("id-" + container.name());
                });
                from("direct:plane-container-remove").process(e -> removedContainers.add(e.getIn().getBody(String.class)));
                from("direct:plane-volume-remove").process(e -> removedVolumes.add(e.getIn().getBody(String.class)));
            }
        });
        camel.start();
        return new WarmPool(size, 1, startWait, "d1", name -> new PlaneContainer(name, name + "-data", "image",
                Map.of(), List.of(), List.of(), List.of(), 1, 1, "host"), camel.createProducerTemplate(), () -> { },
                refillDelay);
    }

    @AfterEach
    void stop() {
        startMayReturn.countDown();
        camel.stop();
    }

    @Test
    void aStopWaitsForAMembersStartInProgressAndThenRemovesThatMemberWithItsVolume() throws Exception {
        WarmPool pool = pool(2, Duration.ofSeconds(10));
        pool.refill();
        assertThat(startEntered.await(5, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Void> closing = CompletableFuture.runAsync(pool::close);
        Thread.sleep(300);
        assertThat(closing).as("the stop waits for the start in progress").isNotDone();
        startMayReturn.countDown();
        closing.get(5, TimeUnit.SECONDS);

        assertThat(starts.get()).as("no member is started after the stop").isEqualTo(1);
        assertThat(removedContainers).singleElement().asString().startsWith("id-chatgw-d1-pool-");
        assertThat(removedVolumes).singleElement().asString().startsWith("chatgw-d1-pool-").endsWith("-data");
        assertThat(pool.size()).isZero();
    }

    @Test
    void aStartThatOutlastsTheStopsWaitRemovesItsOwnContainerWhenItReturns() throws Exception {
        WarmPool pool = pool(1, Duration.ofMillis(100));
        pool.refill();
        assertThat(startEntered.await(5, TimeUnit.SECONDS)).isTrue();

        pool.close(); // gives up waiting after 100 ms
        assertThat(removedContainers).isEmpty();
        startMayReturn.countDown();

        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> removedContainers.size() == 1);
        assertThat(removedContainers.get(0)).startsWith("id-chatgw-d1-pool-");
        assertThat(removedVolumes).hasSize(1);
        assertThat(pool.size()).as("not kept: the pool is closed").isZero();
    }

    @Test
    void aFailedStartRemovesByNameWhateverItMayHaveCreated() throws Exception {
        startFails = true;
        WarmPool pool = pool(1, Duration.ofSeconds(10));
        startMayReturn.countDown();
        pool.refill();

        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> removedVolumes.size() == 1);
        assertThat(removedContainers).singleElement().asString().startsWith("chatgw-d1-pool-");
        assertThat(removedVolumes.get(0)).isEqualTo(removedContainers.get(0) + "-data");
        assertThat(starts.get()).as("no retry loop: the poll refills later").isEqualTo(1);
        assertThat(pool.size()).isZero();
    }

    @Test
    void noRefillStartsOnceTheGatewayStops() throws Exception {
        WarmPool pool = pool(1, Duration.ofSeconds(1));
        startMayReturn.countDown();
        pool.close();
        pool.refill();
        pool.exited("anything");

        Thread.sleep(200);
        assertThat(starts.get()).isZero();
    }

    @Test
    void aClaimedMembersReplacementStartsOnlyAfterTheRefillDelay() throws Exception {
        WarmPool pool = poolWithItsMemberClaimed(Duration.ofMillis(800));
        Thread.sleep(400);
        assertThat(starts.get()).as("the claimed plane's first turn has the CPU meanwhile").isEqualTo(1);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> pool.size() == 1);
        assertThat(starts.get()).isEqualTo(2);
    }

    @Test
    void aRefillStillInItsDelayWhenTheGatewayStopsNeverStarts() throws Exception {
        WarmPool pool = poolWithItsMemberClaimed(Duration.ofMillis(300));

        pool.close();
        Thread.sleep(600);
        assertThat(starts.get()).isEqualTo(1);
    }

    /** A pool of one whose member has started and has just been claimed. */
    private WarmPool poolWithItsMemberClaimed(Duration refillDelay) throws Exception {
        WarmPool pool = pool(1, Duration.ofSeconds(1), refillDelay);
        startMayReturn.countDown();
        pool.refill();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> pool.size() == 1);
        assertThat(pool.claim()).isNotNull();
        return pool;
    }
}
